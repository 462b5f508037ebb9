"""Treatment sessions over JSON: idempotent PUT by client id, list, read, delete."""

from flask_login import current_user
from flask_smorest import Blueprint

from ..treatments import services
from . import require_login
from .schemas import RangeQuery, TreatmentIn, TreatmentList, TreatmentOut

bp = Blueprint(
    "api_treatments", __name__, url_prefix="/api/v1/treatments", description="Treatment sessions"
)
bp.before_request(require_login)


@bp.route("")
@bp.arguments(RangeQuery, location="query")
@bp.response(200, TreatmentList)
def list_treatments(query):
    """List sessions by their local date, oldest first."""
    items = services.list_treatments(current_user, query["from_"], query["to"])
    return {"items": [services.treatment_to_dict(t) for t in items]}


@bp.route("/<client_id>", methods=["PUT"])
@bp.arguments(TreatmentIn)
@bp.response(200, TreatmentOut)
@bp.alt_response(201, schema=TreatmentOut, description="Created")
@bp.alt_response(409, description="Stale base_revision; has the server copy")
def put_treatment(body, client_id):
    """Create or update a session; repeating the same body changes nothing."""
    treatment, created = services.upsert_treatment(current_user, client_id, body)
    return services.treatment_to_dict(treatment), 201 if created else 200


@bp.route("/<client_id>", methods=["GET"])
@bp.response(200, TreatmentOut)
def get_treatment(client_id):
    """Return one session."""
    return services.treatment_to_dict(services.get_treatment(current_user, client_id))


@bp.route("/<client_id>", methods=["DELETE"])
@bp.response(204)
def delete_treatment(client_id):
    """Delete a session; its reflections are kept, with treatment_id set to null."""
    services.delete_treatment(current_user, client_id)
