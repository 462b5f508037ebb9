"""Database connection settings that SQLAlchemy leaves to us."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

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
    """Install the SQLite pragmas once per process (the listener skips other drivers)."""
    if not event.contains(Engine, "connect", sqlite_connect_listener):
        event.listen(Engine, "connect", sqlite_connect_listener)


def sqlite_connect_listener(dbapi_connection, record) -> None:
    """Apply the pragmas to SQLite connections only (one process may also hold others)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        set_sqlite_pragmas(dbapi_connection, record)
