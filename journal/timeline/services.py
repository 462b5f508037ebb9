"""Build a page of the timeline: one query per record type, whatever the amount of data."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from ..checkins import services as checkins
from ..extensions import db
from ..models import CheckIn, Reflection, TreatmentSession, User
from ..reflections import services as reflections
from ..treatments import services as treatments

WINDOW = timedelta(days=30)


@dataclass
class Day:
    """Everything recorded on one date."""

    day: date
    sessions: list = field(default_factory=list)
    reflections: list = field(default_factory=list)
    checkins: list = field(default_factory=list)


@dataclass
class TimelinePage:
    """A window of days, newest first, and where the next older page starts."""

    start: date
    end: date | None
    days: list[Day]
    older: date | None


def latest_before(user: User, before: date) -> date | None:
    """Return the newest date with any record before `before`, in one statement."""
    newest = [
        select(func.max(model.local_date))
        .where(model.user_id == user.id, model.local_date < before)
        .scalar_subquery()
        for model in (TreatmentSession, Reflection, CheckIn)
    ]
    dates = [day for day in db.session.execute(select(*newest)).one() if day is not None]
    return max(dates, default=None)


def timeline_page(user: User, today: date, until: date | None = None) -> TimelinePage:
    """Return the page of days ending at `until` (the first page also shows plans ahead)."""
    end = until or today
    start = end - WINDOW + timedelta(days=1)
    # The first page has no upper bound, so planned sessions ahead are at the top.
    upper = until
    days: dict[date, Day] = {}

    def day(of: date) -> Day:
        """Return the bucket for a date."""
        return days.setdefault(of, Day(of))

    for session in treatments.list_treatments(user, start, upper, newest_first=True):
        day(session.local_date).sessions.append(session)
    for reflection in reflections.list_reflections(user, start, upper, newest_first=True):
        day(reflection.local_date).reflections.append(reflection)
    for checkin in checkins.list_checkins(user, start, upper, newest_first=True):
        day(checkin.local_date).checkins.append(checkin)
    ordered = [days[key] for key in sorted(days, reverse=True)]
    return TimelinePage(start, until, ordered, latest_before(user, start))
