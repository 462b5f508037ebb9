"""A person who logs mood alone (one-tap entries, an imported spreadsheet) sees it charted."""

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from journal.records import user_today
from tests.conftest import new_id


def put_mood(api, day, mood: int) -> None:
    """Save a daily check-in with a mood and no answers."""
    body = {"instrument": "daily", "local_date": day.isoformat(), "mood": mood}
    assert api.put(f"/api/v1/checkins/{new_id()}", body).status_code in (200, 201)


def put_full(api, day, mood: int, answer: int) -> None:
    """Save a daily check-in with all nine answers (a total) and a mood."""
    body = {
        "instrument": "daily",
        "local_date": day.isoformat(),
        "mood": mood,
        "answers": [answer] * 9,
    }
    assert api.put(f"/api/v1/checkins/{new_id()}", body).status_code in (200, 201)


def chart(api, name: str) -> dict:
    """Return one chart's JSON body."""
    response = api.get(f"/api/v1/charts/{name}")
    assert response.status_code == 200
    return response.get_json()


def traces_with(body: dict, words: str) -> list[dict]:
    """Return the traces whose hover template mentions `words`."""
    return [t for t in body["data"] if words in (t.get("hovertemplate") or "")]


def squares(heat: dict) -> list:
    """Return the coloured squares of one heat map."""
    return [v for row in heat["z"] for v in row if v is not None]


def test_one_tap_moods_are_drawn_in_the_timeline_and_calendar(auth_api, user):
    """Mood-only days give mood points and calendar squares, not an empty state."""
    today = user_today(user)
    moods = [3, 5, 6, 8]
    for k, mood in enumerate(moods):
        put_mood(auth_api, today - timedelta(days=k), mood)
    timeline = chart(auth_api, "timeline")
    mood_traces = traces_with(timeline, "Mood:")
    assert sorted(mood_traces[0]["y"]) == sorted(moods)
    assert not traces_with(timeline, "Daily score")
    assert "mood" in timeline["caption"]
    heat = chart(auth_api, "calendar")["data"][0]
    assert sorted(squares(heat)) == sorted(moods) and heat["zmax"] == 10


def test_moods_and_full_days_are_both_drawn(auth_api, user):
    """Full days colour the calendar by score; the mood-only days by mood in a second layer."""
    today = user_today(user)
    put_full(auth_api, today, 7, answer=1)
    put_full(auth_api, today - timedelta(days=1), 6, answer=2)
    put_mood(auth_api, today - timedelta(days=2), 4)
    put_mood(auth_api, today - timedelta(days=3), 2)
    timeline = chart(auth_api, "timeline")
    assert sorted(traces_with(timeline, "Daily score")[0]["y"]) == [9, 18]
    assert sorted(traces_with(timeline, "Mood:")[0]["y"]) == [2, 4, 6, 7]
    mood, score = [t for t in chart(auth_api, "calendar")["data"] if t["type"] == "heatmap"]
    assert sorted(squares(score)) == [9, 18]
    assert sorted(squares(mood)) == [2, 4]


def test_an_imported_spreadsheet_of_moods_is_charted(auth_api, user):
    """A `date,mood` spreadsheet imported through the API shows at once in both charts."""
    today = user_today(user)
    rows = [f"{today - timedelta(days=k)},{k + 2}" for k in range(3)]
    data = ("date,mood\n" + "\n".join(rows) + "\n").encode()
    fields = {"file": FileStorage(io.BytesIO(data), "moods.csv"), "source": "csv"}
    boundary, body = encode_multipart(MultiDict(fields))
    kind = f"multipart/form-data; boundary={boundary}"
    done = auth_api.request("POST", "/api/v1/imports", data=body, content_type=kind, csrf=True)
    assert done.status_code == 201, done.get_json()
    assert sorted(traces_with(chart(auth_api, "timeline"), "Mood:")[0]["y"]) == [2, 3, 4]
    assert sorted(squares(chart(auth_api, "calendar")["data"][0])) == [2, 3, 4]


def test_a_mood_changes_the_cached_charts(auth_api, user):
    """A new mood-only day bumps the data revision, so the cached chart is drawn again."""
    today = user_today(user)
    put_mood(auth_api, today - timedelta(days=1), 5)
    assert squares(chart(auth_api, "calendar")["data"][0]) == [5]
    put_mood(auth_api, today, 9)
    assert sorted(squares(chart(auth_api, "calendar")["data"][0])) == [5, 9]


def test_report_charts_and_today_work_for_mood_only_days(auth_api, user):
    """The report, every chart and Today's summary read a mood-only history with a session."""
    today = user_today(user)
    for k in range(8):
        put_mood(auth_api, today - timedelta(days=k), 7 if k < 3 else 3)
    started = (today - timedelta(days=4)).isoformat() + "T10:00:00-06:00"
    session = {"started_at": started, "route": "iv"}
    assert auth_api.put(f"/api/v1/treatments/{new_id()}", session).status_code in (200, 201)
    for name in ("around-sessions", "session-change", "durability", "items"):
        assert chart(auth_api, name)["caption"]
    assert "mood" in chart(auth_api, "around-sessions")["layout"]["yaxis"]["title"]["text"].lower()
    html = auth_api.get("/export/report?reflections=1").get_data(as_text=True)
    assert "8 daily check-ins" in html
    page = auth_api.get("/").get_data(as_text=True)
    assert "Your 3-day mean mood is 7, rising" in page
