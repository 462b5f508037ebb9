"""Pure analysis of check-ins, validated scores and treatment sessions (no Flask, no database).

Inputs are plain data, in any order (the contract with the views):

- daily check-ins: ``{"date": date, "total": 0-27, "mood": 0-10 | None, "answers": [9 ints 0-3]}``
- validated scores: ``{"date": date, "instrument": "phq9" | "gad7", "total": int}``
- sessions: ``{"date": date, "started_at": aware datetime, "route": str, "route_label": str | None,
  "dose": float | None, "dose_unit": str | None, "clinic": str | None, "planned": bool}``

Planned sessions are ignored by every calculation here: only sessions that happened count.

Session windows are cut so that no day is credited to a session after the next one has happened:
a window ends the day before the next session's date and starts no earlier than the day after the
previous session's date. When two sessions share a date, the earlier one (by ``started_at``) keeps
only the days before that date, and the later one owns that date (day 0) and the days after it.

Clinical thresholds follow docs/clinical/INSTRUMENTS.md: response = a fall of 50 % or more
from baseline, remission = a total below 5, minimal important difference = 5 points. Text shown to
users calls the daily score a "daily PHQ-9-style score", never "PHQ-9", and never diagnoses.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
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

EMPTY_TIMELINE = (
    "Log a daily check-in to start your timeline. After a few days you will see your "
    "7-day average here."
)
EMPTY_AROUND_SESSIONS = (
    "Log a treatment session and a few daily check-ins to see how your mood moves around sessions."
)
EMPTY_SESSION_CHANGE = (
    "Log a treatment session and check in on the days before and the week after it "
    "to compare before and after."
)
EMPTY_ITEMS = "Log daily check-ins for a week to see which questions bother you most."

ONE_DAY = timedelta(days=1)
# Baselines are float means of integer totals: compare thresholds with a little slack so that
# 13.000000000000002 - 8 still counts as a 5-point fall.
_EPS = 1e-9


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
    values = [c["total"] for c in daily if start <= c["date"] <= end]
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
        "response": baseline_value > 0 and latest <= response_threshold(baseline_value) + _EPS,
        "remission": latest < REMISSION_BELOW,
        "meets_mid": change <= -MID + _EPS,
    }


def _series(daily: Iterable[Record]) -> tuple[list[date], list[int]]:
    """Return the check-in dates and totals as parallel lists, oldest first."""
    ordered = sorted((c["date"], c["total"]) for c in daily)
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
    daily: Sequence[Record], sessions: Sequence[Record], before: int = 3, after: int = 14
) -> list[Record]:
    """Return each session's check-in totals by day offset, from -before to +after."""
    days, totals = _series(daily)
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
                "meets_mid": None if change is None else change <= -MID + _EPS,
            }
        )
    return changes


def _monday(day: date) -> date:
    """Return the Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def weekly_item_means(daily: Iterable[Record]) -> Record:
    """Return each item's mean answer per Monday-started week, None for weeks without check-ins."""
    sums: defaultdict[date, list[int]] = defaultdict(lambda: [0] * ITEM_COUNT)
    counts: defaultdict[date, int] = defaultdict(int)
    for checkin in daily:
        week = _monday(checkin["date"])
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


