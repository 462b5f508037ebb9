"""Pure Plotly figure builders: analysis results in, ``plotly.graph_objects.Figure`` out.

No Flask, no database. The browser draws these figures with the vendored plotly.js basic bundle
(static/js/vendor/plotly-basic.min.js, plotly.js 4.1.1: the version plotly.py 7.1.0 embeds). That
bundle has only the scatter, bar and pie trace types, so the item chart is a grid of bar tiles
rather than a heatmap trace.

Traces and layouts are plain dicts handed to ``go.Figure`` once, so plotly.py validates each
figure in one pass instead of once per ``add_trace``/``update_layout`` call: with 5 years of data
the slowest chart (timeline) takes about 15 ms including ``to_json`` on the 2-core dev machine.
Text a user wrote (clinic, route label) is escaped with ``_escape`` before it reaches hover text,
because plotly.js renders hover text as a small subset of HTML.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go

from journal import analysis
from journal.analysis import ITEM_SHORT_LABELS, Record

__all__ = [
    "ITEM_SHORT_LABELS",
    "around_sessions_figure",
    "items_figure",
    "session_change_figure",
    "timeline_figure",
]

# Colours with at least 4.5:1 contrast on white (WCAG AA for text, so also for thin lines).
BLUE = "#1f4e79"
ORANGE = "#b35900"
GREEN = "#2e7d32"
PURPLE = "#6a1b9a"
TEAL = "#00695c"
DARK_GREY = "#424242"
GREY = "#616161"
TEXT = "#212121"

SCORE_MAX = 27
MOOD_MAX = 10
ITEM_MAX = 3
DAY_MS = 24 * 60 * 60 * 1000
WEEK_MS = 7 * DAY_MS
PHQ9_BANDS = (
    (0, 4, "none-minimal"),
    (5, 9, "mild"),
    (10, 14, "moderate"),
    (15, 19, "moderately severe"),
    (20, 27, "severe"),
)
ROUTE_LABELS = {
    "iv": "IV infusion",
    "im": "IM injection",
    "intranasal": "Intranasal",
    "sublingual": "Sublingual",
    "oral": "Oral",
    "other": "Other",
}
# Full answer labels under each tick do not fit a phone: name the ends in the title instead.
ITEM_SCALE_TITLE = "Weekly average answer<br>0 = not at all, 3 = nearly all day"
# Light to dark blue: 0 stays distinguishable from the white of weeks without check-ins.
ITEM_COLORSCALE = [[0.0, "#deebf7"], [1 / 3, "#9ecae1"], [2 / 3, "#3182bd"], [1.0, "#08306b"]]

# plotly.js leaves automargin off: without it tick labels and titles fall outside small margins.
AXIS = {
    "automargin": True,
    "showline": True,
    "linecolor": GREY,
    "ticks": "outside",
    "gridcolor": "#e0e0e0",
}
# Anchored to the bottom of the whole figure, not the plot area: a legend at a paper-relative
# y < 0 covers long or rotated tick labels, while this one pushes the plot area up instead.
LEGEND = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
}
# A tiny template instead of plotly.py's default, which would add about 10 kB to every figure.
TEMPLATE = {
    "layout": {
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": AXIS,
        "yaxis": AXIS,
    }
}
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}


def _escape(text: object) -> str:
    """Escape user-written text for plotly.js's HTML-like labels."""
    # plotly.js decodes numeric entities but shows "&quot;" literally, so spell quotes numerically.
    return html.escape(str(text)).replace("&quot;", "&#34;")


def _round(value: float | None) -> float | None:
    """Round to 2 decimals to keep the figure JSON small."""
    return None if value is None else round(value, 2)


def _wrap(message: str, width: int = 38) -> str:
    """Break a long message into lines that fit a phone screen."""
    return "<br>".join(textwrap.wrap(message, width))


def _layout(**overrides: Any) -> dict[str, Any]:
    """Return the shared mobile-friendly layout, updated with `overrides`."""
    layout: dict[str, Any] = {
        "template": TEMPLATE,
        "font": FONT,
        "hoverlabel": {"font": {"size": 13}, "namelength": -1},
        "margin": {"l": 8, "r": 8, "t": 32, "b": 8},
        "legend": LEGEND,
    }
    layout.update(overrides)
    return layout


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """Wrap plain trace and layout dicts in a validated Figure."""
    # Skipping validation (the private _validate=False) would save about 6 ms on the 5-year
    # timeline; not worth losing the check that every attribute name exists.
    return go.Figure(data=data, layout=layout)


