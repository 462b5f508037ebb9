"""Rules every user-owned record shares: client ids, ownership, revisions, local dates."""

import uuid
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .errors import Conflict, Invalid, NotFound
from .extensions import db
from .models import User, utcnow


def parse_client_id(value: object) -> uuid.UUID:
    """Return the client id as a UUID, or raise Invalid."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Invalid("client_id must be a UUID.", {"client_id": "Must be a UUID."}) from None


def find_owned(model, user: User, client_id: uuid.UUID):
    """Return this user's row with this client id, or None."""
    query = select(model).where(model.user_id == user.id, model.client_id == client_id)
    return db.session.scalars(query).one_or_none()


def get_owned(model, user: User, client_id: object):
    """Return this user's row or raise NotFound; another user's row is not found either."""
    row = find_owned(model, user, parse_client_id(client_id))
    if row is None:
        raise NotFound(f"No such {model.__name__.lower()}.")
    return row


def check_revision(row, base_revision: int | None, unchanged: bool, to_dict: Callable) -> bool:
    """Decide whether an upsert onto an existing row may proceed; raise Conflict if not.

    Returns False when the request repeats what is stored (an idempotent retry).
    """
    if base_revision is None:
        if unchanged:
            return False
        # A create replayed with other content, or an edit that does not say what it was
        # based on: refuse rather than overwrite silently.
        raise Conflict("This record already exists; send base_revision to change it.", to_dict(row))
    if base_revision != row.revision:
        raise Conflict("This record changed since you loaded it.", to_dict(row))
    return not unchanged


def bump_revision(row) -> None:
    """Mark a row as edited."""
    row.revision += 1
    row.updated_at = utcnow()


def user_today(user: User, now: datetime | None = None) -> date:
    """Return today's date in the user's time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(user.timezone)).date()


def parse_date(value: object, field: str) -> date:
    """Return an ISO date, or raise Invalid naming the field."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid("Dates are YYYY-MM-DD.", {field: "Use a date like 2026-01-31."}) from None


def iso(value: datetime | date | None) -> str | None:
    """Format a date or datetime for JSON."""
    return None if value is None else value.isoformat()


PAGE_SIZE = 50


def newest_page(list_records: Callable, user: User, page: int, size: int = PAGE_SIZE) -> dict:
    """Return one page of a newest-first list, fetching one extra row to know if more exist."""
    page = max(page, 1)
    rows = list_records(user, newest_first=True, limit=size + 1, offset=(page - 1) * size)
    return {"items": rows[:size], "page": page, "has_more": len(rows) > size}


def in_date_range(query, model, start: date | None, end: date | None):
    """Limit a query to rows whose local_date lies in [start, end]; None leaves that side open."""
    if start:
        query = query.where(model.local_date >= start)
    if end:
        query = query.where(model.local_date <= end)
    return query
