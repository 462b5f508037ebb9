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

from . import around_sessions, calendar, durability, items, session_change, timeline
from .data import ChartData, ChartInputs
from .style import medication_name

__all__ = [
    "CHARTS",
    "CHART_NAMES",
    "CHART_TITLES",
    "ChartData",
    "ChartInputs",
    "build",
    "medication_name",
]


@dataclass(frozen=True)
class Chart:
    """One chart: its title, figure builder and caption, all reading a ChartData."""

    title: str
    figure: Callable[[ChartData], go.Figure]
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
    """Return one chart's figure and caption from the shared analysis."""
    chart = CHARTS[name]
    return chart.figure(data), chart.caption(data)
