"""Background exports over JSON: queue one, watch its progress, fetch its file when done."""

from flask import Response, current_app, request, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .. import paging
from ..accounts import events, web
from ..export import jobs, runner
from ..export.job_models import KINDS, STATES
from ..extensions import db
from . import require_login
from .schemas import Body, PageQuery, iso_string, next_cursor

bp = Blueprint("api_exports", __name__, url_prefix="/api/v1/exports", description="Exports")
bp.before_request(require_login)


class ExportIn(Body):
    """An export to make; `parameters` are the query parameters of its sync route."""

    kind = fields.Raw(required=True, metadata={"type": "string", "enum": list(KINDS)})
    parameters = fields.Raw(
        load_default=dict,
        metadata={
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "pdf: from, to, reflections (1), paper (a4, letter), name; "
            "png and svg: chart, from, to, width, height; csv, json and fhir: none",
            "example": {"from": "2026-01-01", "to": "2026-03-31", "paper": "a4"},
        },
    )


class ExportOut(Schema):
    """An export job: its state, its progress and, when done, its file's name and URL."""

    id = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    parameters = fields.Dict(keys=fields.String(), values=fields.String())
    state = fields.String(metadata={"enum": list(STATES)})
    progress = fields.Integer(metadata={"description": "0-100"})
    progress_text = fields.String()
    ahead = fields.Integer(metadata={"description": "Exports a queued one waits behind"})
    error = fields.String(allow_none=True)
    created_at = iso_string("date-time")
    started_at = iso_string("date-time", allow_none=True)
    finished_at = iso_string("date-time", allow_none=True)
    file_name = fields.String(allow_none=True)
    file_size = fields.Integer(allow_none=True)
    file_url = fields.String(allow_none=True)
    status_url = fields.String()


class ExportList(Schema):
    """A page of export jobs, newest first."""

    items = fields.List(fields.Nested(ExportOut))
    next = next_cursor()


def described(job) -> dict:
    """Return a job's API shape with the URLs to poll and to fetch."""
    found = jobs.job_to_dict(job)
    for key in ("created_at", "started_at", "finished_at"):
        found[key] = found[key].isoformat() if found[key] else None
    found["status_url"] = url_for("api_exports.read_export", job_id=job.id)
    done = job.state == "done"
    found["file_url"] = url_for("api_exports.export_file", job_id=job.id) if done else None
    return found


def keep_going(job) -> None:
    """Recover a dead runner's job and start a runner while the job waits."""
    if job.state in ("queued", "running"):
        jobs.recover_stale()
        runner.ensure_runner(current_app._get_current_object())


@bp.route("", methods=["POST"])
@bp.arguments(ExportIn)
@bp.response(202, ExportOut)
@bp.alt_response(422, description="A parameter breaks a rule; `fields` says which")
@bp.alt_response(429, description="Three exports of yours are already on the way")
def start_export(body):
    """Queue an export (checked now, as its sync route would) and start a runner."""
    jobs.sweep()  # expired files, and those of deleted accounts, go before new ones come
    job = jobs.create_job(current_user, body["kind"], body["parameters"], request.url_root)
    db.session.commit()  # before the runner starts: it must find the job in the queue
    runner.ensure_runner(current_app._get_current_object())
    return described(job)


@bp.route("", methods=["GET"])
@bp.arguments(PageQuery, location="query")
@bp.response(200, ExportList)
def list_exports(query):
    """List the user's exports of the last hour, newest first (follow `next`)."""

    def fetch(limit, after):
        return jobs.list_jobs(current_user, limit=limit, after=after)

    return paging.respond("exports", jobs.JOB_ORDER, query, fetch, described)


@bp.route("/<job_id>", methods=["GET"])
@bp.response(200, ExportOut)
@bp.alt_response(404, description="No such export of yours")
def read_export(job_id):
    """Return an export's state and progress (poll it every second or two)."""
    job = jobs.get_job(current_user, job_id)
    keep_going(job)
    return described(jobs.get_job(current_user, job_id))


@bp.route("/<job_id>/file", methods=["GET"])
@bp.response(
    200,
    description="The file (PDF, PNG, SVG, zip or JSON) as an attachment",
    content_type="application/octet-stream",
)
@bp.alt_response(404, description="No such export of yours, or its file has expired")
@bp.alt_response(409, description="Not made yet (or it failed): see the export's state")
def export_file(job_id):
    """Download a finished export's file."""
    job, body = jobs.fetch(current_user, job_id)
    events.record("export", current_user.id, export=f"job_{job.kind}", **web.client())
    response = Response(body, mimetype=job.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
