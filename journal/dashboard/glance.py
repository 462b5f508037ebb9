"""Today at a glance: the last four weeks of moods (or daily scores) as a small SVG drawn here.

Today is useful before, or without, plotly.js: this picture is plain markup in the page, sized by
its viewBox and coloured by the page's CSS variables, so it follows dark mode and costs no script.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..charts import words
from ..extensions import db
from ..models import CheckIn, TreatmentSession, User

DAYS = 28
# The SVG's own coordinates; the browser scales them to the card's width.
WIDTH, HEIGHT = 280, 72
LEFT, RIGHT, TOP, BOTTOM = 6, 274, 6, 54
SESSION_Y = 66
MEASURES = {  # name: (label, highest value)
    "mood": ("Mood, 0-10: higher is better", 10),
    "total": ("Daily PHQ-9-style score, 0-27: higher is worse", 27),
}


@dataclass(frozen=True)
class Glance:
    """What the partial draws: a path, its dots, session ticks and the words that say it."""

    label: str
    path: str
    dots: tuple[tuple[float, float, str], ...]
    sessions: tuple[float, ...]
    summary: str
    first: date
    last: date


def x_of(day: date, first: date) -> float:
    """Return the x of a day, the first day at the left edge and today at the right."""
    return round(LEFT + (day - first).days * (RIGHT - LEFT) / (DAYS - 1), 1)


def y_of(value: float, top: int) -> float:
    """Return the y of a value on a 0..top scale, top at the upper edge."""
    return round(BOTTOM - value * (BOTTOM - TOP) / top, 1)


def pick_measure(days: Mapping[date, Mapping[str, int | None]]) -> str | None:
    """Pick mood when it was logged at least as often as the daily score, else the score."""
    counts = {m: sum(1 for row in days.values() if row.get(m) is not None) for m in MEASURES}
    if not any(counts.values()):
        return None
    return "mood" if counts["mood"] >= counts["total"] else "total"


def line_path(points: list[tuple[date, float, float]]) -> str:
    """Join the dots of consecutive days; a missed day breaks the line rather than bridging it."""
    parts, previous = [], None
    for day, x, y in points:
        joined = previous is not None and (day - previous).days == 1
        parts.append(f"{'L' if joined else 'M'}{x} {y}")
        previous = day
    return " ".join(parts)


def summarise(measure: str, values: list[tuple[date, int]]) -> str:
    """Say in words what the picture shows: how many days, the latest value and the mean."""
    name = "mood" if measure == "mood" else "daily score"
    top = MEASURES[measure][1]
    latest_day, latest = values[-1]
    mean = sum(v for _, v in values) / len(values)
    logged = f"{len(values)} of the last {DAYS} days" if len(values) > 1 else "1 day so far"
    return (
        f"Your {name} on {logged}: latest {latest} of {top} "
        f"({latest_day.strftime('%a')} {words.format_date(latest_day)}), "
        f"mean {words.format_score(mean)}."
    )


def draw(
    days: Mapping[date, Mapping[str, int | None]], sessions: Iterable[date], today: date
) -> Glance | None:
    """Return the glance of the 28 days up to today, or None when none of them has an entry."""
    first = today - timedelta(days=DAYS - 1)
    in_range = {day: row for day, row in sorted(days.items()) if first <= day <= today}
    measure = pick_measure(in_range)
    if measure is None:
        return None
    label, top = MEASURES[measure]
    values = [(day, row[measure]) for day, row in in_range.items() if row.get(measure) is not None]
    points = [(day, x_of(day, first), y_of(value, top)) for day, value in values]
    dots = tuple(
        (x, y, f"{words.format_date(day)}: {value}")
        for (day, x, y), (_, value) in zip(points, values, strict=True)
    )
    ticks = tuple(sorted({x_of(day, first) for day in sessions if first <= day <= today}))
    return Glance(label, line_path(points), dots, ticks, summarise(measure, values), first, today)


def for_user(user: User, today: date) -> Glance | None:
    """Query the last four weeks' daily check-ins and sessions, and draw them."""
    first = today - timedelta(days=DAYS - 1)
    rows = db.session.execute(
        select(CheckIn.local_date, CheckIn.mood, CheckIn.total).where(
            CheckIn.user_id == user.id,
            CheckIn.instrument == "daily",
            CheckIn.local_date.between(first, today),
        )
    )
    days = {row.local_date: {"mood": row.mood, "total": row.total} for row in rows}
    sessions = db.session.scalars(
        select(TreatmentSession.local_date).where(
            TreatmentSession.user_id == user.id,
            TreatmentSession.planned.is_(False),
            TreatmentSession.local_date.between(first, today),
        )
    )
    return draw(days, sessions, today)