def _empty(message: str) -> go.Figure:
    """Return an empty figure that shows `message` instead of axes."""
    note = {
        "text": _wrap(message),
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": 15, "color": TEXT},
    }
    layout = _layout(xaxis={"visible": False}, yaxis={"visible": False}, annotations=[note])
    return _figure([], layout)


def _label_note(text: str, y: float, **extra: Any) -> dict[str, Any]:
    """Return a small grey label at data height `y`, by default at the plot's left edge."""
    note = {
        "text": text,
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "y",
        "y": y,
        "showarrow": False,
        "font": {"size": 12, "color": GREY},
    }
    note.update(extra)
    return note


def _session_hover(session: Record) -> str:
    """Return the escaped hover text describing one session."""
    route = ROUTE_LABELS.get(session["route"]) or _escape(session["route"])
    if session.get("route_label"):
        route += ": " + _escape(session["route_label"])
    if session.get("drug"):
        route = _escape(session["drug"]) + " · " + route
    kind = "Planned session" if session.get("planned") else "Session"
    lines = [f"{kind} {analysis.format_date(session['date'])}"]
    dose = session.get("dose")
    unit = _escape(session.get("dose_unit") or "")
    lines.append(route if dose is None else f"{route}, {dose:g} {unit}".rstrip())
    if session.get("clinic"):
        lines.append(_escape(session["clinic"]))
    return "<br>".join(lines)


def _daily_traces(daily: Sequence[Record]) -> list[dict[str, Any]]:
    """Return the daily total, mood and 7-day average traces, with None on days without data."""
    if not daily:
        return []
    by_date = {c["date"]: c for c in daily}
    first, last = min(by_date), max(by_date)
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    rows = [by_date.get(d) for d in days]
    averages = dict(analysis.rolling_mean((c["date"], c["total"]) for c in daily))
    # Consecutive days: x0/dx instead of an x array per trace halves the 5-year JSON.
    x = {"x0": first.isoformat(), "dx": DAY_MS}
    traces = [
        {
            "type": "scatter",
            "name": "Daily score (PHQ-9-style)",
            **x,
            "y": [r["total"] if r else None for r in rows],
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {"color": BLUE, "width": 1.5, "dash": "solid"},
            "marker": {"color": BLUE, "size": 5, "symbol": "circle"},
        },
        {
            "type": "scatter",
            "name": "7-day average",
            **x,
            "y": [_round(averages.get(d)) for d in days],
            "mode": "lines",
            "connectgaps": False,
            "line": {"color": ORANGE, "width": 4, "dash": "solid"},
            "yhoverformat": ".1f",
        },
    ]
    moods = [r.get("mood") if r else None for r in rows]
    if any(m is not None for m in moods):
        traces.append(
            {
                "type": "scatter",
                "name": "Mood (0-10, right axis)",
                **x,
                "y": moods,
                "yaxis": "y2",
                "mode": "lines+markers",
                "connectgaps": False,
                "line": {"color": PURPLE, "width": 1.5, "dash": "dot"},
                "marker": {"color": PURPLE, "size": 6, "symbol": "square-open"},
            }
        )
    return traces


def _validated_traces(validated: Sequence[Record]) -> list[dict[str, Any]]:
    """Return one marker trace per validated instrument present (PHQ-9, GAD-7)."""
    styles = (
        ("phq9", "PHQ-9 (2-week)", GREEN, "diamond"),
        ("gad7", "GAD-7 (2-week)", TEAL, "triangle-up"),
    )
    traces = []
    for instrument, name, color, symbol in styles:
        scores = sorted((v["date"], v["total"]) for v in validated if v["instrument"] == instrument)
        if scores:
            traces.append(
                {
                    "type": "scatter",
                    "name": name,
                    "x": [d.isoformat() for d, _ in scores],
                    "y": [t for _, t in scores],
                    "mode": "markers",
                    "cliponaxis": False,
                    "marker": {
                        "color": color,
                        "size": 11,
                        "symbol": symbol,
                        "line": {"color": "white", "width": 1},
                    },
                }
            )
    return traces


