"""Sessions against check-ins: windows by day offset, before/after change, how long one helps."""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from .scores import EPS, MID, ONE_DAY, Record, done_sessions


def _series(daily: Iterable[Record], key: str = "total") -> tuple[list[date], list[int]]:
    """Return the check-in dates and `key` values as parallel lists, oldest first, gaps skipped."""
    ordered = sorted((c["date"], c[key]) for c in daily if c.get(key) is not None)
    return [d for d, _ in ordered], [t for _, t in ordered]


def _span(dates: Sequence[date], i: int, first: int, last: int) -> tuple[date, date]:
    """Return session i's days `first`..`last` (offsets), cut at the neighbouring sessions."""
    day = dates[i]
    start, end = day + timedelta(days=first), day + timedelta(days=last)
    if i > 0:
        # A same-date earlier session hands day 0 onwards to this one.
        start = max(start, min(dates[i - 1] + ONE_DAY, day))
    if i + 1 < len(dates):
        end = min(end, dates[i + 1] - ONE_DAY)
    return start, end


def _slice(days: Sequence[date], start: date, end: date) -> range:
    """Return the indexes of `days` (sorted) that fall within start..end inclusive."""
    return range(bisect_left(days, start), bisect_right(days, end))


def session_windows(
    daily: Sequence[Record],
    sessions: Sequence[Record],
    before: int = 3,
    after: int = 14,
    key: str = "total",
) -> list[Record]:
    """Return each session's check-in `key` values (totals or moods) by day offset."""
    days, totals = _series(daily, key)
    done = done_sessions(sessions)
    dates = [s["date"] for s in done]
    windows = []
    for i, session in enumerate(done):
        span = _slice(days, *_span(dates, i, -before, after))
        points = [((days[j] - session["date"]).days, totals[j]) for j in span]
        windows.append({"session": session, "points": points})
    return windows


def _summary(offset: int, values: list[float]) -> Record:
    """Return the mean and interquartile range of one offset's values."""
    mean = statistics.fmean(values)
    q1 = q3 = mean
    if len(values) > 1:
        # "inclusive" treats the values as the whole population: with two values q1 and q3 lie
        # a quarter of the way in from each end, never outside the data.
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {"offset": offset, "mean": mean, "q1": q1, "q3": q3, "n": len(values)}


def mean_by_offset(windows: Iterable[Record]) -> list[Record]:
    """Return the mean, quartiles and count of totals for each day offset that has data."""
    groups: defaultdict[int, list[float]] = defaultdict(list)
    for window in windows:
        for offset, value in window["points"]:
            groups[offset].append(value)
    return [_summary(offset, groups[offset]) for offset in sorted(groups)]


def _mean_or_none(values: Sequence[float]) -> float | None:
    """Return the mean of `values`, or None when there are none."""
    return statistics.fmean(values) if values else None


def session_change(
    daily: Sequence[Record],
    sessions: Sequence[Record],
    before: int = 3,
    after: tuple[int, int] = (1, 7),
) -> list[Record]:
    """Return each session's mean total before and after it, and the change (negative = lower)."""
    days, totals = _series(daily)
    done = done_sessions(sessions)
    dates = [s["date"] for s in done]
    changes = []
    for i, session in enumerate(done):
        pre = [totals[j] for j in _slice(days, *_span(dates, i, -before, -1))]
        post = [totals[j] for j in _slice(days, *_span(dates, i, after[0], after[1]))]
        before_mean, after_mean = _mean_or_none(pre), _mean_or_none(post)
        change = None if before_mean is None or after_mean is None else after_mean - before_mean
        changes.append(
            {
                "session": session,
                "before_mean": before_mean,
                "after_mean": after_mean,
                "before_n": len(pre),
                "after_n": len(post),
                "change": change,
                "meets_mid": None if change is None else change <= -MID + EPS,
            }
        )
    return changes


# --- how long a session helps ----------------------------------------------------------------

DURABILITY_BEFORE = 3  # days before a session whose mean is its pre-session level
DURABILITY_MEAN = 3  # days in each trailing mean after it
DURABILITY_MAX = 60  # days followed at most when no later session comes


