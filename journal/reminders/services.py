"""Reminder preferences, push subscriptions, the calendar secret and unsubscribe tokens.

Shared by the settings page and the JSON API; nothing here reads the request.
"""

import re
import secrets
from datetime import time

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import User
from ..share.services import hash_token
from . import push, rules
from .models import PushSubscription, ReminderPreference

DEFAULT_TIME = time(19, 0)
CHANNELS, KIND_SWITCHES = rules.CHANNELS, rules.KIND_SWITCHES
UNSUBSCRIBE_SALT = "reminders-unsubscribe"
SECRET_BYTES = 24
# A push service's keys are base64url; these bounds are generous and refuse nonsense.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,128}={0,2}$")


def preference_for(user: User) -> ReminderPreference | None:
    """Return the user's reminder preferences (None until they first save some)."""
    return db.session.get(ReminderPreference, user.id)


def preferences_dict(pref: ReminderPreference | None) -> dict:
    """Describe preferences through an allowlist (the defaults when none are saved)."""
    if pref is None:
        return {
            "time": DEFAULT_TIME.strftime("%H:%M"),
            "quiet_hours": None,
            "channels": dict.fromkeys(CHANNELS, False),
            "kinds": dict.fromkeys(KIND_SWITCHES, True),
            "calendar_subscription": False,
        }
    quiet = None
    if pref.quiet_start is not None and pref.quiet_end is not None:
        quiet = {"start": f"{pref.quiet_start:%H:%M}", "end": f"{pref.quiet_end:%H:%M}"}
    return {
        "time": pref.time.strftime("%H:%M"),
        "quiet_hours": quiet,
        "channels": {name: bool(getattr(pref, name)) for name in CHANNELS},
        "kinds": {name: bool(getattr(pref, name)) for name in KIND_SWITCHES},
        "calendar_subscription": pref.calendar_secret_hash is not None,
    }


def clean_preferences(data: dict) -> dict:
    """Return the column values a preferences body gives, or raise Invalid naming each field."""
    errors: dict[str, str] = {}
    values = rules.REMINDERS.clean(data, errors)
    quiet = values["quiet_hours"] or {}
    start, end, at = quiet.get("start"), quiet.get("end"), values["time"]
    if at is not None and rules.in_quiet_hours(at, start, end):
        # In the evening part it would never fire (the date changes while still quiet).
        errors["time"] = "This time is inside your quiet hours; choose another or change them."
    if errors:
        raise Invalid(rules.REMINDERS.message, errors)
    return {
        "time": at,
        "quiet_start": start,
        "quiet_end": end,
        **values["channels"],
        **(values["kinds"] or {}),
    }


def save_preferences(user: User, data: dict) -> ReminderPreference:
    """Validate and store the user's reminder preferences, then commit."""
    changes = clean_preferences(data)
    pref = preference_for(user)
    if pref is None:
        pref = ReminderPreference(user_id=user.id, **dict(dict.fromkeys(CHANNELS, False)))
        db.session.add(pref)
    for key, value in changes.items():
        setattr(pref, key, value)
    # A new time or new switches count from now: send-reminders looks at today again.
    pref.evaluated_on = None
    db.session.commit()
    return pref


def set_channel(user_id: int, channel: str, on: bool) -> None:
    """Turn one channel on or off for a user (the unsubscribe link and push toggles), and commit."""
    pref = db.session.get(ReminderPreference, user_id)
    if pref is not None:
        setattr(pref, channel, on)
        db.session.commit()


def unsubscribe_token(secret_key: str, user_id: int) -> str:
    """Return the signed token of an e-mail unsubscribe link (no expiry: old mails keep working)."""
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps([user_id, "email"])


def unsubscribe_user(secret_key: str, token: str) -> int:
    """Return the user id a valid unsubscribe token names, or raise NotFound."""
    try:
        user_id, channel = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound("This unsubscribe link is not valid.") from None
    if channel != "email" or not isinstance(user_id, int):
        raise NotFound("This unsubscribe link is not valid.")
    return user_id


def clean_subscription(data: dict, allowed_hosts: tuple) -> dict:
    """Return a PushSubscription JSON's endpoint and keys, or raise Invalid naming each field."""
    errors: dict[str, str] = {}
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not endpoint:
        errors["endpoint"] = "Give the subscription's endpoint URL."
    elif len(endpoint) > 1024:
        errors["endpoint"] = "The endpoint is too long."
    elif not push.endpoint_allowed(endpoint, allowed_hosts):
        errors["endpoint"] = "This push service is not one the journal sends to."
    if not isinstance(keys, dict):
        errors["keys"] = 'Give {"p256dh": "...", "auth": "..."}.'
        keys = {}
    for name in ("p256dh", "auth"):
        value = keys.get(name)
        if "keys" not in errors and (not isinstance(value, str) or not KEY_PATTERN.match(value)):
            errors[f"keys.{name}"] = "Give the subscription's key as base64url text."
    if errors:
        raise Invalid("This push subscription cannot be used.", errors)
    return {"endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"]}


def add_subscription(user: User, data: dict, allowed_hosts: tuple) -> PushSubscription:
    """Store (or move to this user) a browser's subscription, turn push on, and commit."""
    clean = clean_subscription(data, allowed_hosts)
    query = select(PushSubscription).where(PushSubscription.endpoint == clean["endpoint"])
    row = db.session.scalars(query).first()
    if row is None:
        row = PushSubscription(user_id=user.id, **clean)
        db.session.add(row)
    else:
        # The same browser, now signed in as someone else (or with new keys): the last one wins.
        row.user_id, row.p256dh, row.auth = user.id, clean["p256dh"], clean["auth"]
    pref = preference_for(user)
    if pref is None:
        pref = ReminderPreference(user_id=user.id, time=DEFAULT_TIME, email=False, calendar=False)
        db.session.add(pref)
    pref.push = True
    db.session.commit()
    return row


def remove_subscription(user: User, endpoint: object) -> None:
    """Forget one of the user's subscriptions by endpoint, and commit; NotFound when not theirs."""
    if not isinstance(endpoint, str) or not endpoint:
        raise Invalid("Say which subscription.", {"endpoint": "Give the endpoint as text."})
    result = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint
        )
    )
    if result.rowcount == 0:
        db.session.rollback()
        raise NotFound("No such push subscription.")
    db.session.commit()


def count_subscriptions(user: User) -> int:
    """Return how many browsers the user receives push reminders on."""
    query = select(PushSubscription.id).where(PushSubscription.user_id == user.id)
    return len(db.session.scalars(query).all())


def make_calendar_secret(user: User) -> str:
    """Make a new calendar subscription secret (the old URL stops working); return it once."""
    pref = preference_for(user)
    if pref is None:
        pref = ReminderPreference(user_id=user.id, time=DEFAULT_TIME, push=False, email=False)
        db.session.add(pref)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    pref.calendar_secret_hash = hash_token(secret)
    pref.calendar = True
    db.session.commit()
    return secret


def revoke_calendar_secret(user: User) -> None:
    """Revoke the calendar subscription URL at once, and commit."""
    pref = preference_for(user)
    if pref is not None:
        pref.calendar_secret_hash = None
        db.session.commit()


def calendar_owner(secret: str) -> User:
    """Return the user whose calendar a secret opens, or raise NotFound."""
    if not secret.isascii():
        raise NotFound("No such calendar.")
    query = select(User).join(ReminderPreference, ReminderPreference.user_id == User.id)
    user = db.session.scalars(
        query.where(ReminderPreference.calendar_secret_hash == hash_token(secret))
    ).first()
    if user is None:
        raise NotFound("No such calendar.")
    return user
