"""The security log: stored for "Account activity" and written as one JSON log line each."""

import json
import logging
from contextlib import nullcontext

from flask import current_app
from sqlalchemy import delete, or_, select

from .. import autonomous, paging
from ..extensions import db
from ..models import User
from . import clock
from .models import SecurityEvent

log = logging.getLogger("journal.security")

LABELS = {
    "signin": "Signed in",
    "signin_failed": "Sign-in failed (wrong password)",
    "signin_throttled": "Sign-in refused (too many attempts)",
    "signout": "Signed out",
    "session_ended": "A session was ended",
    "sessions_ended": "All other sessions were ended",
    "password_changed": "Password changed",
    "password_reset_requested": "Password reset e-mail requested",
    "password_reset": "Password reset",
    "email_changed": "E-mail address changed",
    "export": "Data exported",
    "share_created": "Share link created",
    "share_opened": "Share link opened",
    "share_revoked": "Share link revoked",
    "account_deleted": "Account deleted",
    "two_step_enabled": "Two-step sign-in turned on",
    "two_step_disabled": "Two-step sign-in turned off",
    "two_step_failed": "Two-step sign-in failed (wrong code)",
}
# Logged although the request that caused them fails (journal/autonomous.py); the others are
# part of their request's change and stand or fall with it.
KEPT_ON_FAILURE = {"signin_failed", "signin_throttled", "two_step_failed"}


def record(
    kind: str,
    user_id: int | None,
    ip: str | None = None,
    user_agent: str | None = None,
    **details: str,
) -> None:
    """Store one event and log it as JSON; details are ids and formats, never health data."""
    if kind not in LABELS:
        raise ValueError(f"unknown security event {kind!r}")
    now = clock.now()
    agent = (user_agent or "")[:255] or None
    # A deleted account keeps no rows, this one included: its deletion is only logged.
    if kind != "account_deleted":
        with autonomous.alone("security_log") if kind in KEPT_ON_FAILURE else nullcontext():
            db.session.add(
                SecurityEvent(
                    user_id=user_id,
                    kind=kind,
                    created_at=now,
                    ip=(ip or "")[:45] or None,
                    user_agent=agent,
                )
            )
        if kind == "signin":
            forget_old(user_id, now - current_app.config["JOURNAL_SECURITY_LOG_KEPT"])
    line = {"event": kind, "user_id": user_id, "ip": ip, "user_agent": agent, **details}
    log.info(json.dumps({"at": now.isoformat(), **line}, sort_keys=True))


def forget_old(user_id: int | None, before) -> None:
    """Delete the user's events, and those of no account, older than the retention period."""
    # At each sign-in rather than in a cron job: a self-hoster runs no extra job, and the
    # (user_id, created_at) index keeps it a short range delete.
    db.session.execute(
        delete(SecurityEvent).where(
            or_(SecurityEvent.user_id == user_id, SecurityEvent.user_id.is_(None)),
            SecurityEvent.created_at < before,
        )
    )


# Newest first; the id breaks ties between events of the same instant (the paging key).
ORDER = (SecurityEvent.created_at, SecurityEvent.id)


def recent(user: User, limit: int = 100, after: tuple | None = None) -> list[SecurityEvent]:
    """Return up to `limit` of the user's events, newest first, after a paging key if given."""
    query = select(SecurityEvent).where(SecurityEvent.user_id == user.id)
    if after is not None:
        query = query.where(paging.after(ORDER, after, descending=True))
    return list(db.session.scalars(query.order_by(*(c.desc() for c in ORDER)).limit(limit)))


def event_dict(row: SecurityEvent) -> dict:
    """Describe one event for the activity page and API."""
    return {
        "kind": row.kind,
        "label": LABELS.get(row.kind, row.kind),
        "created_at": row.created_at,
        "ip": row.ip,
        "user_agent": row.user_agent,
    }
