"""The item heat map: the nine daily questions by week (by month over many years), 0-3."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta

from journal import analysis
from journal.analysis import ITEM_COUNT, ITEM_SHORT_LABELS, Record

from . import style, words
from .data import ChartData
from .voice import speak

TITLE = "Which questions moved"
EMPTY = "Log daily check-ins for a week to see which questions bother you most."
ITEM_MAX = 3
HEIGHT = 400
# Light to dark blue: 0 stays distinguishable from the white of weeks without check-ins.
COLORSCALE = [[0.0, "#deebf7"], [1 / 3, "#9ecae1"], [2 / 3, "#3182bd"], [1.0, "#08306b"]]


def monthly(weekly: analysis.Record) -> analysis.Record:
    """Fold weekly item means into calendar months (a mean of the weeks starting in each)."""
    sums: defaultdict = defaultdict(lambda: [[] for _ in range(ITEM_COUNT)])
    for k, week in enumerate(weekly["weeks"]):
        for i in range(ITEM_COUNT):
            value = weekly["items"][i][k]
            if value is not None:
                sums[week.replace(day=1)][i].append(value)
    months = sorted(sums)
    items = [
        [sum(sums[m][i]) / len(sums[m][i]) if sums[m][i] else None for m in months]
        for i in range(ITEM_COUNT)
    ]
    return {"weeks": months, "items": items}


def figure(data: ChartData) -> style.Spec:
    """Build the heat map of mean answers, items down and weeks (or months) across."""
    weekly = data.weekly_items
    if not weekly["weeks"]:
        return style.empty(caption(data))
    by_month = data.resolution == "month"
    grid = monthly(weekly) if by_month else weekly
    starts = grid["weeks"]
    centre = timedelta(days=15) if by_month else timedelta(days=3)
    period = "Month of %{x|%b %Y}" if by_month else "Week of %{customdata}"
    trace = {
        "type": "heatmap",
        "x": [style.iso_noon(s + centre) for s in starts],
        "y": list(ITEM_SHORT_LABELS),
        "z": [[style.rounded(v) for v in row] for row in grid["items"]],
        "zmin": 0,
        "zmax": ITEM_MAX,
        "colorscale": COLORSCALE,
        "xgap": 1 if len(starts) < 60 else 0,
        "ygap": 1,
        "hoverongaps": False,
        "customdata": [[words.format_date(s) for s in starts]] * ITEM_COUNT,
        "hovertemplate": f"%{{y}}<br>{period}: %{{z:.1f}} of 3<extra></extra>",
        # A vertical bar at the right: its ticks need no room under the date labels, and
        # its meaning is in the caption, so no title can be cut off on a phone.
        "colorbar": {
            "thickness": 10,
            "len": 1,
            "xpad": 4,
            "tickfont": {"size": 11},
            "tickvals": list(range(ITEM_MAX + 1)),
        },
    }
    last = starts[-1] + (timedelta(days=31) if by_month else timedelta(days=7))
    layout = style.layout(
        height=HEIGHT,
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis=style.date_axis(starts[0], last - timedelta(days=1), showgrid=False),
        yaxis={"autorange": "reversed", "showgrid": False, "fixedrange": True, "ticks": ""},
    )
    return style.figure([trace], layout)


def caption_items(weekly: Record, recent: int = 4) -> str:
    """Name the questions that bothered the user most over their most recent weeks."""
    weeks = weekly["weeks"][-recent:]
    if not weeks:
        return EMPTY
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
    mean = words.format_score(top)
    return f"Over your last {span}, {joined} bothered you most ({mean} of 3 on average)."


def caption(data: ChartData) -> str:
    """Name the questions that bothered most over the most recent weeks, and the scale."""
    text = caption_items(data.weekly_items)
    if data.weekly_items["weeks"]:
        unit = "month" if data.resolution == "month" else "week"
        text += f" Each square is one {unit}'s mean answer: 0 = not at all, 3 = nearly all day."
    return speak(text, data.clinician)
