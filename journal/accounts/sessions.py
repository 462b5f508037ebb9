"""Server-side sign-in sessions: create, check on each request, list and end."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update

from .. import autonomous, paging
from ..errors import NotFound
from ..extensions import db
from ..models import User, UTCDateTime
from . import clock
from .models import LoginSession

# last_used_at is written at most this often, so reading pages stays one SELECT.
TOUCH_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest of a session or reset token."""
    return hashlib.sha256(token.encode()).hexdigest()


def device_name(user_agent: str | None) -> str:
    """Describe a device from its User-Agent ("Firefox on Android"), never storing the whole."""
    agent = user_agent or ""
    browser = next(
        (
            name
            for pattern, name in (
                (r"Edg/", "Edge"),
                (r"OPR/", "Opera"),
                (r"Firefox/|FxiOS/", "Firefox"),
                (r"Chrome/|CriOS/|Chromium/", "Chrome"),
                (r"Safari/", "Safari"),
            )
            if re.search(pattern, agent)
        ),
        "A browser",
    )
    system = next(
        (
            name
            for pattern, name in (
                (r"iPhone", "iPhone"),
                (r"iPad", "iPad"),
                (r"Android", "Android"),
                (r"Windows", "Windows"),
                (r"Mac OS X|Macintosh", "Mac"),
                (r"CrOS", "ChromeOS"),
                (r"Linux", "Linux"),
            )
            if re.search(pattern, agent)
        ),
        None,
    )
    return f"{browser} on {system}" if system else browser


def lifetimes(config, remember: bool) -> tuple[timedelta, timedelta]:
    """Return (idle, absolute) lifetimes for a kept or a one-visit sign-in."""
    if remember:
        return config["JOURNAL_REMEMBER_IDLE"], config["JOURNAL_REMEMBER_ABSOLUTE"]
    return config["JOURNAL_SESSION_IDLE"], config["JOURNAL_SESSION_ABSOLUTE"]


def create(config, user: User, remember: bool, user_agent: str | None) -> str:
    """Start a session for the user; return the random id the cookie carries."""
    token = secrets.token_urlsafe(32)  # 256 bits
    idle, absolute = lifetimes(config, remember)
    now = clock.now()
    # Sessions abandoned on other devices are cleared here, so the table holds live ones only.
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id,
            (LoginSession.expires_at <= now) | (LoginSession.idle_expires_at <= now),
        )
    )
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=token_hash(token),
            device=device_name(user_agent),
            remember=remember,
            created_at=now,
            last_used_at=now,
            idle_expires_at=now + idle,
            expires_at=now + absolute,
        )
    )
    return token


# Every signed-in request runs these: built once (with bind parameters), not per request, so a
# request skips rebuilding the SQL expression (a visible part of its time in the profile).
SESSION_AND_USER = (
    select(LoginSession, User)
    .join(User, User.id == LoginSession.user_id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
)
DROP_SESSION = delete(LoginSession.__table__).where(
    LoginSession.__table__.c.id == bindparam("session_id")
)
TOUCH_SESSION = (
    update(LoginSession.__table__)
    .where(LoginSession.__table__.c.id == bindparam("session_id"))
    .values(
        last_used_at=bindparam("now", type_=UTCDateTime),
        idle_expires_at=bindparam("idle_until", type_=UTCDateTime),
    )
)


def check(config, token: str | None, user_id: str) -> User | None:
    """Return the session's user when the session exists, matches and has not expired."""
    if not token or not user_id.isdigit():
        return None
    row = db.session.execute(SESSION_AND_USER, {"token_hash": token_hash(token)}).one_or_none()
    if row is None:
        return None
    login, user = row
    now = clock.now()
    if is_expired(login, now):
        with autonomous.alone_or_joined("session_touch"):
            db.session.execute(DROP_SESSION, {"session_id": login.id})
        return None
    if user.id != int(user_id):
        return None
    if now - login.last_used_at >= TOUCH_EVERY:
        idle, _absolute = lifetimes(config, login.remember)
        until = min(now + idle, login.expires_at)
        with autonomous.alone_or_joined("session_touch"):
            db.session.execute(
                TOUCH_SESSION, {"session_id": login.id, "now": now, "idle_until": until}
            )
    return user


def current_id(token: str | None) -> int | None:
    """Return the row id of the session a token belongs to."""
    if not token:
        return None
    query = select(LoginSession.id).where(LoginSession.token_hash == token_hash(token))
    return db.session.scalar(query)


def end(token: str | None) -> None:
    """End the session this token belongs to (signing out)."""
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def end_one(user: User, session_id: int) -> None:
    """End one of the user's sessions; another person's session is not found."""
    found = db.session.scalar(
        select(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user.id)
    )
    if found is None:
        raise NotFound("No such session.")
    db.session.delete(found)


def end_all(user: User, keep_token: str | None = None) -> int:
    """End every session of the user except the one holding keep_token; return how many."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_token:
        query = query.where(LoginSession.token_hash != token_hash(keep_token))
    count = db.session.execute(query).rowcount
    return count


# Newest sign-in first for the API's pages: last use changes, a paging key must not.
PAGE_ORDER = (LoginSession.id,)


def live(user: User, now: datetime):
    """Return the query for the user's sessions that have not expired."""
    return select(LoginSession).where(
        LoginSession.user_id == user.id,
        LoginSession.expires_at > now,
        LoginSession.idle_expires_at > now,
    )


def listing(user: User, current_token: str | None) -> list[dict]:
    """Return the user's live sessions, newest use first, marking the current one."""
    query = live(user, clock.now()).order_by(LoginSession.last_used_at.desc())
    return [session_dict(row, current_token) for row in db.session.scalars(query)]


def page_of(user: User, limit: int, after: tuple | None) -> list[LoginSession]:
    """Return up to `limit` live sessions, newest sign-in first, after a paging key if given."""
    query = live(user, clock.now())
    if after is not None:
        query = query.where(paging.after(PAGE_ORDER, after, descending=True))
    return list(db.session.scalars(query.order_by(LoginSession.id.desc()).limit(limit)))


def session_dict(row: LoginSession, current_token: str | None) -> dict:
    """Describe one signed-in device, marking the one holding current_token."""
    return {
        "id": row.id,
        "device": row.device,
        "created_at": row.created_at,
        "last_used_at": row.last_used_at,
        "expires_at": min(row.idle_expires_at, row.expires_at),
        "remember": row.remember,
        "current": bool(current_token) and row.token_hash == token_hash(current_token),
    }


def is_expired(login: LoginSession, now: datetime) -> bool:
    """Tell whether a session has passed its idle or absolute limit."""
    return now >= login.expires_at or now >= login.idle_expires_at