def _session_trace(sessions: Sequence[Record], name: str, color: str, dash: str) -> dict[str, Any]:
    """Return one trace of vertical segments, one per session, hoverable at its ends."""
    x: list[str | None] = []
    y: list[int | None] = []
    text: list[str | None] = []
    for session in sorted(sessions, key=lambda s: s["date"]):
        day, hover = session["date"].isoformat(), _session_hover(session)
        x += [day, day, None]
        y += [0, SCORE_MAX, None]
        text += [hover, hover, None]
    return {
        "type": "scatter",
        "name": name,
        "x": x,
        "y": y,
        "mode": "lines",
        "hovertext": text,
        "hoverinfo": "text",
        "legendrank": 2000,
        "line": {"color": color, "width": 1.5, "dash": dash},
    }


def _session_traces(sessions: Sequence[Record]) -> list[dict[str, Any]]:
    """Return the traces for sessions that happened (solid) and planned ones (dashed)."""
    done = [s for s in sessions if not s.get("planned")]
    planned = [s for s in sessions if s.get("planned")]
    traces = []
    if done:
        traces.append(_session_trace(done, "Session", DARK_GREY, "solid"))
    if planned:
        traces.append(_session_trace(planned, "Planned session", GREY, "dash"))
    return traces


def _band_shapes() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the PHQ-9 severity band rectangles and their labels, for orientation only."""
    shapes, notes = [], []
    for k, (low, high, label) in enumerate(PHQ9_BANDS):
        # Totals are whole numbers: each band reaches halfway to its neighbour.
        y0, y1 = max(low - 0.5, 0), min(high + 0.5, SCORE_MAX)
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": y0,
                "y1": y1,
                "fillcolor": f"rgba(0,0,0,{0.02 + 0.025 * k:.3f})",
                "line": {"width": 0},
                "layer": "below",
            }
        )
        notes.append(_label_note(label, (y0 + y1) / 2))
    notes.append(
        _label_note(
            "Shading: PHQ-9 severity bands, for orientation only",
            SCORE_MAX,
            yanchor="bottom",
        )
    )
    return shapes, notes


def _reference_lines(info: Record) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the baseline, response and remission lines with their labels."""
    value = info["value"]
    response = analysis.response_threshold(value)
    # Response and remission lines can be close (baseline 9 -> 4.5 and 5): label the lower one
    # underneath its line so the two labels never overlap.
    response_below = response < analysis.REMISSION_BELOW
    lines = (
        (value, f"Baseline {analysis.format_score(value)}", DARK_GREY, "dash", "bottom"),
        (
            response,
            f"Response line (half of baseline) {analysis.format_score(response)}",
            GREEN,
            "dashdot",
            "top" if response_below else "bottom",
        ),
        (
            analysis.REMISSION_BELOW,
            "Remission line (below 5)",
            BLUE,
            "longdash",
            "bottom" if response_below else "top",
        ),
    )
    shapes, notes = [], []
    for y, label, color, dash, anchor in lines:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": y,
                "y1": y,
                "line": {"color": color, "width": 1.5, "dash": dash},
            }
        )
        notes.append(
            _label_note(
                label, y, x=1, xanchor="right", yanchor=anchor, font={"size": 12, "color": color}
            )
        )
    return shapes, notes


def timeline_figure(
    daily: Sequence[Record],
    validated: Sequence[Record],
    sessions: Sequence[Record],
    baseline_info: Record | None,
) -> go.Figure:
    """Build the timeline of daily scores, mood, 7-day average, validated scores and sessions."""
    if not daily and not validated:
        return _empty(analysis.EMPTY_TIMELINE)
    # Sessions first so that the scores are drawn on top of the vertical lines.
    data = [*_session_traces(sessions), *_daily_traces(daily), *_validated_traces(validated)]
    shapes, notes = _band_shapes()
    if baseline_info is not None:
        more_shapes, more_notes = _reference_lines(baseline_info)
        shapes += more_shapes
        notes += more_notes
    layout = _layout(
        hovermode="x unified",
        margin={"l": 8, "r": 8, "t": 28, "b": 8},
        xaxis={"type": "date", "hoverformat": "%a %-d %b %Y"},
        yaxis={
            "title": {"text": "Daily score (0-27)"},
            "range": [0, SCORE_MAX],
            "tickvals": [0, 5, 10, 15, 20, 27],
            "fixedrange": True,
        },
        yaxis2={
            "title": {"text": "Mood (0-10)"},
            "range": [0, MOOD_MAX],
            "tickvals": list(range(0, MOOD_MAX + 1, 2)),
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "fixedrange": True,
        },
        shapes=shapes,
        annotations=notes,
    )
    return _figure(data, layout)


