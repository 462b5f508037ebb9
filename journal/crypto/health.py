"""The check that the configured master keys open the stored data keys, and what runs it.

create_app does no database work, so the check runs where serving starts: in each gunicorn
worker before it takes a request (gunicorn.conf.py; a failure stops gunicorn with the message),
and lazily before the first request of any other server. Until it passes, every request but
/healthz and static files is a 503. /healthz runs it every time. A master key that goes missing
under a running server (an unwrap meets an unknown id even after re-reading the key file)
clears the pass, so the next request checks again. `flask` commands never run it: `flask db
upgrade` and `flask rotate-keys` must work while the keys are being put right.
"""

import logging

from flask import Flask, abort, request
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.exceptions import ServiceUnavailable

from ..errors import handle_http_exception
from ..extensions import db
from .cipher import MasterKeyUnavailable, Undecryptable
from .keyring import Keyring, UserKey, keyring
from .masters import MasterKeyError

log = logging.getLogger("journal.crypto")

PUBLIC_MESSAGE = "The journal cannot open its encryption keys. Please try again later."
HELP = (
    "Set JOURNAL_MASTER_KEY, or restore the key file instance/master_key, to the key(s) this "
    "database was encrypted with (from your key backup); README, 'Encryption at rest'."
)
# Requests that never read encrypted data, so they are answered while the keys are wrong.
EXEMPT = {"pages.healthz", "static"}


def key_problem(session: Session, ring: Keyring) -> str | None:
    """Say why the master keys cannot open the stored data keys, or None when they can."""
    try:
        with session.no_autoflush:
            masters, _current = ring.masters(session)
            # One data key per master key that wrapped any: the table has a row per user.
            samples = session.execute(
                select(UserKey.master_id, func.count(), func.min(UserKey.id)).group_by(
                    UserKey.master_id
                )
            ).all()
    except MasterKeyError as exc:
        return f"{exc} {HELP}"
    for master, count, key_id in samples:
        if master not in masters:
            masters, _current = ring.masters(session)  # maybe rotated a moment ago
        if master not in masters:
            return (
                f"{count} data keys are wrapped by master key {master}, which is not among the "
                f"keys in {ring.source.describe()} ({', '.join(sorted(masters))}). {HELP}"
            )
        try:
            ring.unwrap(session.get(UserKey, key_id), session)
        except Undecryptable as exc:
            return f"Master key {master} does not open data key {key_id} ({exc}). {HELP}"
    return None


def verify(app: Flask) -> None:
    """Raise MasterKeyError if the app's master keys cannot open its data (serving start-up)."""
    with app.app_context():
        try:
            problem = key_problem(db.session, keyring())
        except SQLAlchemyError as exc:
            # No database yet is no reason to refuse: the check runs again at the first request.
            log.warning("master key check postponed, the database did not answer: %s", exc)
            return
        finally:
            db.session.remove()
        if problem:
            raise MasterKeyError(f"Refusing to serve: {problem}")
        keyring().verified = True


def check_now(session: Session, ring: Keyring) -> str | None:
    """Run the check, remember a pass, and log a failure; return the problem or None."""
    problem = key_problem(session, ring)
    if problem:
        ring.verified = False
        log.error("Refusing to serve: %s", problem)
    else:
        ring.verified = True
    return problem


def guard() -> None:
    """Answer 503 to every request until the master keys are known to open the data."""
    ring = keyring()
    if ring.verified or request.endpoint in EXEMPT:
        return
    try:
        problem = check_now(db.session, ring)
    except SQLAlchemyError:
        # A database fault is the view's to report (and /healthz's); roll back and carry on.
        db.session.rollback()
        log.exception("master key check failed on a database error")
        return
    if problem:
        abort(503, description=PUBLIC_MESSAGE)


def refuse(error: Exception):
    """Answer a request that met an unknown master key with a 503, and log why."""
    log.error("Refusing to serve: %s. %s", error, HELP)
    keyring().verified = False
    db.session.rollback()
    return handle_http_exception(ServiceUnavailable(PUBLIC_MESSAGE))


def init_app(app: Flask) -> None:
    """Check the keys before requests, and turn a missing master key into a 503."""
    app.before_request(guard)
    app.register_error_handler(MasterKeyError, refuse)
    app.register_error_handler(MasterKeyUnavailable, refuse)
