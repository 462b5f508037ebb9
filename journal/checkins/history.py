"""What History reads: a month of daily moods and session days, and a page of days in words."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import instruments
from ..extensions import db
from ..models import CheckIn, TreatmentSession, User
from . import month, services

DAYS_PER_PAGE = 30


@dataclass(frozen=True)
class DayLine:
    """One day in the list: its label, what it held in words, and the check-in it opens."""

    day: date
    label: str
    words: str
    client_id: object


def session_days(user: User, start: date, end: date) -> set[date]:
    """Return the days in [start, end] with a session that happened (not a planned one)."""
    query = select(TreatmentSession.local_date).where(
        TreatmentSession.user_id == user.id,
        TreatmentSession.planned.is_(False),
        TreatmentSession.local_date.between(start, end),
    )
    return set(db.session.scalars(query))


def month_grid(user: User, first: date, today: date) -> list[list[month.Day]]:
    """Return the month's weeks with each day's daily mood and session marker."""
    end = month.last_day(first)
    daily = {
        c.local_date: (c.mood, c.client_id)
        for c in services.list_checkins(user, first, end, instrument=instruments.DAILY.id)
    }
    return month.grid(first, daily, session_days(user, first, end), today)


def days_page(user: User, before: date | None, today: date) -> tuple[list[DayLine], date | None]:
    """Return up to a page of days with entries before `before`, newest first, and the next key."""
    query = select(CheckIn.local_date).where(CheckIn.user_id == user.id).distinct()
    if before is not None:
        query = query.where(CheckIn.local_date < before)
    query = query.order_by(CheckIn.local_date.desc()).limit(DAYS_PER_PAGE + 1)
    days = list(db.session.scalars(query))
    more, days = len(days) > DAYS_PER_PAGE, days[:DAYS_PER_PAGE]
    if not days:
        return [], None
    by_day: dict[date, list[CheckIn]] = {}
    for checkin in services.list_checkins(user, days[-1], days[0]):
        by_day.setdefault(checkin.local_date, []).append(checkin)
    sessions = session_days(user, days[-1], days[0])
    lines = []
    for day in days:
        # The daily check-in first: its mood leads the sentence and its page opens from the day.
        checkins = sorted(by_day[day], key=lambda c: c.instrument != instruments.DAILY.id)
        label = month.day_label(day, year=day.year != today.year)
        words = month.summarise(checkins, day in sessions)
        lines.append(DayLine(day, label, words, checkins[0].client_id))
    return lines, days[-1] if more else None
