"""One bar per session: the change from the 3 days before it to days 1-7 after, on a date axis."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from journal import analysis
from journal.analysis import Record

from . import style, words
from .data import ChartData
from .voice import speak

TITLE = "Before and after each session"
EMPTY = (
    "Log a treatment session and check in on the days before and the week after it "
    "to compare before and after."
)
HEIGHT = 380
LABELLED_UP_TO = 16  # bars carry their number only while there is room for it


def _hover(change) -> str:
    """Return the escaped hover text for one session's before/after comparison."""
    return (
        f"{style.session_hover(change['session'])}<br>"
        f"Before: {change['before_mean']:.1f} ({change['before_n']} check-ins)<br>"
        f"After: {change['after_mean']:.1f} ({change['after_n']} check-ins)<br>"
        f"Change: {change['change']:+.1f} points"
    )


def _bars(changes, meets: bool, labelled: bool) -> dict[str, Any] | None:
    """Return the bar trace for the sessions that do (or do not) meet the 5-point MID."""
    rows = [c for c in changes if c["meets_mid"] == meets]
    if not rows:
        return None
    name, color, pattern = (
        ("Fell by 5 or more points", style.GREEN, "")
        if meets
        else ("Less than a 5-point fall", style.GREY, "/")
    )
    bar = {
        "type": "bar",
        "name": name,
        "x": [style.iso_noon(c["session"]["date"]) for c in rows],
        "y": [style.rounded(c["change"]) for c in rows],
        "hovertext": [_hover(c) for c in rows],
        "hoverinfo": "text",
        "marker": {
            "color": color,
            "line": {"color": color, "width": 1},
            "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "white", "size": 8},
        },
    }
    if labelled:
        bar.update(
            text=[f"{c['change']:+.1f}" for c in rows], textposition="outside", cliponaxis=False
        )
    return bar


def figure(data: ChartData) -> style.Spec:
    """Build one bar per session compared, dated, with the 5-point fall as a legend line."""
    compared = sorted(
        (c for c in data.changes if c["change"] is not None),
        key=lambda c: (c["session"]["date"], c["session"]["started_at"]),
    )
    if not compared:
        return style.empty(caption(data))
    labelled = len(compared) <= LABELLED_UP_TO
    traces = [t for t in (_bars(compared, m, labelled) for m in (True, False)) if t]
    first, last = data.first, data.last
    lows = [c["change"] for c in compared]
    traces.append(
        {
            "type": "scatter",
            "name": "5-point fall",
            "x": [first.isoformat(), last.isoformat()],
            "y": [-analysis.MID, -analysis.MID],
            "mode": "lines",
            "hoverinfo": "skip",
            "line": {"color": style.GREEN, "width": 1.5, "dash": "dash"},
        }
    )
    top = max(2.0, max(lows) + 2)
    bottom = min(-analysis.MID - 2, min(lows) - 2)
    layout = style.layout(
        height=HEIGHT,
        legend={**style.LEGEND, "font": {"size": 9 if data.compact else 12}},
        barmode="overlay",
        bargap=0.3,
        xaxis=style.date_axis(first, last),
        yaxis={
            "title": {"text": "Change"},
            "range": [bottom, top],
            "zeroline": True,
            "zerolinecolor": style.GREY,
            "fixedrange": True,
        },
    )
    return style.figure(traces, layout)


def caption_session_change(
    changes: Sequence[Record], before: int = 3, after: tuple[int, int] = (1, 7)
) -> str:
    """Count the sessions followed by a fall of at least 5 points, and the average change."""
    if not changes:
        return EMPTY
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
        f"on days {after[0]}-{after[1]} after was at least {analysis.MID} points lower than on the "
        f"{before} days before. On average it was {words.difference(average)} before."
    )
    skipped = len(changes) - len(compared)
    if skipped:
        rest = "session has" if skipped == 1 else "sessions have"
        them = "it" if skipped == 1 else "them"
        text += f" {skipped} {rest} too few check-ins around {them} to compare."
    return text


def caption(data: ChartData) -> str:
    """Count the sessions followed by a fall of at least 5 points, and the average change."""
    if data.window_key == "mood":
        return speak(words.SCORES_ONLY, data.clinician)
    return speak(caption_session_change(data.changes), data.clinician)
