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

# The PDF's content box on A4 with 14 mm side margins is 182 mm: 688 CSS px at 96 px/inch.
# Drawing the charts at that size keeps Plotly's text the size it was laid out for.
CHART_WIDTH = 688
CHART_HEIGHTS = {"timeline": 300, "around-sessions": 250}
STYLESHEET = STATIC / "css" / "report.css"


def chart_svgs(data: ChartData, browser: str | None) -> dict[str, tuple[str, str]]:
    """Draw the report's charts as SVG; return {name: (data URI or None, caption)}."""
    drawn = {}
    for name in report.REPORT_CHARTS:
        figure, caption = report.chart(data, name)
        if not figure.data:
            # An empty chart is only its message, which the caption already says.
            drawn[name] = (None, caption)
            continue
        svg = images.render(figure, "svg", CHART_WIDTH, CHART_HEIGHTS[name], browser)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        drawn[name] = (uri, caption)
    return drawn


def render_pdf(the_report: report.Report, data: ChartData) -> bytes:
    """Lay the report out as an A4 PDF of one or two pages."""
    svgs = chart_svgs(data, current_app.config.get("CHROMIUM_PATH"))
    html = render_template(
        "export/report_pdf.html",
        report=the_report,
        svgs=svgs,
        chart_titles=charts.CHART_TITLES,
        attribution=ATTRIBUTION,
    )
    # Nothing is fetched while laying out: the stylesheet is read here, fonts come from the
    # system, and refusing every URL means no text in the page can make the server fetch one.
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)])
