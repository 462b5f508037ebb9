"""The reminders as iCalendar: a daily check-in with an alarm, and the planned sessions.

The phone's own calendar then reminds the person with no network and no push service. Times
carry the person's zone (TZID with its VTIMEZONE), so the alarm stays at 19:00 across DST.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select

from ..extensions import db
from ..models import TreatmentSession, User, utcnow
from . import services

PRODID = "-//Mood Journal//Reminders//EN"
CHECKIN_MINUTES = 10
SESSION_HORIZON = timedelta(days=1)  # a session planned for this morning is still listed
SESSION_ALARMS = (timedelta(days=-1), timedelta(hours=-1))


def alarm(trigger: timedelta, text: str) -> Alarm:
    """Return a display alarm `trigger` from the event's start."""
    item = Alarm()
    item.add("action", "DISPLAY")
    item.add("description", text)
    item.add("trigger", trigger)
    return item


def planned_sessions(user: User, now: datetime) -> list[TreatmentSession]:
    """Return the user's planned sessions from yesterday on, soonest first."""
    query = (
        select(TreatmentSession)
        .where(
            TreatmentSession.user_id == user.id,
            TreatmentSession.planned.is_(True),
            TreatmentSession.started_at >= now - SESSION_HORIZON,
        )
        .order_by(TreatmentSession.started_at)
    )
    return list(db.session.scalars(query))


def build(user: User, host: str, now: datetime | None = None) -> bytes:
    """Return the user's reminder calendar as iCalendar bytes."""
    now = now or utcnow()
    zone = ZoneInfo(user.timezone)
    pref = services.preference_for(user)
    at: time = pref.time if pref is not None else services.DEFAULT_TIME
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Mood Journal")
    cal.add("x-wr-timezone", user.timezone)
    # Refresh hint for subscribed calendars (RFC 7986), so new plans show up within hours.
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    start = datetime.combine(now.astimezone(zone).date(), at, tzinfo=zone)
    daily = Event()
    daily.add("uid", f"daily-checkin-{user.id}@{host}")
    daily.add("dtstamp", now)
    daily.add("summary", "Mood Journal check-in")
    daily.add("description", "Your check-in is due.")
    daily.add("dtstart", start)
    daily.add("duration", timedelta(minutes=CHECKIN_MINUTES))
    daily.add("rrule", {"freq": "daily"})
    daily.add_component(alarm(timedelta(0), "Your check-in is due."))
    cal.add_component(daily)
    for session in planned_sessions(user, now):
        event = Event()
        event.add("uid", f"session-{session.client_id}@{host}")
        event.add("dtstamp", now)
        event.add("summary", "Treatment session")
        event.add("dtstart", session.started_at.astimezone(zone))
        event.add("duration", timedelta(hours=2))
        if session.clinic:
            event.add("location", session.clinic)
        for trigger in SESSION_ALARMS:
            event.add_component(alarm(trigger, "Treatment session coming up."))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