def _mean_between(by_day: dict[date, float], start: date, end: date) -> float | None:
    """Return the mean of the values dated start..end, or None when there are none."""
    got = [by_day[d] for d in _days(start, end) if d in by_day]
    return statistics.fmean(got) if got else None


def _days(start: date, end: date) -> list[date]:
    """Return every date from start to end inclusive."""
    return [start + timedelta(days=k) for k in range((end - start).days + 1)]


def durability(daily: Sequence[Record], sessions: Sequence[Record], last_day: date) -> list[Record]:
    """Return, per session, the days its 3-day mean score stayed below the pre-session level.

    The pre-session level is the mean of the 3 days before it (cut at the previous session).
    From day 1 on, the mean of each day and the 2 before it (never day 0 or earlier) is compared
    with that level; the first day it is at or above the level ends the run: `days` = that day
    minus 1. A window ends the day before the next session, at `last_day`, or after 60 days;
    when the score had not returned by then, `cut_short` names why and `days` is a lower bound.
    """
    by_day = {c["date"]: c["total"] for c in daily if c.get("total") is not None}
    done = done_sessions(sessions)
    dates = [s["date"] for s in done]
    rows = []
    for i, session in enumerate(done):
        day = session["date"]
        pre_start, pre_end = _span(dates, i, -DURABILITY_BEFORE, -1)
        pre = _mean_between(by_day, pre_start, pre_end) if pre_start <= pre_end else None
        following = dates[i + 1] if i + 1 < len(dates) else None
        limit = min(day + timedelta(days=DURABILITY_MAX), last_day)
        end = min(following - ONE_DAY, limit) if following else limit
        row = {"session": session, "pre": pre, "days": None, "cut_short": None, "end": end}
        rows.append(row)
        if pre is None:
            continue
        row["days"] = _days_below(by_day, day, end, pre)
        if row["days"] is None:
            row["days"] = max(0, (end - day).days)
            row["cut_short"] = _cut_short(following, limit, end, last_day)
    return rows


def _days_below(by_day: dict[date, float], day: date, end: date, pre: float) -> int | None:
    """Return the days before the trailing mean came back to `pre`, or None if it had not."""
    for k in range(1, (end - day).days + 1):
        start = day + timedelta(days=max(1, k - DURABILITY_MEAN + 1))
        mean = _mean_between(by_day, start, day + timedelta(days=k))
        if mean is not None and mean >= pre - EPS:
            return k - 1
    return None


def _cut_short(following: date | None, limit: date, end: date, last_day: date) -> str:
    """Name why a window ended before the score came back: next session, no data, 60 days."""
    if following is not None and following - ONE_DAY <= limit:
        return "next session"
    if end == last_day:
        return "no later data"
    return "60 days"


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """Return the lower quartile, median and upper quartile (inclusive method)."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def since_last_session(
    daily: Sequence[Record], sessions: Sequence[Record], today: date
) -> Record | None:
    """Return the day count since the last session and how the 3-day mean moved, or None.

    The mean is of daily totals; when the last 6 days have none, of moods (`measure` says which).
    """
    done = [s for s in done_sessions(sessions) if s["date"] <= today]
    if not done:
        return None
    last = done[-1]
    recent = [c for c in daily if today - timedelta(days=5) <= c["date"] <= today]
    measure = "mood" if all(c.get("total") is None for c in recent) else "total"
    by_day = {c["date"]: c[measure] for c in recent if c.get(measure) is not None}
    now = _mean_between(by_day, today - timedelta(days=2), today)
    earlier = _mean_between(by_day, today - timedelta(days=5), today - timedelta(days=3))
    trend = None
    if now is not None and earlier is not None:
        diff = now - earlier
        trend = "rising" if diff >= 1 else "falling" if diff <= -1 else "steady"
    return {
        "session": last,
        "day": (today - last["date"]).days,
        "mean": now,
        "earlier": earlier,
        "trend": trend,
        "measure": measure,
    }
