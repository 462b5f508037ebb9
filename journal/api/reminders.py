"""Reminder preferences and Web Push subscriptions over JSON (rules in journal.reminders)."""

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..reminders import push, services
from ..reminders.rules import REMINDERS
from . import require_login
from .schemas import Body, body_schema, response_schema

bp = Blueprint("api_reminders", __name__, url_prefix="/api/v1", description="Reminders")
bp.before_request(require_login)


RemindersIn = body_schema(REMINDERS, "RemindersIn")
RemindersOut = response_schema(REMINDERS, "RemindersOut")


class SubscriptionIn(Body):
    """A browser's PushSubscription JSON."""

    endpoint = fields.Raw(required=True, metadata={"type": "string", "format": "uri"})
    keys = fields.Raw(required=True, metadata={"type": "object"})
    expirationTime = fields.Raw(allow_none=True, metadata={"type": "number"})


class SubscriptionOut(Schema):
    """A stored subscription (its keys are never sent back)."""

    endpoint = fields.String()


class EndpointIn(Body):
    """Which subscription to forget."""

    endpoint = fields.Raw(required=True, metadata={"type": "string"})


class VapidKeyOut(Schema):
    """The application server key to subscribe with."""

    public_key = fields.String()


@bp.route("/reminders", methods=["GET"])
@bp.response(200, RemindersOut)
def read_reminders():
    """Return the reminder preferences (the defaults until saved)."""
    return services.preferences_dict(services.preference_for(current_user))


@bp.route("/reminders", methods=["PUT"])
@bp.arguments(RemindersIn)
@bp.response(200, RemindersOut)
@bp.alt_response(422, description="A preference breaks a rule; `fields` says which")
def save_reminders(body):
    """Replace the reminder preferences."""
    return services.preferences_dict(services.save_preferences(current_user, body))


@bp.route("/push/subscriptions", methods=["POST"])
@bp.arguments(SubscriptionIn)
@bp.response(201, SubscriptionOut)
@bp.alt_response(422, description="Not a usable subscription, or an unknown push service")
def add_subscription(body):
    """Store this browser's push subscription and turn push reminders on."""
    row = services.add_subscription(current_user, body, push.allowed_hosts(current_app.config))
    return {"endpoint": row.endpoint}


@bp.route("/push/subscriptions", methods=["DELETE"])
@bp.arguments(EndpointIn)
@bp.response(204)
@bp.alt_response(404, description="No such subscription of yours")
def remove_subscription(body):
    """Forget one of this user's push subscriptions."""
    services.remove_subscription(current_user, body["endpoint"])


@bp.route("/push/vapid-key", methods=["GET"])
@bp.response(200, VapidKeyOut)
def vapid_key():
    """Return the VAPID public key browsers subscribe with."""
    vapid = push.load_vapid(current_app.config, current_app.instance_path)
    return {"public_key": push.public_key(vapid)}
