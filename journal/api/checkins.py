"""Check-ins over JSON: idempotent PUT by client id, list, read, delete."""

from flask_login import current_user
from flask_smorest import Blueprint

from ..checkins import services
from . import require_login
from .schemas import CheckInIn, CheckInList, CheckInOut, CheckInQuery

bp = Blueprint("api_checkins", __name__, url_prefix="/api/v1/checkins", description="Check-ins")
bp.before_request(require_login)


@bp.route("")
@bp.arguments(CheckInQuery, location="query")
@bp.response(200, CheckInList)
def list_checkins(query):
    """List check-ins in a date range, oldest first."""
    items = services.list_checkins(current_user, query["from_"], query["to"], query["instrument"])
    return {"items": [services.checkin_to_dict(c) for c in items]}


@bp.route("/<client_id>", methods=["PUT"])
@bp.arguments(CheckInIn)
@bp.response(200, CheckInOut)
@bp.alt_response(201, schema=CheckInOut, description="Created")
@bp.alt_response(409, description="Stale base_revision, or the date is taken; has the server copy")
def put_checkin(body, client_id):
    """Create or update a check-in; repeating the same body changes nothing."""
    checkin, created = services.upsert_checkin(current_user, client_id, body)
    return services.checkin_to_dict(checkin), 201 if created else 200


@bp.route("/<client_id>", methods=["GET"])
@bp.response(200, CheckInOut)
def get_checkin(client_id):
    """Return one check-in."""
    return services.checkin_to_dict(services.get_checkin(current_user, client_id))


@bp.route("/<client_id>", methods=["DELETE"])
@bp.response(204)
def delete_checkin(client_id):
    """Delete a check-in."""
    services.delete_checkin(current_user, client_id)
