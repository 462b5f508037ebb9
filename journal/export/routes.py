"""Export pages and downloads; every route here needs a signed-in user."""

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

from .. import charts as chart_registry
from .. import report
from ..accounts import events, web
from ..charts import words
from ..dashboard import services as charts
from ..errors import Invalid
from . import images, make, options
from .options import DEFAULT_SIZE, SIZE_MAX, SIZE_MIN

bp = Blueprint("export", __name__, url_prefix="/export")


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
    return words.format_score(value)


@bp.app_template_filter("signed_points")
def signed_points(value: float) -> str:
    """Format a change in points with its sign ("-6 points", "+1.5 points")."""
    text = ("-" if value < 0 else "+") + words.format_score(abs(value))
    return f"{text} point" if text in ("+1", "-1") else f"{text} points"


def attachment(body, mimetype: str, filename: str) -> Response:
    """Return a download response (body: bytes, or a generator that streams)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_options():
    """Read the report's options from the query (journal.export.options checks them)."""
    return options.report_options(request.args, current_user)


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
        baseline=options.BASELINE,
    )


@bp.route("/report")
def report_page():
    """Show the report as a page to read or print (charts drawn by the browser)."""
    chosen = report_options()
    the_report, data = make.build_chosen(current_user, chosen)
    query = {"from": chosen.start.isoformat(), "to": chosen.end.isoformat()}
    return render_template(
        "export/report.html",
        report=the_report,
        chart_titles=charts.CHART_TITLES,
        chart_src={n: url_for("api_charts.chart", name=n, **query) for n in report.REPORT_CHARTS},
        # The API speaks to the patient; this page is for the clinician.
        captions={n: chart_registry.CHARTS[n].caption(data) for n in report.REPORT_CHARTS},
        pdf_query=chosen.query(),
    )


@bp.route("/report.pdf")
def report_pdf():
    """Download the report as a one-to-two page PDF (503 when the server cannot draw charts)."""
    made = make.make_pdf(current_user, request.args)
    return attachment(made.body, made.mimetype, made.filename)


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
    made = make.make_chart(current_user, name, fmt, request.args)
    return attachment(made.body, made.mimetype, made.filename)


@bp.route("/data.csv")
def data_csv():
    """Download everything as a zip of CSV files (one per record type), streamed."""
    return streamed("csv")


@bp.route("/data.json")
def data_json():
    """Download everything as one re-importable JSON document, streamed."""
    return streamed("json")


@bp.route("/fhir.json")
def fhir_json():
    """Download questionnaires and check-ins as a FHIR R4 Bundle, streamed."""
    return streamed("fhir")


def streamed(kind: str):
    """Send a whole-account export's chunks as a download named for the user's today."""
    user = current_user._get_current_object()
    made = make.make_data(user, kind, request.url_root)
    return attachment(stream_with_context(made.body), made.mimetype, made.filename)