def format_score(value: float) -> str:
    """Format a score with at most one decimal, dropping a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _points(value: float) -> str:
    """Return "1 point" or "6 points" for an absolute difference."""
    text = format_score(abs(value))
    return f"{text} point" if text == "1" else f"{text} points"


def _difference(diff: float) -> str:
    """Describe a score difference in words: lower (better), higher, or about the same."""
    if round(abs(diff), 1) == 0:
        return "about the same as"
    return f"{_points(diff)} {'lower' if diff < 0 else 'higher'} than"


# English names, as the texts are, whatever the locale; a lookup is 6 times cheaper than strftime,
# which the ten-year calendar calls for each of its ~3,700 squares.
MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def format_date(day: date) -> str:
    """Format a date as "3 Mar 2025"."""
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def _latest_daily_sentence(daily: Sequence[Record]) -> str:
    """Describe the latest 7-day average, or the latest total when the average has too few days."""
    last_day, average = rolling_mean([(c["date"], c["total"]) for c in daily])[-1]
    if average is None:
        latest = max(daily, key=lambda c: c["date"])["total"]
        return f"Your latest daily PHQ-9-style score is {latest} ({format_date(last_day)})."
    return (
        f"Your 7-day average daily PHQ-9-style score is {format_score(average)} "
        f"(to {format_date(last_day)})."
    )


def _milestone(baseline_value: float, latest: float) -> str:
    """Name the furthest threshold the latest score has crossed, or return an empty string."""
    state = status(baseline_value, latest)
    if state["remission"]:
        return " That is below 5, under the remission line."
    if state["response"]:
        return " That is at or below half your baseline, the response line."
    if state["meets_mid"]:
        return " A fall of 5 points or more is usually big enough to matter."
    return ""


def _compare_phq9(validated: Sequence[Record], info: Record) -> str | None:
    """Compare the latest PHQ-9 after the baseline period with the baseline, if there is one."""
    later = [v for v in validated if v["instrument"] == "phq9" and v["date"] > info["end"]]
    if not later:
        return None
    latest = max(later, key=lambda v: v["date"])
    base, total = info["value"], latest["total"]
    return (
        f"Your latest PHQ-9 ({format_date(latest['date'])}) is {total}, "
        f"{_difference(total - base)} your baseline of {format_score(base)}."
        + _milestone(base, total)
    )


def _compare_daily(daily: Sequence[Record], info: Record) -> str | None:
    """Compare the latest 7-day average after the baseline period with a daily baseline."""
    last_day, average = rolling_mean([(c["date"], c["total"]) for c in daily])[-1]
    if average is None or last_day <= info["end"]:
        return None
    return (
        f"Your 7-day average daily PHQ-9-style score is {format_score(average)} "
        f"(to {format_date(last_day)}), {_difference(average - info['value'])} your baseline "
        f"of {format_score(info['value'])}." + _milestone(info["value"], average)
    )


def _baseline_sentence(info: Record) -> str:
    """Describe where the baseline came from."""
    what = "PHQ-9" if info["source"] == "phq9" else "daily PHQ-9-style score"
    count = "1 score" if info["n"] == 1 else f"{info['n']} scores"
    return (
        f"Your baseline {what} is {format_score(info['value'])} "
        f"(average of {count} before your first session)."
    )


def caption_timeline(
    daily: Sequence[Record], validated: Sequence[Record], baseline_info: Record | None
) -> str:
    """Summarise the latest scores against the baseline in a sentence or two."""
    if not daily and not validated:
        return EMPTY_TIMELINE
    if baseline_info is None:
        latest = _latest_daily_sentence(daily) + " " if daily else ""
        return (
            latest + "A baseline appears once you have check-ins in the 14 days before "
            "your first treatment session."
        )
    if baseline_info["source"] == "phq9":
        sentence = _compare_phq9(validated, baseline_info)
    else:
        sentence = _compare_daily(daily, baseline_info) if daily else None
    if sentence:
        return sentence
    latest = " " + _latest_daily_sentence(daily) if daily else ""
    return _baseline_sentence(baseline_info) + latest


def caption_around_sessions(windows: Sequence[Record], early: tuple[int, int] = (1, 3)) -> str:
    """Compare scores on days `early` after sessions with the days before them (offset < 0)."""
    if not any(w["points"] for w in windows):
        return EMPTY_AROUND_SESSIONS
    lo, hi = early
    pre = [v for w in windows for off, v in w["points"] if off < 0]
    post = [v for w in windows for off, v in w["points"] if lo <= off <= hi]
    if not pre or not post:
        return (
            "Log check-ins on the days just before and after your sessions to see how your "
            "score moves around them."
        )
    counted = sum(1 for w in windows if any(off < 0 or lo <= off <= hi for off, _ in w["points"]))
    diff = statistics.fmean(post) - statistics.fmean(pre)
    plural = "session" if counted == 1 else "sessions"
    return (
        f"On average your daily PHQ-9-style score on days {lo}-{hi} after a session was "
        f"{_difference(diff)} on the days before it ({counted} {plural})."
    )


def caption_session_change(
    changes: Sequence[Record], before: int = 3, after: tuple[int, int] = (1, 7)
) -> str:
    """Count the sessions followed by a fall of at least 5 points, and the average change."""
    if not changes:
        return EMPTY_SESSION_CHANGE
    compared = [c for c in changes if c["change"] is not None]
    if not compared:
        return (
            f"To compare before and after a session, log check-ins on the {before} days before it "
            f"and on days {after[0]}-{after[1]} after it."
        )
    falls = sum(1 for c in compared if c["meets_mid"])
    average = statistics.fmean(c["change"] for c in compared)
    text = (
        f"In {falls} of {len(compared)} sessions compared, your average daily PHQ-9-style score "
        f"on days {after[0]}-{after[1]} after was at least {MID} points lower than on the "
        f"{before} days before. On average it was {_difference(average)} before."
    )
    skipped = len(changes) - len(compared)
    if skipped:
        rest = "session has" if skipped == 1 else "sessions have"
        them = "it" if skipped == 1 else "them"
        text += f" {skipped} {rest} too few check-ins around {them} to compare."
    return text


def caption_items(weekly: Record, recent: int = 4) -> str:
    """Name the questions that bothered the user most over their most recent weeks."""
    weeks = weekly["weeks"][-recent:]
    if not weeks:
        return EMPTY_ITEMS
    means = []
    for values in weekly["items"]:
        present = [v for v in values[-len(weeks) :] if v is not None]
        means.append(statistics.fmean(present) if present else 0.0)
    span = "week" if len(weeks) == 1 else f"{len(weeks)} weeks"
    top = max(means)
    if round(top, 1) == 0:
        return f"Over your last {span} you answered “Not at all” to every question."
    names = [
        ITEM_SHORT_LABELS[i].lower() for i, m in enumerate(means) if round(m, 1) == round(top, 1)
    ]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"Over your last {span}, {joined} bothered you most ({format_score(top)} of 3 on average)."
    )


# --- resolution and resampling ---------------------------------------------------------------

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
        return _monday(day)
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
        for k in range(1, (end - day).days + 1):
            start = day + timedelta(days=max(1, k - DURABILITY_MEAN + 1))
            mean = _mean_between(by_day, start, day + timedelta(days=k))
            if mean is not None and mean >= pre - _EPS:
                row["days"] = k - 1
                break
        else:
            row["days"] = max(0, (end - day).days)
            if following is not None and following - ONE_DAY <= limit:
                row["cut_short"] = "next session"
            elif end == last_day:
                row["cut_short"] = "no later data"
            else:
                row["cut_short"] = "60 days"
    return rows


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """Return the lower quartile, median and upper quartile (inclusive method)."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def since_last_session(
    daily: Sequence[Record], sessions: Sequence[Record], today: date
) -> Record | None:
    """Return the day count since the last session and how the 3-day mean moved, or None."""
    done = [s for s in done_sessions(sessions) if s["date"] <= today]
    if not done:
        return None
    last = done[-1]
    by_day = {c["date"]: c["total"] for c in daily if c.get("total") is not None}
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
    }
