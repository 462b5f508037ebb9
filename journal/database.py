"""Database connection settings that SQLAlchemy leaves to us."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def set_sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on foreign keys, WAL and (in WAL mode) synchronous=NORMAL per SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
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
