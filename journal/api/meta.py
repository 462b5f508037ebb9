"""The signed-in user, CSRF tokens and instrument definitions."""

from flask_login import current_user, login_required
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from .. import instruments
from .auth import user_dict
from .schemas import CsrfOut, InstrumentList, MeOut

bp = Blueprint("api_meta", __name__, url_prefix="/api/v1", description="Session and instruments")


@bp.route("/me")
@bp.response(200, MeOut)
@bp.alt_response(401, description="Not signed in")
@login_required
def me():
    """Return the signed-in user and a CSRF token."""
    # The user itself, not the proxy: each attribute read through current_user is a lookup.
    return {**user_dict(current_user._get_current_object()), "csrf_token": generate_csrf()}


@bp.route("/csrf")
@bp.response(200, CsrfOut)
def csrf_token():
    """Return a CSRF token (anonymous clients need one to register or sign in)."""
    return {"csrf_token": generate_csrf()}


@bp.route("/instruments")
@bp.response(200, InstrumentList)
def instrument_list():
    """Return every instrument definition (the PWA scores offline from these)."""
    items = [instruments.as_dict(i) for i in instruments.INSTRUMENTS.values()]
    return {"items": items, "next": None}
