"""Baselines, thresholds and rolling means of scores (plain data in, plain data out)."""

from __future__ import annotations

import statistics
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

Record = dict[str, Any]

REMISSION_BELOW = 5
MID = 5
RESPONSE_FRACTION = 0.5
ITEM_COUNT = 9
ITEM_SHORT_LABELS = (
    "Interest",
    "Feeling down",
    "Sleep",
    "Energy",
    "Appetite",
    "Self-worth",
    "Concentration",
    "Movement",
    "Self-harm thoughts",
)

ONE_DAY = timedelta(days=1)
# Baselines are float means of integer totals: compare thresholds with a little slack so that
# 13.000000000000002 - 8 still counts as a 5-point fall.
EPS = 1e-9


def rolling_mean(
    points: Iterable[tuple[date, float | None]], window: int = 7, min_periods: int = 4
) -> list[tuple[date, float | None]]:
    """Return the mean of the values in the `window` calendar days ending at each dated value."""
    ordered = sorted((d, v) for d, v in points if v is not None)
    recent: deque[tuple[date, float]] = deque()
    out: list[tuple[date, float | None]] = []
    for day, value in ordered:
        recent.append((day, value))
        while recent[0][0] <= day - timedelta(days=window):
            recent.popleft()
        mean = sum(v for _, v in recent) / len(recent) if len(recent) >= min_periods else None
        out.append((day, mean))
    return out


def done_sessions(sessions: Iterable[Record]) -> list[Record]:
    """Return the sessions that happened (not planned), oldest first."""
    return sorted(
        (s for s in sessions if not s.get("planned")), key=lambda s: (s["date"], s["started_at"])
    )


def pre_session_window(sessions: Sequence[Record], days: int) -> tuple[date, date] | None:
    """Return the `days` days before the first session that happened, or None."""
    done = done_sessions(sessions)
    if not done:
        return None
    end = done[0]["date"] - ONE_DAY
    return end - timedelta(days=days - 1), end


def baseline(
    daily: Sequence[Record], validated: Sequence[Record], sessions: Sequence[Record], days: int = 14
) -> Record | None:
    """Return the mean score in the `days` days before the first session, preferring PHQ-9."""
    found = instrument_baseline(validated, sessions, "phq9", days)
    if found is not None:
        return {**found, "source": "phq9"}
    window = pre_session_window(sessions, days)
    if window is None:
        return None
    start, end = window
    values = [c["total"] for c in daily if start <= c["date"] <= end and c.get("total") is not None]
    if not values:
        return None
    mean = statistics.fmean(values)
    return {"value": mean, "source": "daily", "n": len(values), "start": start, "end": end}


def instrument_baseline(
    validated: Sequence[Record], sessions: Sequence[Record], instrument: str, days: int = 14
) -> Record | None:
    """Return one instrument's mean score in the `days` days before the first session."""
    window = pre_session_window(sessions, days)
    if window is None:
        return None
    start, end = window
    values = [
        v["total"] for v in validated if v["instrument"] == instrument and start <= v["date"] <= end
    ]
    if not values:
        return None
    return {"value": statistics.fmean(values), "n": len(values), "start": start, "end": end}


def response_threshold(baseline_value: float) -> float:
    """Return the score at or below which a fall from baseline counts as a response (50 %)."""
    return baseline_value * RESPONSE_FRACTION


def status(baseline_value: float, latest: float) -> Record:
    """Return the change from baseline to `latest` and which thresholds it meets."""
    change = latest - baseline_value
    return {
        "change": change,
        "percent": change / baseline_value * 100 if baseline_value else None,
        "response": baseline_value > 0 and latest <= response_threshold(baseline_value) + EPS,
        "remission": latest < REMISSION_BELOW,
        "meets_mid": change <= -MID + EPS,
    }


def monday(day: date) -> date:
    """Return the Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def weekly_item_means(daily: Iterable[Record]) -> Record:
    """Return each item's mean answer per Monday-started week, None for weeks without check-ins."""
    sums: defaultdict[date, list[int]] = defaultdict(lambda: [0] * ITEM_COUNT)
    counts: defaultdict[date, int] = defaultdict(int)
    for checkin in daily:
        week = monday(checkin["date"])
        counts[week] += 1
        for i, answer in enumerate(checkin["answers"]):
            sums[week][i] += answer
    if not counts:
        return {"weeks": [], "items": [[] for _ in range(ITEM_COUNT)]}
    first, last = min(counts), max(counts)
    weeks = [first + timedelta(weeks=k) for k in range((last - first).days // 7 + 1)]
    items = [
        [sums[w][i] / counts[w] if w in counts else None for w in weeks] for i in range(ITEM_COUNT)
    ]
    return {"weeks": weeks, "items": items}
