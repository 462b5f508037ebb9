"""Reflections over JSON: idempotent PUT by client id, list, read, delete."""

from flask_login import current_user
from flask_smorest import Blueprint

from ..errors import NotFound
from ..reflections import services
from . import require_login
from .schemas import ReflectionIn, ReflectionList, ReflectionOut, ReflectionQuery

bp = Blueprint(
    "api_reflections", __name__, url_prefix="/api/v1/reflections", description="Reflections"
)
bp.before_request(require_login)


@bp.route("")
@bp.arguments(ReflectionQuery, location="query")
@bp.response(200, ReflectionList)
@bp.alt_response(404, description="No such session")
def list_reflections(query):
    """List reflections by date, oldest first; `session` keeps those linked to one session."""
    treatment = None
    if query["session"] is not None:
        treatment = services.find_session(current_user, query["session"])
        if treatment is None:
            raise NotFound(services.NO_SUCH_SESSION)
    items = services.list_reflections(current_user, query["from_"], query["to"], treatment)
    return {"items": [services.reflection_to_dict(r) for r in items]}


@bp.route("/<client_id>", methods=["PUT"])
@bp.arguments(ReflectionIn)
@bp.response(200, ReflectionOut)
@bp.alt_response(201, schema=ReflectionOut, description="Created")
@bp.alt_response(409, description="Stale base_revision; has the server copy")
def put_reflection(body, client_id):
    """Create or update a reflection; repeating the same body changes nothing."""
    reflection, created = services.upsert_reflection(current_user, client_id, body)
    return services.reflection_to_dict(reflection), 201 if created else 200


@bp.route("/<client_id>", methods=["GET"])
@bp.response(200, ReflectionOut)
def get_reflection(client_id):
    """Return one reflection."""
    return services.reflection_to_dict(services.get_reflection(current_user, client_id))


@bp.route("/<client_id>", methods=["DELETE"])
@bp.response(204)
def delete_reflection(client_id):
    """Delete a reflection."""
    services.delete_reflection(current_user, client_id)
