"""Account actions over JSON: password, reset, e-mail, sessions, activity, deletion."""

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .. import paging
from ..accounts import events, notify, services, sessions, web
from ..accounts.rules import EMAIL_CHANGE, PASSWORD_CHANGE, PASSWORD_RESET
from . import require_login
from .schemas import Body, PageQuery, body_schema, iso_string, next_cursor

bp = Blueprint("api_account", __name__, url_prefix="/api/v1", description="Account")


PasswordChangeIn = body_schema(PASSWORD_CHANGE, "PasswordChangeIn")
EmailChangeIn = body_schema(EMAIL_CHANGE, "EmailChangeIn")
ResetIn = body_schema(PASSWORD_RESET, "ResetIn")


class PasswordIn(Body):
    """The current password, confirming an action."""

    password = fields.String(required=True, load_only=True)


class ResetRequestIn(Body):
    """The address to send a reset link to."""

    email = fields.String(required=True)


class SessionItem(Schema):
    """One signed-in device."""

    id = fields.Integer()
    device = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime()
    expires_at = fields.DateTime()
    remember = fields.Boolean()
    current = fields.Boolean()


class SessionList(Schema):
    """The user's signed-in devices, newest sign-in first, one page of them."""

    items = fields.List(fields.Nested(SessionItem))
    next = next_cursor()


class EventItem(Schema):
    """One security event."""

    kind = fields.String()
    label = fields.String()
    created_at = fields.DateTime()
    ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)


class EventList(Schema):
    """The user's security events, newest first, one page of them."""

    items = fields.List(fields.Nested(EventItem))
    next = next_cursor()


class EmailOut(Schema):
    """The new sign-in e-mail."""

    email = iso_string("email")


def signed_in_only():
    """Refuse anonymous requests, except to the reset routes (a before_request hook)."""
    from flask import request

    if request.endpoint in ("api_account.reset_request", "api_account.reset"):
        return None
    return require_login()


bp.before_request(signed_in_only)


@bp.route("/auth/password", methods=["POST"])
@bp.arguments(PasswordChangeIn)
@bp.response(204)
@bp.alt_response(403, description="Wrong current password")
@bp.alt_response(422, description="The new password is too weak")
def change_password(body):
    """Change the password; the user's other sessions are signed out."""
    ended = services.change_password(
        current_user, body["current_password"], body["new_password"], web.current_token()
    )
    events.record("password_changed", current_user.id, ended=str(ended), **web.client())


@bp.route("/auth/email", methods=["POST"])
@bp.arguments(EmailChangeIn)
@bp.response(200, EmailOut)
@bp.alt_response(403, description="Wrong password")
def change_email(body):
    """Change the sign-in e-mail (password required); the old address is told."""
    old = services.change_email(current_user, body["password"], body["email"])
    events.record("email_changed", current_user.id, **web.client())
    config = current_app.config
    notify.send_later(config, notify.email_changed_message(config, old))
    return {"email": current_user.email}


@bp.route("/auth/reset-request", methods=["POST"])
@bp.arguments(ResetRequestIn)
@bp.response(202)
@bp.alt_response(429, description="Too many requests from this address")
def reset_request(body):
    """E-mail a reset link if the address has an account; the answer is the same either way."""
    web.request_reset(body["email"])


@bp.route("/auth/reset", methods=["POST"])
@bp.arguments(ResetIn)
@bp.response(204)
@bp.alt_response(422, description="Expired or used token, or a weak password")
def reset(body):
    """Set a new password with an e-mailed token; every session of the account ends."""
    user = services.reset_password(body["token"], body["new_password"])
    events.record("password_reset", user.id, **web.client())


@bp.route("/auth/sessions", methods=["GET"])
@bp.arguments(PageQuery, location="query")
@bp.response(200, SessionList)
def list_sessions(query):
    """List the user's signed-in devices, newest sign-in first, marking this one."""
    token = web.current_token()

    def fetch(limit, after):
        return sessions.page_of(current_user, limit, after)

    def describe(row):
        return sessions.session_dict(row, token)

    return paging.respond("sessions", sessions.PAGE_ORDER, query, fetch, describe)


@bp.route("/auth/sessions/<int:session_id>", methods=["DELETE"])
@bp.response(204)
@bp.alt_response(404, description="No such session")
def end_session(session_id):
    """Sign one device out (this one too, if it is this one's id)."""
    sessions.end_one(current_user, session_id)
    events.record("session_ended", current_user.id, **web.client())


@bp.route("/auth/sessions", methods=["DELETE"])
@bp.response(204)
def end_other_sessions():
    """Sign out every other device; this one stays signed in."""
    sessions.end_all(current_user, web.current_token())
    events.record("sessions_ended", current_user.id, **web.client())


@bp.route("/auth/activity", methods=["GET"])
@bp.arguments(PageQuery, location="query")
@bp.response(200, EventList)
def activity(query):
    """Return the account's security events, newest first (follow `next` for older ones)."""

    def fetch(limit, after):
        return events.recent(current_user, limit, after)

    return paging.respond("activity", events.ORDER, query, fetch, events.event_dict)


@bp.route("/me", methods=["DELETE"])
@bp.arguments(PasswordIn)
@bp.response(204)
@bp.alt_response(403, description="Wrong password")
def delete_me(body):
    """Delete the account and every row it owns (password required)."""
    client = web.client()
    user_id = services.delete_account(current_user, body["password"])
    web.sign_out_deleted()
    events.record("account_deleted", user_id, **client)
