"""The request side of accounts: who is asking, and starting or ending this browser's session."""

import time
from urllib.parse import urlsplit

from flask import current_app, g, request, session, url_for
from flask_login import login_user, logout_user

from ..models import User
from . import events, notify, services, sessions, signup, throttle
from .users import find_user

SESSION_KEY = "sid"
# Passed the password, waiting for the second step; for five minutes at most.
PENDING_KEY, PENDING_SECONDS = "two_step", 300


def client() -> dict:
    """Return the client's address (after ProxyFix) and User-Agent for the log."""
    return {"ip": request.remote_addr, "user_agent": request.headers.get("User-Agent")}


def current_token() -> str | None:
    """Return this browser's session id."""
    return session.get(SESSION_KEY)


def sign_in(user: User, remember: bool) -> None:
    """Start a fresh server session: new session id, new CSRF token, nothing carried over."""
    session.clear()
    # Flask-WTF caches the token in g for the request; the new session must get a new one.
    g.pop("csrf_token", None)
    token = sessions.create(current_app.config, user, remember, request.headers.get("User-Agent"))
    session[SESSION_KEY] = token
    # A kept sign-in outlives the browser; the server's limits still end it.
    session.permanent = remember
    login_user(user, remember=False)
    events.record("signin", user.id, **client())


def start_two_step(user: User, remember: bool) -> None:
    """Remember, for five minutes, that this browser passed the password step."""
    session.clear()
    session[PENDING_KEY] = {"user_id": user.id, "remember": remember, "at": int(time.time())}


def sign_out() -> None:
    """End this browser's session on the server and forget it here."""
    from flask_login import current_user

    if current_user.is_authenticated:
        events.record("signout", current_user.id, **client())
    sessions.end(current_token())
    logout_user()
    session.clear()
    g.pop("csrf_token", None)


def sign_out_deleted() -> None:
    """Forget a session whose account (and so its session row) was just deleted."""
    logout_user()
    session.clear()
    g.pop("csrf_token", None)


def begin_sign_in(email: object) -> None:
    """Count a sign-in attempt for this address and account (raises Throttled when over)."""
    address = request.remote_addr or "unknown"
    try:
        throttle.begin_sign_in(current_app.config, address, normalised(email))
    except throttle.Throttled:
        events.record("signin_throttled", None, **client())
        raise


def sign_in_failed(email: object, user: User | None) -> None:
    """Log a failed sign-in (without a user when the address has no account)."""
    events.record("signin_failed", user.id if user else None, **client())


def sign_in_succeeded(email: object) -> None:
    """Give back the attempt a successful sign-in counted."""
    address = request.remote_addr or "unknown"
    throttle.sign_in_succeeded(current_app.config, address, normalised(email))


def take(limit_name: str, subject: str | None = None) -> None:
    """Count one attempt of a throttled action (sign-up, reset) for this address."""
    config = current_app.config
    limit = throttle.limits(config)[limit_name]
    throttle.take(config, limit, subject or request.remote_addr or "unknown")


def normalised(email: object) -> str:
    """Return the e-mail as accounts store it."""
    return email.strip().lower() if isinstance(email, str) else ""


def request_reset(email: object) -> None:
    """Throttle, then send a reset link to an existing account (shared with the HTML page).

    Both paths do the same counting and one logged write, so the time taken says little
    about whether the address has an account; the e-mail itself goes on a background thread.
    """
    take("reset_address")
    address = normalised(email)
    try:
        take("reset_account", address)
    except throttle.Throttled:
        return  # the same 202: an account's inbox is not flooded, and nothing is revealed
    user = find_user(address) if address else None
    events.record("password_reset_requested", user.id if user else None, **client())
    if user is None:
        return
    token = services.create_reset_token(user)  # the request commits the event with the token
    config = current_app.config
    notify.send_later(config, notify.reset_message(config, user.email, token))


def start_signup(email: object, password: object, timezone: object, region: object) -> None:
    """Begin an e-mail-confirmed sign-up; the e-mail says "finish" or "you have an account"."""
    address, token = signup.start(email, password, timezone, region)
    config = current_app.config
    notify.send_later(config, notify.signup_message(config, address, token))


def safe_next(target: str | None) -> str:
    """Return a same-site path to go to after signing in (never another host)."""
    if (
        target
        and urlsplit(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("dashboard.index")
