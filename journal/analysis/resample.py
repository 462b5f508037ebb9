"""Resolution and resampling: one point per day, week or month, whatever the range's length."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from .scores import ONE_DAY, Record, monday

DAILY_UP_TO = 92  # days in view drawn one point per day
WEEKLY_UP_TO = 1096  # then weekly means, then monthly means beyond about three years
RESOLUTION_WORDS = {"day": "Daily", "week": "Weekly", "month": "Monthly"}


def resolution(first: date, last: date) -> str:
    """Return "day", "week" or "month": the bin size that keeps `first`..`last` readable."""
    days = (last - first).days + 1
    if days <= DAILY_UP_TO:
        return "day"
    return "week" if days <= WEEKLY_UP_TO else "month"


def bin_start(day: date, unit: str) -> date:
    """Return the first day of the bin holding `day` (Monday-started weeks, calendar months)."""
    if unit == "week":
        return monday(day)
    if unit == "month":
        return day.replace(day=1)
    return day


def next_bin(start: date, unit: str) -> date:
    """Return the first day of the bin after the one starting at `start`."""
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + ONE_DAY


def resample(
    points: Iterable[tuple[date, float | None]], first: date, last: date, unit: str
) -> list[Record]:
    """Return one bin per day, week or month from `first` to `last`: mean, min, max and count.

    Bins without values are kept (mean None, n 0) so a line drawn through them breaks at gaps.
    """
    values: defaultdict[date, list[float]] = defaultdict(list)
    for day, value in points:
        if value is not None and first <= day <= last:
            values[bin_start(day, unit)].append(value)
    bins, start = [], bin_start(first, unit)
    while start <= last:
        end = next_bin(start, unit) - ONE_DAY
        got = values.get(start, [])
        bins.append(
            {
                "start": start,
                "end": end,
                "mean": statistics.fmean(got) if got else None,
                "min": min(got) if got else None,
                "max": max(got) if got else None,
                "n": len(got),
            }
        )
        start = end + ONE_DAY
    return bins
