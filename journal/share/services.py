"""Share links: create, list, revoke, and open by token (the only way a token is accepted).

A token is 32 bytes from `secrets` (256 bits), shown to its owner once and stored only as its
SHA-256. Opening looks the hash up by its unique index and then compares it with
`hmac.compare_digest`, so no step compares secret material byte by byte in variable time. A
missing, malformed, expired or revoked token is the same 404: the response never says which.
"""

import hashlib
import hmac
import re
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import select

from .. import models, paging
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import ShareLink, ShareOpen, User
from ..records import iso, user_today
from .rules import DEFAULT_RANGE_DAYS, SHARE

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
LABEL_MAX = SHARE.field("label").max_length
NOT_FOUND = "This share link does not work: it may have expired or been revoked."


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of a token (what the database keeps)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def status(link: ShareLink, now: datetime | None = None) -> str:
    """Return "revoked", "expired" or "active"."""
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= (now or models.utcnow()):
        return "expired"
    return "active"


def share_to_dict(link: ShareLink, now: datetime | None = None) -> dict:
    """Serialise a share link through an allowlist (never the token or its hash)."""
    return {
        "id": link.id,
        "label": link.label,
        "from": iso(link.start_date),
        "to": iso(link.end_date),
        "include_reflections": link.include_reflections,
        "include_safety_plan": link.include_safety_plan,
        "created_at": iso(link.created_at),
        "expires_at": iso(link.expires_at),
        "revoked_at": iso(link.revoked_at),
        "last_opened_at": iso(link.last_opened_at),
        "open_count": link.open_count,
        "status": status(link, now),
    }


def link_range(values: dict, errors: dict, today: date) -> tuple[date | None, date | None]:
    """Return a link's dates: to defaults to today and from to 90 days before; from <= to."""
    end = values["to"] or (None if "to" in errors else today)
    start = values["from"]
    if start is None and end is not None and "from" not in errors:
        start = end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if start is not None and end is not None and start > end:
        errors["from"] = "The start date is after the end date."
    return start, end


def clean_share(user: User, data: dict) -> dict:
    """Validate a new link's range, expiry and reflections switch; raise Invalid naming each."""
    # A blank form field or JSON null is 'not given': the declared default applies.
    given = {key: value for key, value in data.items() if value not in ("", None)}
    errors: dict[str, str] = {}
    values = SHARE.clean(given, errors)
    start, end = link_range(values, errors, user_today(user))
    if errors:
        raise Invalid(SHARE.message, errors)
    return {
        "start_date": start,
        "end_date": end,
        "days": values["expires_in_days"],
        "include_reflections": values["include_reflections"],
        "include_safety_plan": values["include_safety_plan"],
        "label": values["label"],
    }


def create_share(user: User, data: dict, now: datetime | None = None) -> tuple[ShareLink, str]:
    """Create a link; return it and its token, which is never stored or shown again."""
    clean = clean_share(user, data)
    now = now or models.utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        user_id=user.id,
        token_hash=hash_token(token),
        start_date=clean["start_date"],
        end_date=clean["end_date"],
        include_reflections=clean["include_reflections"],
        include_safety_plan=clean["include_safety_plan"],
        label=clean["label"],
        created_at=now,
        expires_at=now + timedelta(days=clean["days"]),
        open_count=0,
    )
    db.session.add(link)
    db.session.flush()  # the caller logs the new link's id
    return link, token


SHARE_ORDER = (ShareLink.created_at, ShareLink.id)


def list_shares(
    user: User, limit: int | None = None, after: tuple | None = None
) -> list[ShareLink]:
    """Return the user's links, newest first; `after` is a paging cursor's sort key."""
    query = select(ShareLink).where(ShareLink.user_id == user.id)
    if after is not None:
        query = query.where(paging.after(SHARE_ORDER, after, descending=True))
    order = tuple(column.desc() for column in SHARE_ORDER)
    return list(db.session.scalars(query.order_by(*order).limit(limit)))


def get_share(user: User, share_id: object) -> ShareLink:
    """Return the user's link by id, or raise NotFound (another user's link too)."""
    try:
        number = int(str(share_id))
    except ValueError:
        raise NotFound("No such share link.") from None
    query = select(ShareLink).where(ShareLink.id == number, ShareLink.user_id == user.id)
    link = db.session.scalars(query).one_or_none()
    if link is None:
        raise NotFound("No such share link.")
    return link


def revoke_share(user: User, share_id: object, now: datetime | None = None) -> ShareLink:
    """Revoke the user's link at once; revoking twice keeps the first time."""
    link = get_share(user, share_id)
    if link.revoked_at is None:
        link.revoked_at = now or models.utcnow()
    return link


def find_active(token: str, now: datetime | None = None) -> ShareLink:
    """Return the active link this token opens, or raise NotFound."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        raise NotFound(NOT_FOUND)
    digest = hash_token(token)
    link = db.session.scalars(select(ShareLink).where(ShareLink.token_hash == digest)).first()
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        raise NotFound(NOT_FOUND)
    if status(link, now) != "active":
        raise NotFound(NOT_FOUND)
    return link


def open_share(token: str, now: datetime | None = None) -> ShareLink:
    """Return the active link for a token and log the opening (its time, nothing else)."""
    now = now or models.utcnow()
    link = find_active(token, now)
    db.session.add(ShareOpen(share_id=link.id, opened_at=now))
    # Counted in SQL so two therapists opening at once both count.
    link.open_count = ShareLink.open_count + 1
    link.last_opened_at = now
    db.session.flush()  # the count is SQL: read back the stored number, not the expression
    return link


def owner(link: ShareLink) -> User:
    """Return the user who made the link."""
    return db.session.get(User, link.user_id)
