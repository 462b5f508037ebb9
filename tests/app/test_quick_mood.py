"""Today's one-tap mood answers on Today: the mood in words, the 7-day comparison, and Undo."""

import re
from datetime import timedelta

from journal.records import user_today
from tests.app.test_checkin_pages import submit_daily
from tests.conftest import csrf_from, new_id


def tap(client, mood, fragment=False, **extra):
    """Tap a mood on Today the way the page's form posts it; return the response."""
    today = client.get("/").get_data(as_text=True)
    form = today.split('class="quick-mood"', 1)[1].split("</form>", 1)[0]
    data = {
        "csrf_token": csrf_from(today),
        "client_id": re.search(r'name="client_id" value="([0-9a-f-]{36})"', form)[1],
        "local_date": re.search(r'name="local_date" value="([0-9-]{10})"', form)[1],
        "mood": str(mood),
        **extra,
    }
    headers = {"X-Fragment": "1"} if fragment else {}
    return client.post("/checkins/mood", data=data, headers=headers)


def undo_data(html: str) -> dict:
    """Return the Undo form's fields from a page or a card."""
    form = html.split("data-undo-mood", 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))


def add_mood(api, days_ago: int, mood: int, today) -> None:
    """Store a mood-only daily check-in some days back through the API."""
    day = (today - timedelta(days=days_ago)).isoformat()
    body = {"instrument": "daily", "local_date": day, "mood": mood}
    assert api.put(f"/api/v1/checkins/{new_id()}", body).status_code == 201


def test_a_tap_without_javascript_returns_to_today_with_the_answer(logged_in):
    response = tap(logged_in, 6)
    assert response.status_code == 303 and response.location == "/"
    today = logged_in.get("/").get_data(as_text=True)
    assert "Saved: Good (6 of 10) today." in today
    assert "Your first mood in 7 days" in today
    assert ">Undo</button>" in today and 'value="new"' in today
    # Said once: a reload shows the buttons, not the message again.
    assert "Saved: Good" not in logged_in.get("/").get_data(as_text=True)


def test_the_answer_compares_with_the_7_day_average(logged_in, auth_api, user):
    today = user_today(user)
    for days_ago, mood in ((1, 4), (2, 4), (3, 5), (8, 0)):  # 8 days back is outside the window
        add_mood(auth_api, days_ago, mood, today)
    tap(logged_in, 6)
    html = logged_in.get("/").get_data(as_text=True)
    assert "Higher than your 7-day average of 4.3 (3 days with a mood)." in html


def test_a_fragment_tap_answers_with_the_card(logged_in):
    response = tap(logged_in, 2, fragment=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Saved: Low (2 of 10) today." in html and 'role="status"' in html
    assert 'aria-pressed="true"' in html and "data-fresh" not in html


def test_undo_of_a_new_entry_deletes_it(logged_in):
    card = tap(logged_in, 3, fragment=True).get_data(as_text=True)
    response = logged_in.post("/checkins/mood/undo", data=undo_data(card))
    assert response.status_code == 303
    today = logged_in.get("/").get_data(as_text=True)
    assert "Today's mood entry is removed." in today and "aria-pressed" not in today
    assert "No check-ins yet" in logged_in.get("/checkins/").get_data(as_text=True)


def test_undo_restores_the_earlier_mood_and_keeps_answers_tags_and_note(logged_in):
    submit_daily(logged_in, [1, 2, 0, 0, 0, 0, 0, 0, 0], mood=3, note="Long day")
    card = tap(logged_in, 8, fragment=True).get_data(as_text=True)
    assert "Saved: Very good (8 of 10) today." in card
    back = logged_in.post(
        "/checkins/mood/undo", data=undo_data(card), headers={"X-Fragment": "1"}
    ).get_data(as_text=True)
    assert "Your mood today is back to Low (3 of 10)." in back
    checkin = logged_in.get("/checkins/").get_data(as_text=True)
    show = re.search(r'href="(/checkins/[0-9a-f-]{36})"', checkin)[1]
    html = logged_in.get(show).get_data(as_text=True)
    assert "Mood: <strong>3</strong>" in html and "Long day" in html


def test_a_tap_keeps_the_days_tags(logged_in, auth_api, user):
    day = user_today(user).isoformat()
    body = {"instrument": "daily", "local_date": day, "mood": 4, "tags": ["walk"]}
    client_id = new_id()
    assert auth_api.put(f"/api/v1/checkins/{client_id}", body).status_code == 201
    tap(logged_in, 7)
    stored = auth_api.get(f"/api/v1/checkins/{client_id}").get_json()
    assert stored["mood"] == 7 and stored["tags"] == ["walk"]


def test_undo_after_a_later_change_is_refused(logged_in):
    card = tap(logged_in, 3, fragment=True).get_data(as_text=True)
    tap(logged_in, 5)
    response = logged_in.post("/checkins/mood/undo", data=undo_data(card))
    assert response.status_code == 409
    assert "changed after the tap" in response.get_data(as_text=True)


def test_undo_of_another_users_entry_is_not_found(logged_in, other_api, user):
    body = {"instrument": "daily", "local_date": user_today(user).isoformat(), "mood": 5}
    theirs = new_id()
    assert other_api.put(f"/api/v1/checkins/{theirs}", body).status_code == 201
    today = logged_in.get("/").get_data(as_text=True)
    data = {"csrf_token": csrf_from(today), "client_id": theirs, "revision": "1", "before": "new"}
    assert logged_in.post("/checkins/mood/undo", data=data).status_code == 404
    assert other_api.get(f"/api/v1/checkins/{theirs}").status_code == 200


def test_bad_taps_are_refused_with_the_field_and_nothing_is_written(logged_in):
    for mood in ("11", "-1", "six", ""):
        response = tap(logged_in, mood)
        assert response.status_code == 422
        assert "Mood:" in response.get_data(as_text=True)
    assert tap(logged_in, 5, client_id="not-a-uuid").status_code == 422
    assert "No check-ins yet" in logged_in.get("/checkins/").get_data(as_text=True)


def test_bad_undo_fields_are_refused(logged_in):
    card = tap(logged_in, 3, fragment=True).get_data(as_text=True)
    for field, bad in (("before", "12"), ("revision", "x"), ("client_id", "nope")):
        response = logged_in.post("/checkins/mood/undo", data={**undo_data(card), field: bad})
        assert response.status_code == 422, field


def test_a_future_date_is_refused(logged_in, user):
    tomorrow = (user_today(user) + timedelta(days=1)).isoformat()
    response = tap(logged_in, 5, local_date=tomorrow)
    assert response.status_code == 422


def test_tap_and_undo_need_csrf(logged_in):
    card = tap(logged_in, 3, fragment=True).get_data(as_text=True)
    no_token = {k: v for k, v in undo_data(card).items() if k != "csrf_token"}
    assert logged_in.post("/checkins/mood/undo", data=no_token).status_code == 400
    assert logged_in.post("/checkins/mood", data={"mood": "5"}).status_code == 400