def _session_lines(windows: Sequence[Record]) -> dict[str, Any]:
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
        "line": {"color": "rgba(31,78,121,0.3)", "width": 1, "dash": "solid"},
    }


def _offset_ticks(before: int, after: int) -> list[int]:
    """Return the first day, the session day and the days ketamine studies report (1-3, 7, 14)."""
    return sorted({-before, 0, *(t for t in (1, 2, 3, 7, 14) if t <= after), after})


def around_sessions_figure(
    windows: Sequence[Record],
    mean_by_offset: Sequence[Record],
    *,
    before: int = 3,
    after: int = 14,
) -> go.Figure:
    """Build the chart of daily scores by days since each session, with the average and IQR."""
    if not mean_by_offset:
        return _empty(analysis.EMPTY_AROUND_SESSIONS)
    offsets = [m["offset"] for m in mean_by_offset]
    band = {"type": "scatter", "x": offsets, "mode": "lines", "hoverinfo": "skip"}
    data = [
        _session_lines(windows),
        {
            **band,
            "y": [_round(m["q1"]) for m in mean_by_offset],
            "line": {"width": 0},
            "showlegend": False,
        },
        {
            **band,
            "name": "Middle half of days (IQR)",
            "y": [_round(m["q3"]) for m in mean_by_offset],
            "fill": "tonexty",
            "fillcolor": "rgba(179,89,0,0.2)",
            "line": {"width": 0},
        },
        {
            "type": "scatter",
            "name": "Average",
            "x": offsets,
            "y": [_round(m["mean"]) for m in mean_by_offset],
            "mode": "lines+markers",
            "line": {"color": ORANGE, "width": 4, "dash": "solid"},
            "marker": {"color": ORANGE, "size": 8, "symbol": "circle"},
            "customdata": [[_round(m["q1"]), _round(m["q3"]), m["n"]] for m in mean_by_offset],
            "hovertemplate": (
                "Day %{x:+d}: average %{y:.1f}<br>middle half %{customdata[0]:.1f}"
                "-%{customdata[1]:.1f}<br>%{customdata[2]} check-ins<extra></extra>"
            ),
        },
    ]
    session_day = {
        "type": "line",
        "x0": 0,
        "x1": 0,
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": DARK_GREY, "width": 2, "dash": "dash"},
    }
    layout = _layout(
        hovermode="closest",
        xaxis={
            "title": {"text": "Days since session"},
            "range": [-before - 0.5, after + 0.5],
            "tickvals": _offset_ticks(before, after),
            "tickangle": 0,
            "zeroline": False,
        },
        yaxis={
            "title": {"text": "Daily score (0-27)"},
            "range": [0, SCORE_MAX],
            "fixedrange": True,
        },
        shapes=[session_day],
        annotations=[_label_note("Session day", SCORE_MAX, x=0, xref="x", yanchor="bottom")],
    )
    return _figure(data, layout)


def _change_labels(changes: Sequence[Record]) -> list[str]:
    """Return one unique category label per session: its date, numbered when dates repeat."""
    labels, seen = [], {}
    for change in changes:
        day = change["session"]["date"].isoformat()
        seen[day] = seen.get(day, 0) + 1
        labels.append(day if seen[day] == 1 else f"{day} #{seen[day]}")
    return labels


def _change_hover(change: Record) -> str:
    """Return the escaped hover text for one session's before/after comparison."""
    return (
        f"{_session_hover(change['session'])}<br>"
        f"Before: {change['before_mean']:.1f} ({change.get('before_n', '?')} check-ins)<br>"
        f"After: {change['after_mean']:.1f} ({change.get('after_n', '?')} check-ins)<br>"
        f"Change: {change['change']:+.1f} points"
    )


