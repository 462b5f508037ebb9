"""The check-in pages: form, result with crisis resources first, history, edit, delete."""

import re
from datetime import timedelta

import pytest

from journal.records import user_today
from tests.conftest import csrf_from, new_id


def form_data(page_html: str, answers, mood=None, note="", local_date=None) -> dict:
    """Fill the check-in form the way a browser would submit it."""
    data = {"csrf_token": csrf_from(page_html), "note": note}
    data["client_id"] = re.search(r'name="client_id" value="([^"]+)"', page_html).group(1)
    data["local_date"] = local_date or re.search(
        r'name="local_date"[^>]*value="([^"]+)"', page_html
    ).group(1)
    for n, answer in enumerate(answers, start=1):
        data[f"item{n}"] = str(answer)
    if mood is not None:
        data["mood"] = str(mood)
    return data


def submit_daily(client, answers, mood=5, note=""):
    """Open the daily form, submit it, and return the response."""
    page = client.get("/checkins/new").get_data(as_text=True)
    return client.post("/checkins/new", data=form_data(page, answers, mood, note))


def test_form_has_a_fieldset_per_item_with_labels(logged_in):
    """Nine fieldsets with legends, plus mood and tags; every radio is inside a label."""
    html = logged_in.get("/checkins/new").get_data(as_text=True)
    assert html.count('<fieldset class="question') == 11
    assert "<legend>Tags: what the day held (optional)</legend>" in html
    assert "Today, how much have you been bothered" in html
    assert "9. Thoughts that you would be better off dead" in html
    assert html.count('type="radio"') == 9 * 4 + 11


def test_form_holds_hidden_crisis_panel_next_to_item9(logged_in):
    """The crisis panel is in the form, hidden, for app.js to reveal at once."""
    html = logged_in.get("/checkins/new").get_data(as_text=True)
    assert 'id="crisis"' in html and "hidden" in html.split('id="crisis"')[1].split(">")[0]
    assert html.index("data-safety-item") < html.index('id="crisis"')


def test_submit_daily_shows_score(logged_in):
    """A submitted check-in redirects to its result with total and mood."""
    response = submit_daily(logged_in, [1, 1, 1, 0, 0, 0, 0, 0, 0], mood=7)
    assert response.status_code == 302
    html = logged_in.get(response.location).get_data(as_text=True)
    assert '<span class="score-total">3</span>' in html
    assert "Mood: <strong>7</strong>" in html
    assert 'id="crisis"' not in html


def test_item9_positive_shows_crisis_resources_before_the_total(logged_in):
    """The result page puts the crisis resources first, with 988, before the score."""
    response = submit_daily(logged_in, [0] * 8 + [1])
    html = logged_in.get(response.location).get_data(as_text=True)
    assert 'id="crisis"' in html and 'role="alert"' in html
    assert "call or text 988" in html
    assert html.index('id="crisis"') < html.index('class="score"')
    assert "hidden" not in html.split('id="crisis"')[1].split(">")[0]


def test_item9_positive_on_the_validated_phq9_shows_crisis(logged_in):
    """The validated PHQ-9 takes the same crisis path, with its severity band."""
    page = logged_in.get("/checkins/new?instrument=phq9").get_data(as_text=True)
    assert "Over the last 2 weeks" in page
    response = logged_in.post(
        "/checkins/new?instrument=phq9", data=form_data(page, [3, 3, 3, 3, 3, 3, 0, 0, 2])
    )
    html = logged_in.get(response.location).get_data(as_text=True)
    assert html.index("call or text 988") < html.index('class="score"')
    assert "Severity band: <strong>Severe</strong>" in html
    assert "Pfizer" in html  # attribution wherever the items are shown


def test_gad7_shows_band(logged_in):
    """GAD-7 is scored with its own bands."""
    page = logged_in.get("/checkins/new?instrument=gad7").get_data(as_text=True)
    response = logged_in.post(
        "/checkins/new?instrument=gad7", data=form_data(page, [2, 2, 2, 2, 2, 0, 0])
    )
    html = logged_in.get(response.location).get_data(as_text=True)
    assert "Severity band: <strong>Moderate</strong>" in html


