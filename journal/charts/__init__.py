"""Pure Plotly figure builders, one module per figure, each with its caption beside it.

No Flask, no database. A request builds one `ChartData` (the analysis, computed once) and any
number of figures and captions from it; the report reads the same object. The browser draws the
figures with the vendored plotly.js cartesian bundle (static/js/vendor/plotly-cartesian.min.js,
plotly.js 4.1.1, the version plotly.py 7.1.0 writes for), which has the scatter, bar and heatmap
traces used here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from . import around_sessions, calendar, durability, items, session_change, style, timeline
from .data import ChartData, ChartInputs
from .style import medication_name

__all__ = [
    "CHARTS",
    "CHART_NAMES",
    "CHART_TITLES",
    "ChartData",
    "ChartInputs",
    "body",
    "build",
    "drawable",
    "medication_name",
]


@dataclass(frozen=True)
class Chart:
    """One chart: its title, figure builder and caption, all reading a ChartData."""

    title: str
    figure: Callable[[ChartData], style.Spec]
    caption: Callable[[ChartData], str]


CHARTS: dict[str, Chart] = {
    name: Chart(module.TITLE, module.figure, module.caption)
    for name, module in (
        ("timeline", timeline),
        ("calendar", calendar),
        ("around-sessions", around_sessions),
        ("session-change", session_change),
        ("durability", durability),
        ("items", items),
    )
}
CHART_NAMES = tuple(CHARTS)
CHART_TITLES = {name: chart.title for name, chart in CHARTS.items()}


def build(name: str, data: ChartData) -> tuple[style.Spec, str]:
    """Return one chart's figure, as plain trace and layout dicts, and its caption."""
    chart = CHARTS[name]
    return chart.figure(data), chart.caption(data)


def body(name: str, data: ChartData) -> str:
    """Return one chart as the JSON the pages draw: Plotly's figure, name, title and caption.

    The one way a chart becomes JSON, for the API, the share view and the printable report.
    Plotly's own encoder writes the figure dicts without building a go.Figure: validating one
    cost more than the analysis (a third of a cold chart request at ten years), and
    `drawable` gives the same JSON (tests/unit/test_charts.py checks every chart on demo data).
    The caption is spliced into that object rather than decoding and re-encoding ~100 kB.
    """
    spec, caption = build(name, data)
    extra = json.dumps({"name": name, "title": CHART_TITLES[name], "caption": caption})
    return to_json_plotly(spec)[:-1] + ", " + extra[1:]


def drawable(spec: style.Spec) -> go.Figure:
    """Return a validated go.Figure of a chart's dicts, only where an image must be drawn."""
    return go.Figure(spec)
