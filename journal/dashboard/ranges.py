"""The chart range picker: named ranges and custom dates, kept in the URL."""

from dataclasses import dataclass
from datetime import date, timedelta

from ..fields import date_problem

RANGES = {
    "30d": ("Last 30 days", 30),
    "90d": ("Last 90 days", 90),
    "1y": ("Last year", 365),
    "all": ("All time", None),
    "custom": ("Custom", None),
}
DEFAULT_RANGE = "90d"


@dataclass(frozen=True)
class ChosenRange:
    """The range a person picked, resolved to dates (start None = from the beginning)."""

    key: str
    start: date | None
    end: date
    error: str | None = None


def parse_day(value: str | None) -> date | None:
    """Parse an ISO date inside the records' window, or return None."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return None if day is None or date_problem(day) else day


def resolve(key: str | None, start: str | None, end: str | None, today: date) -> ChosenRange:
    """Turn the picker's query arguments into dates; bad custom input falls back with a message."""
    key = key if key in RANGES else DEFAULT_RANGE
    if key == "custom":
        first, last = parse_day(start), parse_day(end) or today
        if first is None or first > last:
            message = "Choose a start date on or before the end date."
            return ChosenRange(DEFAULT_RANGE, today - timedelta(days=89), today, message)
        return ChosenRange(key, first, min(last, today))
    days = RANGES[key][1]
    return ChosenRange(key, None if days is None else today - timedelta(days=days - 1), today)
