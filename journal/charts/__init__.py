"""Pure Plotly figure builders, one module per figure, each with its caption beside it.

No Flask, no database. A request builds one `ChartData` (the analysis, computed once) and any
number of figures and captions from it; the report reads the same object. The browser draws the
figures with the vendored plotly.js cartesian bundle (static/js/vendor/plotly-cartesian.min.js,
plotly.js 4.1.1, the version plotly.py 7.1.0 writes for), which has the scatter, bar and heatmap
traces used here.
"""

from __future__ import annotations

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
    "build",
    "build_json",
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


def build(name: str, data: ChartData) -> tuple[go.Figure, str]:
    """Return one chart's validated figure and caption from the shared analysis."""
    chart = CHARTS[name]
    return go.Figure(chart.figure(data)), chart.caption(data)


def build_json(name: str, data: ChartData) -> tuple[str, str]:
    """Return one chart's figure as Plotly JSON text, and its caption, skipping validation.

    Building and validating a go.Figure cost more than the analysis (a third of a cold chart
    request at ten years); the JSON is the same as `build`'s (tests/unit/test_charts.py checks
    every chart on demo data), so only tests and exports pay for validation.
    """
    chart = CHARTS[name]
    return to_json_plotly(chart.figure(data)), chart.caption(data)
