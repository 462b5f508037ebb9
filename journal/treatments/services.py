"""Validate and store treatment sessions: the one place both the pages and the API use."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..checkins import services as checkins
from ..errors import Conflict
from ..extensions import db
from ..models import CheckIn, Reflection, TreatmentSession, User
from ..records import (
    bump_revision,
    check_revision,
    find_owned,
    get_owned,
    in_date_range,
    iso,
    parse_client_id,
    user_today,
)
from . import rules

# The session page shows check-ins from this many days before to this many after.
CHECKINS_BEFORE = timedelta(days=3)
CHECKINS_AFTER = timedelta(days=14)


def treatment_to_dict(treatment: TreatmentSession) -> dict:
    """Serialise a session through an allowlist; started_at is shown in the user's zone."""
    zone = ZoneInfo(treatment.user.timezone)
    return {
        "client_id": str(treatment.client_id),
        "started_at": iso(treatment.started_at.astimezone(zone)),
        "local_date": iso(treatment.local_date),
        "route": treatment.route,
        "route_label": treatment.route_label,
        "dose": treatment.dose,
        "dose_unit": treatment.dose_unit,
        "clinic": treatment.clinic,
        "intention": treatment.intention,
        "side_effects": dict(treatment.side_effects) if treatment.side_effects else None,
        "bp_before": dict(treatment.bp_before) if treatment.bp_before else None,
        "bp_after": dict(treatment.bp_after) if treatment.bp_after else None,
        "notes": treatment.notes,
        "planned": treatment.planned,
        "revision": treatment.revision,
        "created_at": iso(treatment.created_at),
        "updated_at": iso(treatment.updated_at),
    }


def clean_treatment(user: User, data: dict) -> dict:
    """Validate a session body against the user's zone and today; raise Invalid if it fails."""
    return rules.clean_treatment(data, ZoneInfo(user.timezone), user_today(user))


def save_owned(model, user: User, client_id, clean: dict, base_revision, to_dict):
    """Create or update the user's row by client id; return it and whether it was created.

    Shared by sessions and reflections: the same idempotency and revision rules as check-ins.
    """
    row = find_owned(model, user, client_id)
    created = row is None
    if created:
        row = model(user_id=user.id, client_id=client_id, **clean)
        db.session.add(row)
    else:
        unchanged = all(getattr(row, key) == value for key, value in clean.items())
        if not check_revision(row, base_revision, unchanged, to_dict):
            return row, False
        for key, value in clean.items():
            setattr(row, key, value)
        bump_revision(row)
    try:
        db.session.commit()
    except IntegrityError:
        # Two uploads of one new record raced on (user_id, client_id); the other one won.
        db.session.rollback()
        other = find_owned(model, user, client_id)
        current = to_dict(other) if other is not None else None
        raise Conflict("This record was saved by another request; reload it.", current) from None
    return row, created


def upsert_treatment(user: User, client_id: object, data: dict) -> tuple[TreatmentSession, bool]:
    """Create or update a session by client id; return it and whether it was created."""
    client_id = parse_client_id(client_id)
    clean = clean_treatment(user, data)
    return save_owned(
        TreatmentSession, user, client_id, clean, data.get("base_revision"), treatment_to_dict
    )


def get_treatment(user: User, client_id: object) -> TreatmentSession:
    """Return the user's session or raise NotFound."""
    return get_owned(TreatmentSession, user, client_id)


def delete_treatment(user: User, client_id: object) -> None:
    """Delete the user's session; its reflections stay, unlinked (the database sets NULL)."""
    db.session.delete(get_treatment(user, client_id))
    db.session.commit()


def count_reflections(treatment: TreatmentSession) -> int:
    """Return how many reflections are linked to a session."""
    query = select(func.count()).where(Reflection.treatment_id == treatment.id)
    return db.session.scalar(query)


def list_treatments(
    user: User,
    start: date | None = None,
    end: date | None = None,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[TreatmentSession]:
    """Return the user's sessions in a date range, oldest first unless asked otherwise."""
    query = select(TreatmentSession).where(TreatmentSession.user_id == user.id)
    query = in_date_range(query, TreatmentSession, start, end)
    order = (TreatmentSession.local_date, TreatmentSession.started_at, TreatmentSession.id)
    if newest_first:
        order = tuple(column.desc() for column in order)
    return list(db.session.scalars(query.order_by(*order).offset(offset).limit(limit)))


def checkins_around(user: User, treatment: TreatmentSession) -> list[tuple[int, CheckIn]]:
    """Return the check-ins from 3 days before to 14 after the session, with their day offset."""
    start = treatment.local_date - CHECKINS_BEFORE
    end = treatment.local_date + CHECKINS_AFTER
    return [
        ((checkin.local_date - treatment.local_date).days, checkin)
        for checkin in checkins.list_checkins(user, start, end)
    ]


def has_happened(treatment: TreatmentSession, today: date) -> bool:
    """Tell whether a session counts as taken (not a plan, not in the future)."""
    return rules.has_happened(treatment.planned, treatment.local_date, today)
