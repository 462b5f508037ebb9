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
from datetime import datetime, timedelta

from sqlalchemy import select

from .. import models, paging
from ..errors import Invalid, NotFound
from ..extensions import db
from ..fields import clean_text
from ..models import ShareLink, ShareOpen, User
from ..records import iso, parse_date, user_today

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
EXPIRES_DEFAULT, EXPIRES_MIN, EXPIRES_MAX = 14, 1, 90
DEFAULT_RANGE_DAYS = 90
LABEL_MAX = 80
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


def expiry_days(value: object) -> int:
    """Return the number of days a link lives (1-90, default 14), or raise Invalid."""
    if value is None or value == "":
        return EXPIRES_DEFAULT
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("Some fields need attention.", {"expires_in_days": "A whole number."})
    if not EXPIRES_MIN <= value <= EXPIRES_MAX:
        message = f"From {EXPIRES_MIN} to {EXPIRES_MAX} days."
        raise Invalid("Some fields need attention.", {"expires_in_days": message})
    return value


def clean_share(user: User, data: dict) -> dict:
    """Validate a new link's range, expiry and reflections switch; raise Invalid naming each."""
    errors: dict[str, str] = {}
    today = user_today(user)
    end = start = None
    try:
        end = parse_date(data["to"], "to") if data.get("to") else today
    except Invalid as exc:
        errors.update(exc.fields)
    try:
        if data.get("from"):
            start = parse_date(data["from"], "from")
        elif end is not None:
            start = end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    except Invalid as exc:
        errors.update(exc.fields)
    if start is not None and end is not None and start > end:
        errors["from"] = "The start date is after the end date."
    try:
        days = expiry_days(data.get("expires_in_days"))
    except Invalid as exc:
        errors.update(exc.fields)
    include = data.get("include_reflections", False)
    if not isinstance(include, bool):
        errors["include_reflections"] = "Must be true or false."
    include_plan = data.get("include_safety_plan", False)
    if not isinstance(include_plan, bool):
        errors["include_safety_plan"] = "Must be true or false."
    label = data.get("label")
    if label is not None and not isinstance(label, str):
        errors["label"] = "A label is text."
    else:
        label = " ".join((clean_text(label or "", "label", errors) or "").split()) or None
        if label and len(label) > LABEL_MAX:
            errors["label"] = f"Use at most {LABEL_MAX} characters."
    if errors:
        raise Invalid("Some fields need attention.", errors)
    return {
        "start_date": start,
        "end_date": end,
        "days": days,
        "include_reflections": include,
        "include_safety_plan": include_plan,
        "label": label,
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
    db.session.commit()
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
        db.session.commit()
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
    db.session.commit()
    return link


def owner(link: ShareLink) -> User:
    """Return the user who made the link."""
    return db.session.get(User, link.user_id)
