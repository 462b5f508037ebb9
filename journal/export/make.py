"""Make one export's file for a person: the work a sync route or a background job does."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app

from .. import charts, report
from ..dashboard import services as chart_services
from ..models import User
from ..records import user_today
from . import csv_export, fhir, images, json_export, options, pdf

# step(percent, text): how a job shows progress; a sync route passes nothing.
Step = Callable[[int, str], None]


@dataclass
class Made:
    """An export's content (bytes, or chunks to stream), its type and its file name."""

    body: bytes | Iterable
    mimetype: str
    filename: str


def quiet(_percent: int, _text: str) -> None:
    """Ignore progress (a sync request has nobody to tell)."""


def build_chosen(user: User, chosen: options.ReportOptions):
    """Build the report the person's options describe (the PDF and the printable page)."""
    return report.build_report(
        user,
        chosen.start,
        chosen.end,
        chosen.include,
        chosen.name,
        paper=chosen.paper,
        baseline_period=chosen.baseline,
    )


def make_pdf(user: User, args, step: Step = quiet) -> Made:
    """Build and draw the therapist report."""
    chosen = options.report_options(args, user)
    step(10, "Reading your check-ins")
    the_report, data = build_chosen(user, chosen)
    step(40, "Drawing your charts")
    body = pdf.render_pdf(the_report, data)
    filename = f"mood-journal-report-{options.stamp(chosen.start, chosen.end)}.pdf"
    return Made(body, "application/pdf", filename)


def make_chart(user: User, name: str, fmt: str, args, step: Step = quiet) -> Made:
    """Draw one chart as PNG or SVG."""
    start, end, width, height = options.chart_options(name, fmt, args)
    step(10, "Reading your check-ins")
    spec, _caption = charts.build(name, chart_services.cached_chart_data(user, start, end))
    step(40, "Drawing the chart")
    figure = charts.drawable(spec)
    body = images.render(figure, fmt, width, height, current_app.config.get("CHROMIUM_PATH"))
    filename = f"mood-journal-{name}-{options.stamp(start, end)}.{fmt}"
    return Made(body, images.FORMATS[fmt], filename)


def make_data(user: User, kind: str, base_url: str) -> Made:
    """Return the chunks of a whole-account export (csv zip, json or fhir)."""
    today = user_today(user).isoformat()
    if kind == "csv":
        chunks = csv_export.zip_chunks(user)
        return Made(chunks, "application/zip", f"mood-journal-csv-{today}.zip")
    if kind == "json":
        chunks = json_export.export_chunks(user)
        return Made(chunks, "application/json", f"mood-journal-{today}.json")
    chunks = fhir.bundle_chunks(user, base_url)
    return Made(chunks, "application/fhir+json", f"mood-journal-fhir-{today}.json")


def make_job(user: User, kind: str, parameters: dict, step: Step) -> Made:
    """Make a job's file from its stored parameters (data exports joined into bytes)."""
    if kind == "pdf":
        return make_pdf(user, parameters, step)
    if kind in images.FORMATS:
        return make_chart(user, parameters["chart"], kind, parameters, step)
    step(10, "Collecting your records")
    made = make_data(user, kind, parameters.get("base", "/"))
    made.body = b"".join(
        chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in made.body
    )
    return made
