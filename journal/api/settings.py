"""Settings of the signed-in user (PATCH /api/v1/me) and public crisis resources."""

from flask_login import current_user, login_required
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from .. import crisis
from ..settings import services
from .auth import user_dict
from .schemas import CrisisQuery, MeOut, Safety, SettingsIn

bp = Blueprint("api_settings", __name__, url_prefix="/api/v1", description="Settings and help")


@bp.route("/me", methods=["PATCH"])
@bp.arguments(SettingsIn)
@bp.response(200, MeOut)
@bp.alt_response(401, description="Not signed in")
@bp.alt_response(422, description="A setting breaks a rule; `fields` says which")
@login_required
def update_me(body):
    """Change settings; only the fields given change."""
    services.update_settings(current_user, body)
    return {**user_dict(current_user), "csrf_token": generate_csrf()}


@bp.route("/crisis")
@bp.arguments(CrisisQuery, location="query")
@bp.response(200, Safety)
def crisis_resources(query):
    """Return a region's crisis resources (public; what /help shows)."""
    region = (query.get("region") or "").upper()
    if not region:
        region = current_user.region if current_user.is_authenticated else "OTHER"
    return crisis.resources_for(region)
