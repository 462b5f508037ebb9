"""Registration, sign-in and sign-out for API clients (the PWA)."""

from flask_login import current_user, login_user, logout_user
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from ..auth import services, throttle
from ..errors import DomainError
from ..records import user_today
from ..settings.services import settings_dict
from .schemas import LoginIn, RegisterIn, SessionOut

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1/auth", description="Accounts")


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
def register(body):
    """Create an account and sign in."""
    user = services.register_user(body["email"], body["password"], body["timezone"], body["region"])
    login_user(user)
    return session_body(user)


@bp.route("/login", methods=["POST"])
@bp.arguments(LoginIn)
@bp.response(200, SessionOut)
@bp.alt_response(401, description="Bad credentials")
@bp.alt_response(429, description="Too many failed attempts")
def login(body):
    """Sign in with email and password."""
    throttle.refuse_if_throttled()
    user = services.authenticate(body["email"], body["password"])
    if user is None:
        throttle.record_failure()
        raise BadCredentials("That email and password do not match an account.")
    login_user(user)
    return session_body(user)


@bp.route("/logout", methods=["POST"])
@bp.response(204)
def logout():
    """Sign out (harmless when already signed out)."""
    if current_user.is_authenticated:
        logout_user()
