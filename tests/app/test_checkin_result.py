"""A check-in's result page leads with what the person said; a missing total is a quiet line."""

from tests.app.test_checkin_pages import form_data, submit_daily


def result_page(client, response) -> str:
    """Follow a save to its result page and return the HTML."""
    assert response.status_code == 302
    return client.get(response.location).get_data(as_text=True)


def test_a_partial_daily_leads_with_mood_answers_tags_and_note(logged_in):
    page = logged_in.get("/checkins/new").get_data(as_text=True)
    data = form_data(page, [2, 1], mood=6, note="Walked <b>far</b>")
    data["new_tags"] = "walk, work"
    html = result_page(logged_in, logged_in.post("/checkins/new", data=data))
    said = html.index("What you said")
    assert said < html.index("Mood: <strong>6</strong> of 10") < html.index("No total")
    assert '<span class="mood-word">Good</span>' in html
    assert html.index("walk") > said and "Walked &lt;b&gt;far&lt;/b&gt;" in html
    assert html.count('<li value="') == 2 and "7 of 9 questions not answered." in html
    assert '<p class="hint score-none">No total' in html and 'class="score score-none"' not in html


def test_a_mood_alone_says_so_without_nine_not_answered_lines(logged_in):
    page = logged_in.get("/checkins/new").get_data(as_text=True)
    data = form_data(page, [], mood=2)
    html = result_page(logged_in, logged_in.post("/checkins/new", data=data))
    assert '<span class="mood-word">Low</span>' in html
    assert "Your answers" not in html and "a mood alone is a whole entry" in html


def test_a_complete_daily_shows_its_answers_then_its_total(logged_in):
    html = result_page(logged_in, submit_daily(logged_in, [1] * 9, mood=7))
    assert html.index("What you said") < html.index('<span class="score-total">9</span>')
    assert html.count('<li value="') == 9 and "not answered" not in html
