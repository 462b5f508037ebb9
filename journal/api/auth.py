"""Registration, sign-in and sign-out for API clients (the PWA)."""

from flask import current_app, jsonify
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from ..accounts import events, signup, totp, web
from ..accounts import users as services
from ..errors import DomainError
from ..records import user_today
from ..settings.services import settings_dict
from .schemas import LoginIn, RegisterIn, SessionOut

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1/auth", description="Accounts")


class CodeRequired(DomainError):
    """Two-step sign-in is on: send the app's code (or a recovery code) as `otp`."""

    status = 401
    code = "otp_required"


class BadCredentials(DomainError):
    """The email and password do not match an account."""

    status = 401
    code = "bad_credentials"


def user_dict(user) -> dict:
    """Describe the signed-in user through an allowlist."""
    return {
        "email": user.email,
        "timezone": user.timezone,
        "region": user.region,
        "gad7_enabled": user.gad7_enabled,
        "today": user_today(user).isoformat(),
        **settings_dict(user),
    }


def session_body(user) -> dict:
    """Return the user and a CSRF token bound to the new session."""
    return {"user": user_dict(user), "csrf_token": generate_csrf()}


@bp.route("/register", methods=["POST"])
@bp.arguments(RegisterIn)
@bp.response(201, SessionOut)
@bp.alt_response(429, description="Too many sign-ups from this address")
@bp.alt_response(202, description="E-mail-confirmed sign-up: a link was sent (or a reminder)")
def register(body):
    """Create an account and sign in (or, with mail set up, e-mail a link to finish)."""
    web.take("signup_address")
    if signup.confirmation_on(current_app.config):
        # The same answer whether or not the address has an account: the e-mail tells.
        web.start_signup(body["email"], body["password"], body["timezone"], body.get("region"))
        return jsonify({"status": "check_email"}), 202
    user = services.register_user(
        body["email"], body["password"], body["timezone"], body.get("region")
    )
    web.sign_in(user, body["remember"])
    return session_body(user)


@bp.route("/login", methods=["POST"])
@bp.arguments(LoginIn)
@bp.response(200, SessionOut)
@bp.alt_response(401, description="Bad credentials")
@bp.alt_response(429, description="Too many failed attempts")
def login(body):
    """Sign in with email and password."""
    web.begin_sign_in(body["email"])
    user = services.authenticate(body["email"], body["password"])
    if user is None:
        web.sign_in_failed(body["email"], services.find_user(body["email"]))
        raise BadCredentials("That email and password do not match an account.")
    if totp.is_enabled(user):
        if not body.get("otp"):
            web.sign_in_succeeded(body["email"])  # the password was right: no guess used up
            raise CodeRequired("Enter the code from your authenticator app.", {"otp": "Required."})
        if not totp.verify(user, body["otp"]):
            events.record("two_step_failed", user.id, **web.client())
            raise BadCredentials("That code is not right.", {"otp": "Not right."})
    web.sign_in_succeeded(body["email"])
    web.sign_in(user, body["remember"])
    return session_body(user)


@bp.route("/logout", methods=["POST"])
@bp.response(204)
def logout():
    """Sign out: the session ends on the server, so a copy of the cookie stops working."""
    web.sign_out()
