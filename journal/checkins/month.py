"""History in words: a month's calendar grid and a day described in a sentence (pure)."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .. import instruments
from . import moods


@dataclass(frozen=True)
class Day:
    """One cell of the month grid."""

    day: date
    in_month: bool
    mood: int | None = None
    client_id: object = None  # the daily check-in to open, if the day has one
    session: bool = False
    today: bool = False

    @property
    def word(self) -> str | None:
        """Return the day's mood in a word."""
        return None if self.mood is None else moods.word(self.mood)

    @property
    def band(self) -> int | None:
        """Return the day's mood band (1-5) for its colour."""
        return None if self.mood is None else moods.band(self.mood)


def parse_month(text: str | None, today: date) -> date:
    """Return the first day of month "YYYY-MM" (this month when absent); ValueError if bad."""
    if not text:
        return today.replace(day=1)
    year, sep, month = text.partition("-")
    if not (sep and len(year) == 4 and len(month) == 2 and year.isdigit() and month.isdigit()):
        raise ValueError(text)
    return date(int(year), int(month), 1)


def shift(first: date, months: int) -> date:
    """Return the first day of the month `months` away from `first` (negative: earlier)."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_day(first: date) -> date:
    """Return the month's last day."""
    return shift(first, 1) - timedelta(days=1)


def grid(first: date, daily: dict, sessions: set[date], today: date) -> list[list[Day]]:
    """Return the month as weeks of seven days, Monday first; daily maps a date to (mood, id)."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    return [
        [
            Day(
                day,
                day.month == first.month,
                *daily.get(day, (None, None)),
                session=day in sessions,
                today=day == today,
            )
            for day in week
        ]
        for week in weeks
    ]


def day_label(day: date, year: bool = False) -> str:
    """Return a day as "Mon 3 Nov" (with the year when it is not this year's)."""
    return day.strftime("%a %-d %b %Y" if year else "%a %-d %b")


def summarise(checkins: list, session: bool = False) -> str:
    """Say what a day's check-ins hold: "mood Good (6), Daily PHQ-9-style score 8, tags: work"."""
    titles = {c.instrument: instruments.INSTRUMENTS[c.instrument].short_title for c in checkins}
    parts = [f"mood {moods.word(c.mood)} ({c.mood})" for c in checkins if c.mood is not None]
    for checkin in checkins:
        if checkin.total is not None:
            parts.append(f"{titles[checkin.instrument]} {checkin.total}")
        elif checkin.mood is None:
            parts.append(f"{titles[checkin.instrument]}, partly answered")
    tags = [tag for checkin in checkins for tag in checkin.tags or ()]
    if tags:
        parts.append("tags: " + ", ".join(tags))
    if any(checkin.note for checkin in checkins):
        parts.append("a note")
    if session:
        parts.append("session day")
    return ", ".join(parts)


def describe_day(day: date, checkins: list, session: bool = False, year: bool = False) -> str:
    """Say a day in words: "Mon 3 Nov: mood Good (6), Daily PHQ-9-style score 8, tags: work"."""
    return f"{day_label(day, year)}: {summarise(checkins, session)}"
