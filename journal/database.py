"""Database connection settings that SQLAlchemy leaves to us."""

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from .extensions import db

# SQLite has one writer at a time. gunicorn's threaded workers run many requests per process,
# and a thread holding the write lock may wait for its process's GIL behind the others: under
# 50 users (bench/load.py) writers waited more than Python's default 5 s and failed with
# "database is locked". They wait longer instead of failing.
BUSY_TIMEOUT_MS = 30_000


def set_sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on foreign keys, WAL, (in WAL mode) synchronous=NORMAL and a 30 s busy timeout."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # WAL lets the page read while a sync writes; it is a no-op for in-memory databases.
    mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() == "wal":
        # In WAL mode NORMAL writes each commit to the WAL file before COMMIT returns and fsyncs
        # only at checkpoints: a killed process (kill -9) loses nothing, because the bytes are
        # in the OS; only an OS crash or power loss can lose the last commits (never corrupts).
        # FULL would fsync the WAL on every commit, which is most of an upsert's time.
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Install the SQLite pragmas and write tracking once per process; commit per request."""
    if not event.contains(Engine, "connect", sqlite_connect_listener):
        event.listen(Engine, "connect", sqlite_connect_listener)
    track_writes()
    app.after_request(commit_or_roll_back)


def sqlite_connect_listener(dbapi_connection, record) -> None:
    """Apply the pragmas to SQLite connections only (one process may also hold others)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        set_sqlite_pragmas(dbapi_connection, record)


# One unit of work per request, command and job: services only add, change and flush; the
# request's end commits it all, or rolls it all back (a CLI command commits at its end; a job
# commits step by step). The few writes that must stand on their own (a throttle counter, the
# log of a failed sign-in, a job claim) are named in journal/autonomous.py.
WROTE = "journal.wrote"


def commit_or_roll_back(response: Response) -> Response:
    """Commit the request's work when it succeeded (below 400); roll it back otherwise."""
    if response.status_code < 400:
        session = db.session()
        # The request is done with its rows; a streamed body may still read them after the
        # session is gone, so they keep what they hold instead of expiring.
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    else:
        db.session.rollback()
    return response


def has_writes(session: Session) -> bool:
    """Tell whether the session's open transaction has written, or holds changes to flush."""
    if session.info.get(WROTE) or session.new or session.deleted:
        return True
    return any(session.is_modified(row) for row in session.dirty)


def end_read() -> None:
    """End a read-only transaction early (before a long wait); refuse to drop any writes."""
    if has_writes(db.session):
        raise RuntimeError("end_read() would throw away this unit of work's writes")
    db.session.rollback()


def note_orm_write(state: ORMExecuteState) -> None:
    """Remember that an INSERT, UPDATE or DELETE ran in the session's transaction."""
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def note_flush(session: Session, _context) -> None:
    """Remember that a flush wrote rows in the session's transaction."""
    session.info[WROTE] = True


def forget_writes(session: Session, transaction: SessionTransaction) -> None:
    """Start afresh when the outermost transaction ends (committed or rolled back)."""
    if transaction.parent is None:
        session.info.pop(WROTE, None)


ON_COMMIT = "journal.on_commit"


def on_commit(action) -> None:
    """Run action() once this unit of work commits, and never if it rolls back."""
    # An e-mail that names a new token must not leave before the token is stored: if the
    # request's commit fails, the link would point at nothing.
    db.session().info.setdefault(ON_COMMIT, []).append(action)


def run_on_commit(session: Session) -> None:
    """Run what waited for this commit."""
    for action in session.info.pop(ON_COMMIT, []):
        action()


def drop_on_rollback(session: Session, transaction: SessionTransaction) -> None:
    """Forget what waited for a commit that will not come (the outermost transaction)."""
    if transaction.parent is None:
        session.info.pop(ON_COMMIT, None)


def track_writes() -> None:
    """Listen for writes and commits on every session, once per process."""
    for name, listener in (
        ("do_orm_execute", note_orm_write),
        ("after_flush", note_flush),
        ("after_transaction_end", forget_writes),
        ("after_commit", run_on_commit),
        ("after_soft_rollback", drop_on_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
