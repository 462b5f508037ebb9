"""Imports over HTTP: one multipart upload, checked (dry run) or imported in one transaction."""

from flask import abort, request
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..errors import Invalid
from ..imports import options, service
from . import require_login

bp = Blueprint("api_imports", __name__, url_prefix="/api/v1/imports", description="Imports")
bp.before_request(require_login)


class SkippedRow(Schema):
    """A row left out of the import, and why."""

    line = fields.Integer()
    reason = fields.String()


class ImportOut(Schema):
    """What an import found and made (or, in a dry run, would make)."""

    source = fields.String(metadata={"enum": list(options.SOURCE_LABELS)})
    days = fields.Integer(metadata={"description": "Dates found (one check-in each)"})
    first_date = fields.String(allow_none=True, metadata={"format": "date"})
    last_date = fields.String(allow_none=True, metadata={"format": "date"})
    checkins = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "created; unchanged (a date that already had a check-in)"},
    )
    tags = fields.List(fields.String())
    moods = fields.Dict(keys=fields.String(), values=fields.Integer())
    unmapped_moods = fields.List(fields.String())
    skipped = fields.List(fields.Nested(SkippedRow))
    ignored_columns = fields.List(fields.String())


def form_body() -> dict:
    """Document the multipart body from the declared options (plus the file)."""
    properties = {"file": {"type": "string", "format": "binary"}}
    properties.update(options.IMPORT_OPTIONS.input_schema())
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": properties}
            }
        },
    }


@bp.route("", methods=["POST"])
@bp.doc(requestBody=form_body())
@bp.response(201, ImportOut)
@bp.alt_response(200, schema=ImportOut, description="A dry run: nothing was written")
@bp.alt_response(413, description="The file is over 20 MB")
@bp.alt_response(422, description="An unknown, malformed or unmapped file; `message` names it")
def create_import():
    """Import a Daylio CSV or backup, a spreadsheet CSV or a Mood Journal JSON export."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Attach the file to import as `file`.", {"file": "Required."})
    chosen = options.clean_options(request.form)
    data = options.read_upload(upload)
    if len(data) > options.MAX_BYTES:
        abort(413, description="The file is over 20 MB.")
    result = service.unit(current_user, data, **chosen)
    return result, 200 if chosen["dry_run"] else 201
