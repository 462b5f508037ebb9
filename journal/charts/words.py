"""Scores, differences and dates in the words every caption and hover uses."""

from __future__ import annotations

from datetime import date

# The empty state of a chart that compares totals, for a person whose days have a mood alone.
SCORES_ONLY = (
    "This chart compares daily PHQ-9-style scores, which need all nine questions answered. "
    "Your days with a mood alone are in the timeline, the calendar and the days since each session."
)


def format_score(value: float) -> str:
    """Format a score with at most one decimal, dropping a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def points(value: float) -> str:
    """Return "1 point" or "6 points" for an absolute difference."""
    text = format_score(abs(value))
    return f"{text} point" if text == "1" else f"{text} points"


def difference(diff: float) -> str:
    """Describe a score difference in words: lower (better), higher, or about the same."""
    if round(abs(diff), 1) == 0:
        return "about the same as"
    return f"{points(diff)} {'lower' if diff < 0 else 'higher'} than"


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
