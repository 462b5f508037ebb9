"""Daily scores by days since each session: every session faintly, the average and its IQR."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

from journal.analysis import Record

from . import style, words
from .data import ChartData
from .voice import speak

TITLE = "Days since each session"
EMPTY = (
    "Log a treatment session and a few daily check-ins to see how your mood moves around sessions."
)
BEFORE, AFTER = 3, 14
SCORE_MAX = 27
MOOD_MAX = 10
HEIGHT = 380
# What the y axis reads: the daily score, or mood for a person who logs mood alone.
MEASURES = {
    "total": (SCORE_MAX, "Daily score (0-27)", "daily PHQ-9-style score"),
    "mood": (MOOD_MAX, "Mood (0-10; higher = better)", "mood"),
}


def _session_lines(windows) -> dict[str, Any]:
    """Return one faint trace holding every session's line, broken by None between sessions."""
    x: list[int | None] = []
    y: list[float | None] = []
    for window in windows:
        if window["points"]:
            values = dict(window["points"])
            offsets = range(min(values), max(values) + 1)
            x += [*offsets, None]
            y += [*(values.get(o) for o in offsets), None]
    return {
        "type": "scatter",
        "name": "Each session",
        "x": x,
        "y": y,
        "mode": "lines",
        "connectgaps": False,
        "hoverinfo": "skip",
        "line": {"color": "rgba(31,78,121,0.3)", "width": 1},
    }


def offset_ticks(before: int = BEFORE, after: int = AFTER) -> list[int]:
    """Return the first day, the session day and the days ketamine studies report (1-3, 7, 14)."""
    return sorted({-before, 0, *(t for t in (1, 2, 3, 7, 14) if t <= after), after})


def figure(data: ChartData) -> style.Spec:
    """Build the chart of daily scores by days since each session, with the average and IQR."""
    means = data.mean_by_offset
    if not means:
        return style.empty(caption(data))
    top, axis_title, _what = MEASURES[data.window_key]
    offsets = [m["offset"] for m in means]
    band = {"type": "scatter", "x": offsets, "mode": "lines", "hoverinfo": "skip"}
    traces = [
        _session_lines(data.windows),
        {
            **band,
            "y": [style.rounded(m["q1"]) for m in means],
            "line": {"width": 0},
            "showlegend": False,
        },
        {
            **band,
            "name": "Middle half of days (IQR)",
            "y": [style.rounded(m["q3"]) for m in means],
            "fill": "tonexty",
            "fillcolor": "rgba(179,89,0,0.2)",
            "line": {"width": 0},
        },
        {
            "type": "scatter",
            "name": "Average",
            "x": offsets,
            "y": [style.rounded(m["mean"]) for m in means],
            "mode": "lines+markers",
            "line": {"color": style.ORANGE, "width": 4},
            "marker": {"color": style.ORANGE, "size": 8, "symbol": "circle"},
            "customdata": [[style.rounded(m["q1"]), style.rounded(m["q3"]), m["n"]] for m in means],
            "hovertemplate": (
                "Day %{x:+d}: average %{y:.1f}<br>middle half %{customdata[0]:.1f}"
                "-%{customdata[1]:.1f}<br>%{customdata[2]} check-ins<extra></extra>"
            ),
        },
        {
            # The session day, named in the legend rather than by a label inside the plot.
            "type": "scatter",
            "name": "Session day",
            "x": [0, 0],
            "y": [0, top],
            "mode": "lines",
            "hoverinfo": "skip",
            "line": {"color": style.DARK_GREY, "width": 2, "dash": "dash"},
        },
    ]
    layout = style.layout(
        height=HEIGHT,
        xaxis={
            "title": {"text": "Days since session"},
            "range": [-BEFORE - 0.5, AFTER + 0.5],
            "tickvals": offset_ticks(),
            "tickangle": 0,
            "zeroline": False,
            "fixedrange": True,
        },
        yaxis={
            "title": {"text": axis_title},
            "range": [0, top],
            "fixedrange": True,
        },
    )
    return style.figure(traces, layout)


def _values(windows: Sequence[Record], keep: Callable[[int], bool]) -> list[float]:
    """Return the scores of every window on the day offsets `keep` accepts."""
    return [v for w in windows for off, v in w["points"] if keep(off)]


def caption_around_sessions(
    windows: Sequence[Record], early: tuple[int, int] = (1, 3), key: str = "total"
) -> str:
    """Compare scores (or moods) on days `early` after sessions with the days before them."""
    if not any(w["points"] for w in windows):
        return EMPTY
    lo, hi = early

    def early_after(offset: int) -> bool:
        """Tell whether a day offset is one of the early days after the session."""
        return lo <= offset <= hi

    pre = _values(windows, lambda offset: offset < 0)
    post = _values(windows, early_after)
    if not pre or not post:
        return (
            "Log check-ins on the days just before and after your sessions to see how your "
            f"{'mood' if key == 'mood' else 'score'} moves around them."
        )
    counted = sum(1 for w in windows if any(off < 0 or early_after(off) for off, _ in w["points"]))
    diff = statistics.fmean(post) - statistics.fmean(pre)
    plural = "session" if counted == 1 else "sessions"
    return (
        f"On average your {MEASURES[key][2]} on days {lo}-{hi} after a session was "
        f"{words.difference(diff)} on the days before it ({counted} {plural})."
    )


def caption(data: ChartData) -> str:
    """Compare the days just after sessions with the days before them."""
    return speak(caption_around_sessions(data.windows, key=data.window_key), data.clinician)
