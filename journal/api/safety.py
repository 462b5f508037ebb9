"""The safety plan over JSON: GET and PUT /api/v1/safety-plan (the whole plan at once)."""

from flask_login import current_user
from flask_smorest import Blueprint

from ..safety import services
from ..safety.spec import SAFETY_PLAN
from . import require_login
from .schemas import body_schema, iso_string, response_schema

bp = Blueprint("api_safety", __name__, url_prefix="/api/v1", description="Safety plan")
bp.before_request(require_login)

SafetyPlanIn = body_schema(SAFETY_PLAN, "SafetyPlanIn")
SafetyPlanOut = response_schema(
    SAFETY_PLAN, "SafetyPlanOut", updated_at=iso_string("date-time", allow_none=True)
)


@bp.route("/safety-plan", methods=["GET"])
@bp.response(200, SafetyPlanOut)
def get_safety_plan():
    """Return the person's safety plan (empty lists and updated_at null before one is written)."""
    return services.plan_to_dict(services.get_plan(current_user))


@bp.route("/safety-plan", methods=["PUT"])
@bp.arguments(SafetyPlanIn)
@bp.response(200, SafetyPlanOut)
@bp.alt_response(422, description="An entry breaks a rule; `fields` names it, e.g. helpers.0.phone")
def put_safety_plan(body):
    """Replace the whole plan: each list at most 10 entries, each text 1-200 characters."""
    plan = services.save_plan(current_user, body)
    return services.plan_to_dict(plan)
