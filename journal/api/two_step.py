"""Two-step sign-in over JSON: the same setup, confirmation and switch-off as the settings page."""

from flask import session
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..accounts import events, services, totp, web
from ..errors import Conflict, Invalid
from . import require_login
from .account import PasswordIn
from .schemas import Body

bp = Blueprint("api_two_step", __name__, url_prefix="/api/v1", description="Two-step sign-in")
bp.before_request(require_login)


class TwoStepState(Schema):
    """Whether two-step sign-in is on, and how many recovery codes are left."""

    enabled = fields.Boolean(required=True)
    recovery_codes_left = fields.Integer(required=True)


class TwoStepSetup(Schema):
    """A new authenticator key, to scan or type into the app before confirming a code."""

    secret = fields.String(required=True, metadata={"description": "base32, for typing in"})
    otpauth_uri = fields.String(required=True)
    qr_svg = fields.String(required=True, metadata={"description": "the QR code, an SVG data URI"})


class CodeIn(Body):
    """A 6-digit code the authenticator app shows now."""

    code = fields.String(required=True, load_only=True)


class RecoveryCodes(Schema):
    """Ten single-use recovery codes, shown this once."""

    recovery_codes = fields.List(fields.String(), required=True)


def state() -> dict:
    """Return the signed-in user's two-step state."""
    enabled = totp.is_enabled(current_user)
    return {"enabled": enabled, "recovery_codes_left": totp.recovery_left(current_user)}


@bp.route("/auth/two-step", methods=["GET"])
@bp.response(200, TwoStepState)
def show():
    """Tell whether two-step sign-in is on."""
    return state()


@bp.route("/auth/two-step/setup", methods=["POST"])
@bp.response(200, TwoStepSetup)
@bp.alt_response(409, description="Two-step sign-in is already on")
def setup():
    """Make a new key for the app; it is kept in this session until a code confirms it."""
    if totp.is_enabled(current_user):
        raise Conflict("Two-step sign-in is already on.")
    secret = totp.new_secret()
    session[totp.SETUP_KEY] = secret
    return {
        "secret": secret,
        "otpauth_uri": totp.provisioning_uri(current_user, secret),
        "qr_svg": totp.qr_data_uri(current_user, secret),
    }


@bp.route("/auth/two-step", methods=["POST"])
@bp.arguments(CodeIn)
@bp.response(201, RecoveryCodes)
@bp.alt_response(409, description="Two-step sign-in is already on, or no setup was begun")
def enable(body):
    """Turn two-step sign-in on with a code from the app; return the recovery codes once."""
    secret = session.get(totp.SETUP_KEY)
    if totp.is_enabled(current_user):
        raise Conflict("Two-step sign-in is already on.")
    if not secret:
        raise Conflict("Begin with POST /api/v1/auth/two-step/setup.")
    codes = totp.enable(current_user, secret, body["code"])
    if not codes:
        raise Invalid(
            "That code is not right; check the time on your phone.", {"code": "Not right."}
        )
    session.pop(totp.SETUP_KEY, None)
    events.record("two_step_enabled", current_user.id, **web.client())
    return {"recovery_codes": codes}


@bp.route("/auth/two-step", methods=["DELETE"])
@bp.arguments(PasswordIn)
@bp.response(204)
@bp.alt_response(403, description="Wrong password")
def disable(body):
    """Turn two-step sign-in off (password required); its recovery codes go with it."""
    services.require_password(current_user, body["password"])
    if totp.is_enabled(current_user):
        totp.disable(current_user)
        events.record("two_step_disabled", current_user.id, **web.client())
