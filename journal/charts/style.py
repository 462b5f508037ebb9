"""What every figure shares: colours, the layout, the date axis, escaping and session labels.

Text a user wrote (clinic, route or medication label) is escaped with `escape` before it reaches
hover text, because plotly.js renders hover text as a small subset of HTML.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from journal.treatments.rules import MEDICATIONS, ROUTES

from . import words

# Colours with at least 4.5:1 contrast on white (WCAG AA for text, so also for thin lines).
BLUE = "#1f4e79"
ORANGE = "#b35900"
GREEN = "#2e7d32"
PURPLE = "#6a1b9a"
TEAL = "#00695c"
RED = "#a4262c"
DARK_GREY = "#424242"
GREY = "#616161"
TEXT = "#212121"
# One colour and symbol per medication or route group, in order of first appearance.
GROUP_STYLES = (
    (BLUE, "circle"),
    (ORANGE, "diamond"),
    (TEAL, "square"),
    (PURPLE, "triangle-up"),
    (RED, "cross"),
    (DARK_GREY, "x"),
)

# A figure as plain dicts, {"data": [trace, ...], "layout": {...}}: what plotly.js draws.
Spec = dict[str, Any]

DAY_MS = 24 * 60 * 60 * 1000
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}
SMALL = {"size": 11, "color": GREY}

MEDICATION_NAMES = {key: name for key, name in MEDICATIONS.items() if key != "other"}
ROUTE_LABELS = ROUTES

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
    "font": {"size": 12},
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
# Dates only: a daily chart never shows hours, whatever the zoom.
DATE_FORMATS = [
    {"dtickrange": [None, 28 * DAY_MS], "value": "%-d %b"},
    {"dtickrange": ["M1", "M6"], "value": "%b %Y"},
    {"dtickrange": ["M7", None], "value": "%Y"},
]


def field(record: object, name: str) -> Any:
    """Read `name` from a dict row or an object (a model, a SimpleNamespace), or None."""
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def medication_name(treatment: object) -> str | None:
    """Name a session's medication ("Ketamine", "Esketamine", the label for other), or None."""
    medication = field(treatment, "medication")
    if medication in MEDICATION_NAMES:
        return MEDICATION_NAMES[medication]
    label = " ".join(str(field(treatment, "medication_label") or "").split())
    if medication == "other":
        return label or "Other"
    return None


def route_name(treatment: object) -> str:
    """Name a session's route ("IV infusion", "Other: TMS"), unescaped."""
    route = field(treatment, "route") or "other"
    name = ROUTE_LABELS.get(route, str(route))
    label = field(treatment, "route_label")
    return f"{name}: {label}" if label else name


def group_name(treatment: object) -> str:
    """Name the group a session is coloured by: medication and route ("Ketamine · IV")."""
    medication = medication_name(treatment)
    route = ROUTE_LABELS.get(field(treatment, "route") or "other", "Other")
    return f"{medication} · {route}" if medication else route


def group_styles(sessions) -> dict[str, tuple[str, str]]:
    """Give each session group a colour and symbol, in order of first appearance."""
    styles: dict[str, tuple[str, str]] = {}
    for session in sessions:
        name = group_name(session)
        if name not in styles:
            styles[name] = GROUP_STYLES[len(styles) % len(GROUP_STYLES)]
    return styles


def escape(text: object) -> str:
    """Escape user-written text for plotly.js's HTML-like labels."""
    # plotly.js decodes numeric entities but shows "&quot;" literally, so spell quotes numerically.
    return html.escape(str(text)).replace("&quot;", "&#34;")


def session_hover(session: Mapping) -> str:
    """Return the escaped hover text for one session: date, medication, route, dose, clinic."""
    kind = "Planned session" if session.get("planned") else "Session"
    lines = [f"{kind} {words.format_date(session['date'])}"]
    medication = medication_name(session)
    if medication:
        lines.append(escape(medication))
    route = escape(route_name(session))
    dose = session.get("dose")
    unit = escape(session.get("dose_unit") or "")
    lines.append(route if dose is None else f"{route}, {dose:g} {unit}".rstrip())
    if session.get("clinic"):
        lines.append(escape(session["clinic"]))
    return "<br>".join(lines)


def rounded(value: float | None) -> float | None:
    """Round to 2 decimals to keep the figure JSON small."""
    return None if value is None else round(value, 2)


def wrap(message: str, width: int = 38) -> str:
    """Break a long message into lines that fit a phone screen."""
    return "<br>".join(textwrap.wrap(message, width))


def layout(**overrides: Any) -> dict[str, Any]:
    """Return the shared mobile-friendly layout, updated with `overrides`."""
    base: dict[str, Any] = {
        "template": TEMPLATE,
        "font": FONT,
        "hoverlabel": {"font": {"size": 13}, "namelength": -1},
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "legend": LEGEND,
        "hovermode": "closest",
    }
    base.update(overrides)
    return base


def figure(data: list[dict[str, Any]], the_layout: dict[str, Any]) -> Spec:
    """Return a figure as plain trace and layout dicts (`charts.build` validates it)."""
    return {"data": data, "layout": the_layout}


def empty(message: str) -> Spec:
    """Return an empty figure that shows `message` instead of axes."""
    note = {
        "text": wrap(message),
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": 15, "color": TEXT},
    }
    return figure(
        [], layout(xaxis={"visible": False}, yaxis={"visible": False}, annotations=[note])
    )


def iso_noon(day: date) -> str:
    """Return `day` at noon as an ISO string: a bin's centre on a date axis."""
    return f"{day.isoformat()} 12:00"


def date_axis(first: date, last: date, **extra: Any) -> dict[str, Any]:
    """Return a date x axis over first..last whole days, with date-only tick labels.

    The range runs from the start of `first` to the end of `last`, so a point or session on the
    first day sits inside the plot, not on the y axis; a single day still spans a week.
    """
    if (last - first).days < 6:
        pad = (6 - (last - first).days + 1) // 2
        first, last = first - timedelta(days=pad), last + timedelta(days=pad)
    days = (last - first).days + 1
    axis = {
        "type": "date",
        "range": [first.isoformat(), (last + timedelta(days=1)).isoformat()],
        "tickformatstops": DATE_FORMATS,
        "hoverformat": "%a %-d %b %Y",
        # At most one tick a day; charts.js lowers this further on a narrow screen.
        "nticks": min(days, 10),
        "tickangle": 0,
        "showgrid": True,
    }
    axis.update(extra)
    return axis


def panel_title(text: str, top: float, **extra: Any) -> dict[str, Any]:
    """Return a panel's title, written just above the panel's top edge (paper y `top`)."""
    note = {
        "text": text,
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "paper",
        "y": top,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": TEXT},
    }
    note.update(extra)
    return note
