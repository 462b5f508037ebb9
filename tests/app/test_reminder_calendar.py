"""The reminder calendar parsed with icalendar, its revocable URL, and the settings page."""

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from journal.config import Defaults
from journal.extensions import db
from journal.models import TreatmentSession, utcnow
from journal.reminders.models import ReminderPreference
from tests.conftest import app_with_schema, csrf_from


def plan_session(app, user_id: int, when: datetime, clinic: str = "Riverside <Clinic>") -> None:
    """Store a planned session directly (the treatments tests cover the API's rules)."""
    with app.app_context():
        db.session.add(
            TreatmentSession(
                user_id=user_id,
                client_id=uuid.uuid4(),
                started_at=when,
                local_date=when.astimezone(ZoneInfo("America/Chicago")).date(),
                route="iv",
                clinic=clinic,
                planned=True,
            )
        )
        db.session.commit()


def save_time(auth_api, at: str) -> None:
    """Save reminder preferences with a time."""
    body = {"time": at, "channels": {"push": False, "email": False, "calendar": True}}
    assert auth_api.put("/api/v1/reminders", body).status_code == 200


def events(data: bytes) -> list:
    """Parse iCalendar bytes and return the events."""
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_the_download_has_a_daily_check_in_with_an_alarm_in_the_users_zone(
    app, auth_api, client, user
):
    """RRULE daily, VALARM at the start, 19:30 America/Chicago with its VTIMEZONE."""
    save_time(auth_api, "19:30")
    response = client.get("/reminders/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the route's, not the default
    calendar = icalendar.Calendar.from_ical(response.data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    [daily] = events(response.data)
    start = daily.decoded("DTSTART")
    assert (start.hour, start.minute) == (19, 30)
    assert str(start.tzinfo) == "America/Chicago"
    assert daily["RRULE"]["FREQ"] == ["DAILY"]
    [alarm] = daily.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(0)
    assert "due" in str(alarm["DESCRIPTION"])


def test_planned_sessions_are_listed_with_alarms(app, auth_api, client, user):
    """A planned session appears at its local time with two alarms; a past plan does not."""
    when = (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    plan_session(app, user.id, when)
    plan_session(app, user.id, utcnow() - timedelta(days=5), clinic="Old")
    response = client.get("/reminders/calendar.ics")
    found = events(response.data)
    assert len(found) == 2
    session = found[1]
    assert session.decoded("DTSTART").astimezone(UTC) == when
    assert str(session.decoded("DTSTART").tzinfo) == "America/Chicago"
    assert str(session["LOCATION"]) == "Riverside <Clinic>"
    assert sorted(a.decoded("TRIGGER") for a in session.walk("VALARM")) == [
        timedelta(days=-1),
        timedelta(hours=-1),
    ]


def test_the_subscription_url_works_until_revoked(app, auth_api, client, user):
    """Made on the settings page (shown once), opened without a session, 404 after revoking."""
    page = client.get("/reminders/")
    made = client.post(
        "/reminders/calendar", data={"csrf_token": csrf_from(page.text), "action": "make"}
    )
    assert made.status_code == 200
    url = re.search(r'id="calendar-url" value="([^"]+)"', made.text).group(1)
    path = "/" + url.split("/", 3)[3]
    with app.app_context():
        stored = db.session.scalars(select(ReminderPreference.calendar_secret_hash)).one()
        assert stored is not None and stored not in url  # only a hash is kept
    stranger = app.test_client()
    feed = stranger.get(path)
    assert feed.status_code == 200 and events(feed.data)
    assert "attachment" not in feed.headers.get("Content-Disposition", "")
    page = client.get("/reminders/")
    assert "A subscription URL is active" in page.text and url not in page.text
    revoked = client.post(
        "/reminders/calendar", data={"csrf_token": csrf_from(page.text), "action": "revoke"}
    )
    assert revoked.status_code == 302
    assert stranger.get(path).status_code == 404


def test_a_new_url_retires_the_old_one(app, auth_api, client):
    """Making a URL again makes the earlier one 404."""
    urls = []
    for _ in range(2):
        page = client.get("/reminders/")
        made = client.post(
            "/reminders/calendar", data={"csrf_token": csrf_from(page.text), "action": "make"}
        )
        urls.append(re.search(r'id="calendar-url" value="([^"]+)"', made.text).group(1))
    first, second = ("/" + u.split("/", 3)[3] for u in urls)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_unknown_secrets_are_404(client):
    """Wrong, odd or non-ASCII secrets open nothing."""
    for secret in ("x" * 32, "short", "%C3%A9t%C3%A9"):
        assert client.get(f"/reminders/{secret}.ics").status_code == 404


def test_the_settings_page_saves_and_shows_errors(app, auth_api, client, user):
    """The form saves time, quiet hours and switches; a bad time is a 422 with the message."""
    page = client.get("/reminders/")
    assert page.status_code == 200
    assert '<label for="time">Remind me at</label>' in page.text
    token = csrf_from(page.text)
    bad = client.post("/reminders/", data={"csrf_token": token, "time": "7pm", "email": "y"})
    assert bad.status_code == 422
    assert "Give a time as HH:MM" in bad.text
    saved = client.post(
        "/reminders/",
        data={
            "csrf_token": token,
            "time": "08:45",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "email": "y",
            "daily": "y",
            "reflections": "y",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        pref = db.session.get(ReminderPreference, user.id)
        assert (pref.time, pref.quiet_start, pref.quiet_end) == (time(8, 45), time(22), time(7))
        assert (pref.email, pref.push, pref.daily, pref.questionnaires) == (
            True,
            False,
            True,
            False,
        )
    again = client.get("/reminders/")
    assert 'value="08:45"' in again.text


def test_settings_links_to_reminders(logged_in):
    """The main settings page leads to the reminders page."""
    assert 'href="/reminders/"' in logged_in.get("/settings/").text


def test_guessing_secret_urls_is_throttled_per_address():
    """Past the feed limit an address gets 429 with Retry-After, counted in shared storage."""
    for app in app_with_schema(
        JOURNAL_THROTTLE={**Defaults.JOURNAL_THROTTLE, "calendar_feed": (3, 60)}
    ):
        stranger = app.test_client()
        answers = [stranger.get(f"/reminders/{'x' * 32}.ics").status_code for _ in range(4)]
        assert answers == [404, 404, 404, 429]
        refused = stranger.get(f"/reminders/{'x' * 32}.ics")
        assert int(refused.headers["Retry-After"]) > 0
