"""Export pages and downloads; every route here needs a signed-in user."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from .. import analysis
from .. import charts as chart_registry
from ..accounts import events, web
from ..dashboard import services as charts
from ..errors import Invalid
from ..records import parse_date, user_today
from . import csv_export, fhir, images, json_export, pdf, report

bp = Blueprint("export", __name__, url_prefix="/export")
SIZE_MIN, SIZE_MAX = 300, 2400
DEFAULT_SIZE = {"width": 1200, "height": 600}


@bp.before_request
def require_login():
    """Send anonymous visitors to sign in (API-style clients get a 401)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


DOWNLOADS = (
    "export.data_csv",
    "export.data_json",
    "export.fhir_json",
    "export.report_pdf",
    "export.chart_image",
)


@bp.before_request
def log_download():
    """Write each download to the security log (the format only, never the data)."""
    if request.endpoint in DOWNLOADS and current_user.is_authenticated:
        name = request.endpoint.removeprefix("export.")
        events.record("export", current_user.id, export=name, **web.client())


@bp.after_request
def no_store(response: Response) -> Response:
    """Keep exports out of shared caches and the browser's back-forward cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_filter("format_score")
def format_score(value: float) -> str:
    """Format a score with at most one decimal ("8.5", "17")."""
    return analysis.format_score(value)


@bp.app_template_filter("signed_points")
def signed_points(value: float) -> str:
    """Format a change in points with its sign ("-6 points", "+1.5 points")."""
    text = ("-" if value < 0 else "+") + analysis.format_score(abs(value))
    return f"{text} point" if text in ("+1", "-1") else f"{text} points"


def attachment(body, mimetype: str, filename: str) -> Response:
    """Return a download response (body: bytes, or a generator that streams)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stamp(start: date | None, end: date | None) -> str:
    """Name a date range in a file name ("2026-01-01-to-2026-03-31")."""
    return f"{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'today'}"


def image_size(args) -> tuple[int, int]:
    """Read ?width=&height= in pixels (300-2400); raise Invalid naming the field."""
    size = {}
    for field, default in DEFAULT_SIZE.items():
        value = args.get(field, default, type=str)
        if not str(value).isdigit() or not SIZE_MIN <= int(value) <= SIZE_MAX:
            message = f"A whole number of pixels from {SIZE_MIN} to {SIZE_MAX}."
            raise Invalid("Some fields need attention.", {field: message})
        size[field] = int(value)
    return size["width"], size["height"]


def optional_range(args) -> tuple[date | None, date | None]:
    """Read an optional ?from=&to= (missing ends are open, as in the chart API)."""
    start = parse_date(args["from"], "from") if args.get("from") else None
    end = parse_date(args["to"], "to") if args.get("to") else None
    if start and end and start > end:
        raise Invalid("The start date is after the end date.", {"from": "Choose an earlier date."})
    return start, end


def report_options():
    """Read the report's range, reflections switch, optional name and paper from the query."""
    start, end = report.parse_range(request.args, user_today(current_user))
    include = request.args.get("reflections") == "1"
    paper = request.args.get("paper") or "a4"
    if paper not in report.PAPERS:
        raise Invalid("Choose A4 or US Letter.", {"paper": "Choose a4 or letter."})
    return start, end, include, report.clean_name(request.args.get("name")), paper


@bp.route("/")
def index():
    """Offer the report, chart images, data exports and share links."""
    start, end = report.default_range(current_user)
    return render_template(
        "export/index.html",
        start=start,
        end=end,
        charts=charts.CHART_TITLES,
        formats=images.FORMATS,
        size_min=SIZE_MIN,
        size_max=SIZE_MAX,
        default_size=DEFAULT_SIZE,
        name_max=report.NAME_MAX,
    )


@bp.route("/report")
def report_page():
    """Show the report as a page to read or print (charts drawn by the browser)."""
    start, end, include, name, paper = report_options()
    the_report, data = report.build_report(current_user, start, end, include, name, paper=paper)
    query = {"from": start.isoformat(), "to": end.isoformat()}
    return render_template(
        "export/report.html",
        report=the_report,
        chart_titles=charts.CHART_TITLES,
        chart_src={n: url_for("api_charts.chart", name=n, **query) for n in report.REPORT_CHARTS},
        # The API speaks to the patient; this page is for the clinician.
        captions={n: chart_registry.CHARTS[n].caption(data) for n in report.REPORT_CHARTS},
        pdf_query={
            **query,
            "reflections": int(include),
            "paper": paper,
            **({"name": name} if name else {}),
        },
    )


@bp.route("/report.pdf")
def report_pdf():
    """Download the report as a one-to-two page PDF (503 when the server cannot draw charts)."""
    start, end, include, name, paper = report_options()
    the_report, data = report.build_report(current_user, start, end, include, name, paper=paper)
    body = pdf.render_pdf(the_report, data)
    return attachment(body, "application/pdf", f"mood-journal-report-{stamp(start, end)}.pdf")


@bp.route("/chart")
def chart_choice():
    """Send the image form (chart and format as fields) on to the chart's own URL."""
    name, fmt = request.args.get("chart", ""), request.args.get("format", "")
    if name not in charts.CHART_NAMES or fmt not in images.FORMATS:
        raise Invalid("Choose a chart and a format.", {"chart": "Choose a chart and a format."})
    keep = {k: v for k, v in request.args.items() if k in ("from", "to", "width", "height") and v}
    return redirect(url_for("export.chart_image", name=name, fmt=fmt, **keep))


@bp.route("/charts/<name>.<fmt>")
def chart_image(name: str, fmt: str):
    """Download one chart as PNG or SVG at a chosen size, on white."""
    if name not in charts.CHART_NAMES or fmt not in images.FORMATS:
        abort(404)
    start, end = optional_range(request.args)
    width, height = image_size(request.args)
    figure, _caption = charts.build_chart(current_user, name, start, end)
    body = images.render(figure, fmt, width, height, current_app.config.get("CHROMIUM_PATH"))
    filename = f"mood-journal-{name}-{stamp(start, end)}.{fmt}"
    return attachment(body, images.FORMATS[fmt], filename)


@bp.route("/data.csv")
def data_csv():
    """Download everything as a zip of CSV files (one per record type), streamed."""
    user = current_user._get_current_object()
    return streamed(csv_export.zip_chunks(user), "application/zip", "mood-journal-csv-{}.zip")


@bp.route("/data.json")
def data_json():
    """Download everything as one re-importable JSON document, streamed."""
    user = current_user._get_current_object()
    return streamed(json_export.export_chunks(user), "application/json", "mood-journal-{}.json")


@bp.route("/fhir.json")
def fhir_json():
    """Download questionnaires and check-ins as a FHIR R4 Bundle, streamed."""
    user = current_user._get_current_object()
    chunks = fhir.bundle_chunks(user, request.url_root)
    return streamed(chunks, "application/fhir+json", "mood-journal-fhir-{}.json")


def streamed(chunks, mimetype: str, name: str):
    """Send generated chunks as a download named for the user's today."""
    filename = name.format(user_today(current_user).isoformat())
    return attachment(stream_with_context(chunks), mimetype, filename)