def _change_bars(
    changes: Sequence[Record], labels: Sequence[str], meets: bool
) -> dict[str, Any] | None:
    """Return the bar trace for the sessions that do (or do not) meet the 5-point MID."""
    rows = [(label, c) for label, c in zip(labels, changes, strict=True) if c["meets_mid"] == meets]
    if not rows:
        return None
    name, color, pattern = (
        ("Fell by 5 or more points", GREEN, "")
        if meets
        else ("Less than a 5-point fall", GREY, "/")
    )
    return {
        "type": "bar",
        "name": name,
        "x": [label for label, _ in rows],
        "y": [_round(c["change"]) for _, c in rows],
        "text": [f"{c['change']:+.1f}" for _, c in rows],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": [_change_hover(c) for _, c in rows],
        "hoverinfo": "text",
        "marker": {
            "color": color,
            "line": {"color": color, "width": 1},
            "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "white", "size": 8},
        },
    }


def session_change_figure(changes: Sequence[Record]) -> go.Figure:
    """Build one bar per session: the change from the days before it to the week after."""
    compared = sorted(
        (c for c in changes if c["change"] is not None),
        key=lambda c: (c["session"]["date"], c["session"]["started_at"]),
    )
    if not compared:
        return _empty(analysis.caption_session_change(changes))
    labels = _change_labels(compared)
    data = [t for t in (_change_bars(compared, labels, m) for m in (True, False)) if t]
    mid_line = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": -analysis.MID,
        "y1": -analysis.MID,
        "line": {"color": GREEN, "width": 1.5, "dash": "dash"},
    }
    layout = _layout(
        hovermode="closest",
        barmode="overlay",
        uniformtext={"minsize": 12, "mode": "hide"},
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
        yaxis={
            "title": {"text": "Change in daily score (after - before)"},
            "zeroline": True,
            "zerolinecolor": GREY,
        },
        shapes=[mid_line],
        annotations=[
            _label_note("5-point fall", -analysis.MID, x=1, xanchor="right", yanchor="top")
        ],
    )
    return _figure(data, layout)


def _item_trace(index: int, values: Sequence[float | None], first_week: date) -> dict[str, Any]:
    """Return one row of week tiles for item `index`, coloured by its weekly mean answer."""
    label = ITEM_SHORT_LABELS[index]
    return {
        "type": "bar",
        "name": label,
        "showlegend": False,
        "x0": first_week.isoformat(),
        "dx": WEEK_MS,
        "y": [None if v is None else 1 for v in values],
        "base": len(ITEM_SHORT_LABELS) - 1 - index,
        "width": WEEK_MS,
        "offset": 0,
        "marker": {
            # plotly.py rejects None colours; a week without data has y None, so no tile shows.
            "color": [0 if v is None else _round(v) for v in values],
            "coloraxis": "coloraxis",
            "line": {"width": 0},
        },
        "hovertemplate": (
            f"{label}<br>Week of %{{x|%-d %b %Y}}: %{{marker.color:.1f}} of 3<extra></extra>"
        ),
    }


def items_figure(weekly: Record) -> go.Figure:
    """Build the item-by-week grid of mean answers (0-3), drawn as bar tiles."""
    weeks = weekly["weeks"]
    if not weeks:
        return _empty(analysis.EMPTY_ITEMS)
    data = [_item_trace(i, values, weeks[0]) for i, values in enumerate(weekly["items"])]
    count = len(ITEM_SHORT_LABELS)
    layout = _layout(
        hovermode="closest",
        barmode="overlay",
        # Tiles start on each Monday (offset 0), so autorange would pad a blank week each side.
        xaxis={
            "type": "date",
            "showgrid": False,
            "range": [weeks[0].isoformat(), (weeks[-1] + timedelta(days=7)).isoformat()],
        },
        yaxis={
            "range": [0, count],
            "tickvals": [count - 0.5 - i for i in range(count)],
            "ticktext": list(ITEM_SHORT_LABELS),
            "showgrid": False,
            "fixedrange": True,
        },
        coloraxis={
            "cmin": 0,
            "cmax": ITEM_MAX,
            "colorscale": ITEM_COLORSCALE,
            "colorbar": {
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": -0.15,
                "yanchor": "top",
                "thickness": 12,
                "tickvals": list(range(ITEM_MAX + 1)),
                "title": {"text": ITEM_SCALE_TITLE, "side": "top"},
            },
        },
    )
    return _figure(data, layout)
