"""How long a session helps: per session, the days the 3-day mean stayed below its level before.

One marker per session on the time axis, coloured and shaped by medication/route; a hollow
upward triangle is a window cut short (by the next session or the end of the data), so its
number is only a lower bound. The caption gives the median and middle half per group.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from journal import analysis

from . import style, words
from .data import ChartData
from .voice import speak

TITLE = "How long each session helped"
HEIGHT = 380
EMPTY = (
    "Log daily check-ins in the days before and after your sessions to see how long "
    "your score stays lower after each one."
)
CUT_WORDS = {
    "next session": "the next session came first",
    "no later data": "no later check-ins yet",
    "60 days": "followed for 60 days",
}


def measured(data: ChartData) -> list[analysis.Record]:
    """Return the rows of sessions that had a pre-session level."""
    return [r for r in data.durability if r["pre"] is not None]


def _hover(row) -> str:
    """Return the hover text of one session's marker."""
    text = style.session_hover(row["session"])
    text += f"<br>Before: {words.format_score(row['pre'])} (3-day mean)"
    if row["cut_short"]:
        text += f"<br>Still lower after {row['days']} days ({CUT_WORDS[row['cut_short']]})"
    else:
        text += f"<br>Lower for {row['days']} days"
    return text


def _traces(rows: list[analysis.Record]) -> list[dict[str, Any]]:
    """Return one marker trace per medication/route group, and per group cut short."""
    traces: list[dict[str, Any]] = []
    for name, (color, symbol) in style.group_styles(r["session"] for r in rows).items():
        for cut in (False, True):
            group = [
                r
                for r in rows
                if style.group_name(r["session"]) == name and bool(r["cut_short"]) == cut
            ]
            if group:
                traces.append(_trace(group, name, color, symbol, cut))
    return traces


def _trace(group: list[analysis.Record], name: str, color: str, symbol: str, cut: bool) -> dict:
    """Return one group's markers: days lower by session date (open triangles when cut)."""
    return {
        "type": "scatter",
        "name": style.escape(name) + (" (cut short)" if cut else ""),
        "x": [style.iso_noon(r["session"]["date"]) for r in group],
        "y": [r["days"] for r in group],
        "mode": "markers",
        "marker": {
            "color": color,
            "size": 10,
            "symbol": "triangle-up-open" if cut else symbol,
            "line": {"color": color, "width": 1.5},
        },
        "cliponaxis": False,
        "hovertext": [_hover(r) for r in group],
        "hoverinfo": "text",
    }


def figure(data: ChartData) -> style.Spec:
    """Build the per-session durability markers by date, grouped by medication/route."""
    rows = measured(data)
    if not rows:
        return style.empty(caption(data))
    traces = _traces(rows)
    top = max(7, max(r["days"] for r in rows) + 1)
    layout = style.layout(
        height=HEIGHT,
        legend={**style.LEGEND, "font": {"size": 9 if data.compact else 12}},
        xaxis=style.date_axis(data.first, data.last),
        yaxis={
            "title": {"text": "Days lower"},
            "range": [-0.5, top + 0.5],
            "rangemode": "tozero",
            "fixedrange": True,
        },
    )
    return style.figure(traces, layout)


def _span(values: list[int]) -> str:
    """Describe a median and middle half ("6 days (middle half 4-9)")."""
    # Whole days: a quartile of day counts between two days reads as false precision.
    q1, median, q3 = (round(q) for q in analysis.quartiles(sorted(values)))
    text = f"{median} day{'' if median == 1 else 's'}"
    if len(values) > 1:
        text += f" (middle half {q1}-{q3})"
    return text


def summary(data: ChartData) -> dict[str, Any]:
    """Return the numbers the caption and the report state: overall and by group."""
    rows = measured(data)
    complete = [r for r in rows if not r["cut_short"]]
    groups: defaultdict[str, list[int]] = defaultdict(list)
    for r in complete:
        groups[style.group_name(r["session"])].append(r["days"])
    return {
        "complete": complete,
        "cut": [r for r in rows if r["cut_short"]],
        "unmeasured": len(data.durability) - len(rows),
        "groups": dict(groups),
    }


def today_sentence(info: analysis.Record | None) -> str:
    """Say what day since the last session today is and how the 3-day mean moves."""
    if info is None:
        return ""
    when = words.format_date(info["session"]["date"])
    day = info["day"]
    text = f"Today is day {day} after your last session ({when})."
    if info["trend"] is not None:
        what = "mood" if info.get("measure") == "mood" else "daily score"
        text += (
            f" Your 3-day mean {what} is {words.format_score(info['mean'])}, "
            f"{info['trend']} (the 3 days before: {words.format_score(info['earlier'])})."
        )
    return text


def headline(data: ChartData) -> str:
    """Give the median days lower after sessions and where today stands, in two sentences."""
    return _sentences(data, details=False)


def caption(data: ChartData) -> str:
    """Give the median days lower after sessions, per group, and what was cut short."""
    return _sentences(data, details=True)


def _complete_sentences(info: dict[str, Any], details: bool) -> list[str]:
    """Say how long the score stayed lower after sessions it came back from (and per group)."""
    complete = info["complete"]
    if not complete:
        return []
    n = len(complete)
    sessions = "session" if n == 1 else f"{n} sessions"
    parts = [
        f"After {sessions} whose score returned to its level before, your 3-day mean daily "
        f"score stayed lower for a median of {_span([r['days'] for r in complete])}."
    ]
    if details and len(info["groups"]) > 1:
        parts.append(
            "By medication/route: "
            + "; ".join(f"{name} {_span(v)}" for name, v in info["groups"].items())
            + "."
        )
    return parts


def _cut_sentence(cut: list[analysis.Record]) -> str:
    """Say how many windows ended before the score came back, and why."""
    still = _span([r["days"] for r in cut])
    by_next = sum(1 for r in cut if r["cut_short"] == "next session")
    return (
        f"{len(cut)} window{'s were' if len(cut) != 1 else ' was'} cut short before the "
        f"score returned ({by_next} by the next session; still lower at the cut after a "
        f"median of {still})."
    )


def _sentences(data: ChartData, details: bool) -> str:
    """Write the durability sentences, with or without the per-group and cut-short details."""
    if not measured(data):
        return speak(words.SCORES_ONLY if data.window_key == "mood" else EMPTY, data.clinician)
    info = summary(data)
    parts = _complete_sentences(info, details)
    if details and info["cut"]:
        parts.append(_cut_sentence(info["cut"]))
    if details and info["unmeasured"]:
        k = info["unmeasured"]
        parts.append(
            f"{k} session{'s have' if k != 1 else ' has'} no check-ins in the 3 days before."
        )
    text = " ".join(parts)
    today = today_sentence(data.since_last)
    return speak(f"{text} {today}".strip(), data.clinician)