def test_unknown_instrument_page_is_404(logged_in):
    """An unknown instrument in the URL is not found."""
    assert logged_in.get("/checkins/new?instrument=bdi").status_code == 404


def test_missing_answer_on_a_questionnaire_is_shown_on_the_form(logged_in):
    """An unanswered PHQ-9 item re-renders the form with a message and nothing saved."""
    page = logged_in.get("/checkins/new?instrument=phq9").get_data(as_text=True)
    data = form_data(page, [0] * 9)
    del data["item4"]
    response = logged_in.post("/checkins/new?instrument=phq9", data=data)
    assert response.status_code == 422
    assert "Choose one answer." in response.get_data(as_text=True)
    assert "No check-ins yet" in logged_in.get("/checkins/").get_data(as_text=True)


def test_daily_items_are_optional_and_the_total_waits_for_all_nine(logged_in):
    """A daily check-in with an item skipped saves, with no total."""
    page = logged_in.get("/checkins/new").get_data(as_text=True)
    data = form_data(page, [1] * 9)
    del data["item4"]
    response = logged_in.post("/checkins/new", data=data)
    assert response.status_code == 302
    html = logged_in.get(response.location).get_data(as_text=True)
    assert "No total" in html and "score-total" not in html and "not answered" in html


def test_empty_daily_check_in_is_refused_with_one_message(logged_in):
    """Nothing at all chosen: one clear message, not nine."""
    page = logged_in.get("/checkins/new").get_data(as_text=True)
    data = {
        k: v for k, v in form_data(page, [0] * 9, mood=None).items() if not k.startswith("item")
    }
    response = logged_in.post("/checkins/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose your mood, or answer at least one question." in html
    assert "Choose one answer." not in html


def test_one_tap_mood_on_today_saves_and_a_second_tap_edits(logged_in):
    """Today's mood buttons post a mood-only check-in and Today answers; a second tap edits it."""
    today = logged_in.get("/").get_data(as_text=True)
    assert today.count('class="mood-button"') == 11
    client_id = re.search(r'name="client_id" value="([0-9a-f-]{36})"', today)[1]
    local_date = re.search(r'name="local_date" value="([0-9-]{10})"', today)[1]
    data = {
        "csrf_token": csrf_from(today),
        "client_id": client_id,
        "local_date": local_date,
        "mood": "7",
    }
    response = logged_in.post("/checkins/mood", data=data)
    assert response.status_code == 303 and response.location == "/"
    today = logged_in.get("/").get_data(as_text=True)
    assert (
        "Your mood today: 7 of 10" in today
        and 'value="7" class="mood-button" aria-pressed="true"' in today
        and ">Undo</button>" in today
    )
    html = logged_in.get(f"/checkins/{client_id}").get_data(as_text=True)
    assert "Mood: <strong>7</strong>" in html and "No total" in html
    assert logged_in.post("/checkins/mood", data={**data, "mood": "2"}).status_code == 303
    assert "Mood: <strong>2</strong>" in logged_in.get(f"/checkins/{client_id}").get_data(
        as_text=True
    )


def test_mood_tap_keeps_the_days_answers(logged_in):
    """Changing the mood from Today keeps the answers and note already given."""
    response = submit_daily(logged_in, [1, 2, 0, 0, 0, 0, 0, 0, 0], mood=3, note="Long day")
    today = logged_in.get("/").get_data(as_text=True)
    form = today.split('class="quick-mood"', 1)[1].split("</form>", 1)[0]
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"(?! disabled)', form))
    data.pop("mood", None)
    data["mood"] = "6"
    action = re.search(r'action="([^"]+)"', form)[1]
    assert logged_in.post(action, data=data).status_code == 303
    html = logged_in.get(response.location).get_data(as_text=True)
    assert "Mood: <strong>6</strong>" in html and '<span class="score-total">3</span>' in html
    assert "Long day" in html


def test_out_of_range_answer_is_refused(logged_in):
    """A tampered answer value is refused with a message."""
    page = logged_in.get("/checkins/new").get_data(as_text=True)
    response = logged_in.post("/checkins/new", data=form_data(page, [0] * 8 + [7]))
    assert response.status_code == 422


def test_future_date_is_refused_on_the_form(logged_in, user):
    """The form refuses a date after the user's today."""
    page = logged_in.get("/checkins/new").get_data(as_text=True)
    tomorrow = (user_today(user) + timedelta(days=1)).isoformat()
    response = logged_in.post("/checkins/new", data=form_data(page, [0] * 9, local_date=tomorrow))
    assert response.status_code == 422
    assert "after today" in response.get_data(as_text=True)


def test_same_date_twice_on_the_form_is_explained(logged_in, user):
    """A second check-in for a date is refused with a message, not a crash."""
    yesterday = (user_today(user) - timedelta(days=1)).isoformat()
    for _ in range(2):
        page = logged_in.get("/checkins/new").get_data(as_text=True)
        response = logged_in.post(
            "/checkins/new", data=form_data(page, [0] * 9, local_date=yesterday)
        )
    assert response.status_code == 422
    assert "already a check-in for this date" in response.get_data(as_text=True)


def test_double_submit_is_one_checkin(logged_in):
    """Submitting the same form twice (same client id) saves one check-in."""
    page = logged_in.get("/checkins/new").get_data(as_text=True)
    data = form_data(page, [1] * 9, mood=4)
    logged_in.post("/checkins/new", data=data)
    second = logged_in.post("/checkins/new", data=data)
    assert second.status_code == 302
    table = logged_in.get("/checkins/?view=table").get_data(as_text=True)
    assert table.count("<tr>") == 2  # head + row


def test_new_shows_todays_checkin_to_change_when_today_is_done(logged_in):
    """The daily form again today: today's entry, filled in, at the same URL (no redirect).

    The "Check in" link and the app's shortcut are stored for offline use under this URL.
    """
    location = submit_daily(logged_in, [0] * 9, mood=6).location
    response = logged_in.get("/checkins/new")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'name="client_id" value="{location.rsplit("/", 1)[1]}"' in page
    assert 'name="base_revision" value="1"' in page
    assert re.search(r'<input checked[^>]*name="mood"[^>]*value="6"', page)
    assert "You already did today" in page


def test_saving_todays_checkin_from_the_new_form_changes_it(logged_in):
    """The form shown at /checkins/new for today's entry saves a new revision of it."""
    location = submit_daily(logged_in, [0] * 9, mood=5).location
    page = logged_in.get("/checkins/new").get_data(as_text=True)
    data = form_data(page, [2] * 9, mood=2)
    data["base_revision"] = "1"
    response = logged_in.post("/checkins/new", data=data)
    assert response.status_code == 302 and response.location == location
    assert '<span class="score-total">18</span>' in logged_in.get(location).get_data(as_text=True)
    assert (
        logged_in.get("/checkins/?view=table").get_data(as_text=True).count("<tr>") == 2
    )  # head + row


def test_a_stale_save_from_the_new_form_keeps_the_newer_copy(logged_in):
    """Today's entry changed since the form was shown: refused, as the edit page does."""
    submit_daily(logged_in, [0] * 9)
    stale = logged_in.get("/checkins/new").get_data(as_text=True)
    first = form_data(stale, [1] * 9, mood=1) | {"base_revision": "1"}
    assert logged_in.post("/checkins/new", data=first).status_code == 302
    second = form_data(stale, [3] * 9, mood=1) | {"base_revision": "1"}
    response = logged_in.post("/checkins/new", data=second)
    assert response.status_code == 422
    assert "changed since you loaded it" in response.get_data(as_text=True)


def test_edit_changes_the_checkin(logged_in):
    """The edit form is pre-filled and saves a new revision."""
    location = submit_daily(logged_in, [0] * 9, mood=5).location
    edit_url = location + "/edit"
    page = logged_in.get(edit_url).get_data(as_text=True)
    assert 'name="base_revision" value="1"' in page
    data = form_data(page, [2] * 9, mood=2)
    data["base_revision"] = "1"
    response = logged_in.post(edit_url, data=data)
    assert response.status_code == 302
    assert '<span class="score-total">18</span>' in logged_in.get(location).get_data(as_text=True)


def test_edit_with_stale_revision_keeps_server_copy(logged_in):
    """An edit from a stale page is refused with a message; the newer copy stays."""
    location = submit_daily(logged_in, [0] * 9).location
    edit_url = location + "/edit"
    stale_page = logged_in.get(edit_url).get_data(as_text=True)
    first = form_data(stale_page, [1] * 9, mood=1)
    first["base_revision"] = "1"
    logged_in.post(edit_url, data=first)
    second = form_data(stale_page, [3] * 9, mood=1)
    second["base_revision"] = "1"
    response = logged_in.post(edit_url, data=second)
    assert response.status_code == 422
    assert "changed since you loaded it" in response.get_data(as_text=True)
    assert '<span class="score-total">9</span>' in logged_in.get(location).get_data(as_text=True)


def test_delete_asks_then_deletes(logged_in):
    """Delete shows a confirmation; the POST removes the check-in."""
    location = submit_daily(logged_in, [0] * 9).location
    confirm = logged_in.get(location + "/delete")
    assert "Delete this check-in?" in confirm.get_data(as_text=True)
    response = logged_in.post(
        location + "/delete", data={"csrf_token": csrf_from(confirm.get_data(as_text=True))}
    )
    assert response.status_code == 302
    assert logged_in.get(location).status_code == 404


def test_delete_without_csrf_is_refused(logged_in):
    """A delete without a CSRF token leaves the check-in in place."""
    location = submit_daily(logged_in, [0] * 9).location
    assert logged_in.post(location + "/delete").status_code == 400
    assert logged_in.get(location).status_code == 200


def test_note_is_escaped(logged_in):
    """Text the user wrote is escaped on the result page."""
    location = submit_daily(
        logged_in, [0] * 9, note='<script>alert(1)</script>"><img src=x>'
    ).location
    html = logged_in.get(location).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_history_lists_date_total_and_mood(logged_in):
    """History's table view is a table of date, check-in, total and mood."""
    submit_daily(logged_in, [1] * 9, mood=3)
    html = logged_in.get("/checkins/?view=table").get_data(as_text=True)
    assert "<td>9</td>" in html and "<td>3</td>" in html


def test_home_says_when_phq9_is_due(logged_in, user):
    """Home lists the PHQ-9 as due now (once), then as coming up 14 days after it was taken."""
    home = logged_in.get("/").get_data(as_text=True)
    assert home.count('<a href="/checkins/new?instrument=phq9">') == 1
    page = logged_in.get("/checkins/new?instrument=phq9").get_data(as_text=True)
    logged_in.post("/checkins/new?instrument=phq9", data=form_data(page, [0] * 9))
    due = user_today(user) + timedelta(days=14)
    assert f'datetime="{due.isoformat()}"' in logged_in.get("/").get_data(as_text=True)


PAGES = [
    "/checkins/",
    "/checkins/new",
    "/checkins/{id}",
    "/checkins/{id}/edit",
    "/checkins/{id}/delete",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_sign_in(client, path):
    """Anonymous visitors are sent to sign in."""
    response = client.get(path.format(id=new_id()))
    assert response.status_code == 302 and "/auth/login" in response.location


@pytest.mark.parametrize("path", PAGES[2:])
def test_another_users_checkin_page_is_404(app, logged_in, other_api, path):
    """Another user's check-in pages are not found."""
    client_id = new_id()
    other_api.put(
        f"/api/v1/checkins/{client_id}",
        {"instrument": "phq9", "local_date": "2026-01-05", "answers": [0] * 9},
    )
    assert logged_in.get(path.format(id=client_id)).status_code == 404


def test_another_users_checkin_cannot_be_deleted(logged_in, other_api):
    """A POST to delete another user's check-in is 404 and deletes nothing."""
    client_id = new_id()
    other_api.put(
        f"/api/v1/checkins/{client_id}",
        {"instrument": "phq9", "local_date": "2026-01-05", "answers": [0] * 9},
    )
    page = logged_in.get("/").get_data(as_text=True)
    response = logged_in.post(f"/checkins/{client_id}/delete", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 404
    assert other_api.get(f"/api/v1/checkins/{client_id}").status_code == 200


def test_malformed_id_page_is_404(logged_in):
    """A malformed id in a page URL is a friendly 404 page."""
    response = logged_in.get("/checkins/not-a-uuid")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.get_data(as_text=True)
