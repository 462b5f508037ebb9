"""The report as a PDF: HTML laid out by WeasyPrint, with the charts as vector SVG from Kaleido.

Each chart goes in as an <img> with an SVG data URI rather than inline <svg>: WeasyPrint still
draws it as vectors, its HTML parser never sees Plotly's SVG style attributes (it would log a
warning for each one), and no markup from the chart is pasted into the page unescaped.
"""

import base64

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .. import charts, report
from ..charts import ChartData
from ..instruments import ATTRIBUTION
from ..paths import STATIC
from . import images

# The PDF's content box on A4 with 14 mm side margins is 182 mm: 688 CSS px at 96 px/inch
# (US Letter's is wider; the images scale to the box). Drawing the charts at that size keeps
# Plotly's text the size it was laid out for. Before/after and days since sit side by side.
CHART_WIDTH = 688
CHART_SIZES = {
    "timeline": (CHART_WIDTH, 330),
    "calendar": (CHART_WIDTH, 160),
    "session-change": (CHART_WIDTH // 2 - 6, 170),
    "around-sessions": (CHART_WIDTH // 2 - 6, 170),
    "durability": (CHART_WIDTH, 130),
}
STYLESHEET = STATIC / "css" / "report.css"
# US Letter's page is shorter and its content box wider than A4's (the images scale to the
# width): draw the charts a little flatter so the same content keeps to the same pages.
HEIGHT_SCALE = {"A4": 1.0, "letter": 0.82}
PX_PER_DATE_TICK = 90  # as static/js/charts.js does on screen


def fit_date_ticks(figure, width: int) -> None:
    """Lower each date axis's tick count to what `width` can label without crowding."""
    most = max(2, width // PX_PER_DATE_TICK)
    for axis in figure.select_xaxes():
        if axis.type == "date":
            axis.nticks = min(axis.nticks or most, most)


def chart_svgs(
    data: ChartData, browser: str | None, page_size: str = "A4"
) -> dict[str, tuple[str, str]]:
    """Draw the report's charts as SVG; return {name: (data URI or None, caption)}."""
    data.compact = True
    built = {name: charts.build(name, data) for name in report.REPORT_CHARTS}
    # An empty chart is only its message, which the caption already says: no image.
    jobs = []
    for name, (spec, _caption) in built.items():
        if spec["data"]:
            figure = charts.drawable(spec)
            width, height = CHART_SIZES[name]
            height = round(height * HEIGHT_SCALE[page_size])
            # The figure's own height is for a screen; the page decides here.
            figure.update_layout(height=height, width=width)
            fit_date_ticks(figure, width)
            jobs.append((name, (figure, "svg", width, height)))
    images_ = images.render_many([job for _, job in jobs], browser) if jobs else []
    svgs = {name: svg for (name, _), svg in zip(jobs, images_, strict=True)}
    drawn = {}
    for name, (_spec, caption) in built.items():
        svg = svgs.get(name)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii") if svg else None
        drawn[name] = (uri, caption)
    return drawn


def render_pdf(the_report: report.Report, data: ChartData) -> bytes:
    """Lay the report out as an A4 or US Letter PDF: a summary page, then the details."""
    page_size = report.PAPERS[the_report.paper]
    svgs = chart_svgs(data, current_app.config.get("CHROMIUM_PATH"), page_size)
    html = render_template(
        "export/report_pdf.html",
        report=the_report,
        svgs=svgs,
        chart_titles=charts.CHART_TITLES,
        attribution=ATTRIBUTION,
        page_size=page_size,
    )
    # Nothing is fetched while laying out: the stylesheet is read here, fonts come from the
    # system, and refusing every URL means no text in the page can make the server fetch one.
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=fetcher)
    # Tagged (a structure tree, /MarkInfo /Marked): a screen reader reads headings, tables and
    # the charts' alt text in order. About 20% larger (71 -> 85 kB for a year), no slower.
    return document.write_pdf(stylesheets=[stylesheet], pdf_tags=True)
