"""Session day on Today: the checklist before a planned session and the follow-up after one.

A card for a planned session starting within the next 24 hours (its checklist, ride home, and
"no driving until tomorrow"), and from 6 to 36 hours after a session started a three-tap
follow-up saved into that session's `follow_up`. Edits go through the record kernel (the same
validation, revision and data-revision rules as the API). Services never commit.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import TreatmentSession, User
from ..safety.spec import DEFAULT_CHECKLIST
from ..treatments import services as treatments

AHEAD = timedelta(hours=24)
FOLLOW_UP_FROM = timedelta(hours=6)
FOLLOW_UP_UNTIL = timedelta(hours=36)
FOLLOW_UP_KEYS = ("sleep_hours", "dissociation", "mood")
# The record fields every session carries that a body does not (they are the server's).
SERVER_FIELDS = ("client_id", "revision", "created_at", "updated_at", "local_date")


def upcoming(user: User, now: datetime) -> TreatmentSession | None:
    """Return the next planned session starting within 24 hours, or None."""
    query = (
        select(TreatmentSession)
        .where(
            TreatmentSession.user_id == user.id,
            TreatmentSession.planned.is_(True),
            TreatmentSession.started_at > now,
            TreatmentSession.started_at <= now + AHEAD,
        )
        .order_by(TreatmentSession.started_at)
        .limit(1)
    )
    return db.session.scalar(query)


def needs_follow_up(user: User, now: datetime) -> TreatmentSession | None:
    """Return the latest session that started 6 to 36 hours ago and lacks a full follow-up."""
    query = (
        select(TreatmentSession)
        .where(
            TreatmentSession.user_id == user.id,
            TreatmentSession.started_at >= now - FOLLOW_UP_UNTIL,
            TreatmentSession.started_at <= now - FOLLOW_UP_FROM,
        )
        .order_by(TreatmentSession.started_at.desc())
        .limit(1)
    )
    session = db.session.scalar(query)
    done = session is not None and all(k in (session.follow_up or {}) for k in FOLLOW_UP_KEYS)
    return None if done else session


def checklist(session: TreatmentSession) -> list[dict]:
    """Return the session's checklist, or the editable defaults the first time."""
    preparation = session.preparation or {}
    if "checklist" in preparation:
        return [dict(item) for item in preparation["checklist"]]
    return [{"text": text, "done": False} for text in DEFAULT_CHECKLIST]


def session_body(session: TreatmentSession) -> dict:
    """Return a session as the body that would store it unchanged."""
    body = treatments.treatment_to_dict(session)
    for name in SERVER_FIELDS:
        body.pop(name, None)
    return {**body, "base_revision": session.revision}


def save_preparation(user: User, client_id: str, preparation: dict) -> TreatmentSession:
    """Replace a session's preparation (checklist, ride home); raise Invalid or Conflict."""
    session = treatments.get_treatment(user, client_id)
    body = {**session_body(session), "preparation": preparation}
    row, _created = treatments.upsert_treatment(user, client_id, body)
    return row


def save_follow_up(user: User, client_id: str, answers: dict) -> TreatmentSession:
    """Merge the given follow-up answers into the session's `follow_up`; raise Invalid."""
    session = treatments.get_treatment(user, client_id)
    follow_up = {**(session.follow_up or {}), **answers}
    body = {**session_body(session), "follow_up": follow_up}
    row, _created = treatments.upsert_treatment(user, client_id, body)
    return row
