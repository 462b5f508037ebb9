"""The report as a PDF: HTML laid out by WeasyPrint, with the charts as vector SVG from Kaleido.

Each chart goes in as an <img> with an SVG data URI rather than inline <svg>: WeasyPrint still
draws it as vectors, its HTML parser never sees Plotly's SVG style attributes (it would log a
warning for each one), and no markup from the chart is pasted into the page unescaped.
"""

import base64

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .. import charts
from ..charts import ChartData
from ..instruments import ATTRIBUTION
from ..paths import STATIC
from . import images, report

# The PDF's content box on A4 with 14 mm side margins is 182 mm: 688 CSS px at 96 px/inch
# (US Letter's is wider; the images scale to the box). Drawing the charts at that size keeps
# Plotly's text the size it was laid out for. Before/after and durability sit side by side.
CHART_WIDTH = 688
CHART_SIZES = {
    "timeline": (CHART_WIDTH, 400),
    "calendar": (CHART_WIDTH, 165),
    "session-change": (CHART_WIDTH // 2 - 6, 190),
    "durability": (CHART_WIDTH // 2 - 6, 190),
    "around-sessions": (CHART_WIDTH, 250),
}
STYLESHEET = STATIC / "css" / "report.css"
# The summary page already states the durability numbers; beside the figure, say how to read it.
SHORT_CAPTIONS = {
    "durability": (
        "One marker per session: the days its 3-day mean score stayed below the mean of the 3 "
        "days before it (numbers on the summary page). Open triangles: cut short by the next "
        "session or the end of the data, so at least that long."
    ),
}
PX_PER_DATE_TICK = 90  # as static/js/charts.js does on screen


def fit_date_ticks(figure, width: int) -> None:
    """Lower each date axis's tick count to what `width` can label without crowding."""
    most = max(2, width // PX_PER_DATE_TICK)
    for axis in figure.select_xaxes():
        if axis.type == "date":
            axis.nticks = min(axis.nticks or most, most)


def chart_svgs(data: ChartData, browser: str | None) -> dict[str, tuple[str, str]]:
    """Draw the report's charts as SVG; return {name: (data URI or None, caption)}."""
    drawn = {}
    data.compact = True
    for name in report.REPORT_CHARTS:
        figure, caption = report.chart(data, name)
        if not figure.data:
            # An empty chart is only its message, which the caption already says.
            drawn[name] = (None, caption)
            continue
        width, height = CHART_SIZES[name]
        # The figure's own height is for a screen; the page decides here.
        figure.update_layout(height=height, width=width)
        fit_date_ticks(figure, width)
        svg = images.render(figure, "svg", width, height, browser)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        drawn[name] = (uri, SHORT_CAPTIONS.get(name, caption))
    return drawn


def render_pdf(the_report: report.Report, data: ChartData) -> bytes:
    """Lay the report out as an A4 or US Letter PDF: a summary page, then the details."""
    svgs = chart_svgs(data, current_app.config.get("CHROMIUM_PATH"))
    html = render_template(
        "export/report_pdf.html",
        report=the_report,
        svgs=svgs,
        chart_titles=charts.CHART_TITLES,
        attribution=ATTRIBUTION,
        page_size=report.PAPERS[the_report.paper],
    )
    # Nothing is fetched while laying out: the stylesheet is read here, fonts come from the
    # system, and refusing every URL means no text in the page can make the server fetch one.
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)])
