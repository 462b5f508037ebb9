"""Make and restore backups of the configured database (see the package docstring)."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine

from ..errors import Invalid
from ..extensions import db
from . import logical

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def kind_of(path: str) -> str:
    """Return the format of a backup file by its first bytes: sqlite, pg_dump or logical."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise Invalid(f"Cannot read {path}: {exc.strerror}.", {"path": "Unreadable."}) from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    if head.startswith(logical.MAGIC):
        return "logical"
    raise Invalid("This is not a Mood Journal backup.", {"path": "Unknown format."})


def libpq(url: URL) -> tuple[str, dict]:
    """Return a libpq connection string without the password, and the environment that has it."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def create_private(path: Path) -> None:
    """Create an empty file only its owner can read or write: 0600 before any row is in it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def replace(partial: Path, path: Path) -> None:
    """Move a finished backup into place in one step, so a reader never sees half a file."""
    os.replace(partial, path)


def backup_sqlite(engine: Engine, partial: Path) -> None:
    """Copy a live SQLite database with the online backup API (WAL pages included)."""
    source = engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            # pages=-1: the whole database in one step, so the copy is one consistent snapshot.
            source.driver_connection.backup(target, pages=-1)
        finally:
            target.close()
    finally:
        source.close()


def backup_logical(engine: Engine, partial: Path) -> None:
    """Write every table of the metadata, read in one snapshot."""
    if engine.dialect.name == "sqlite":
        # SQLite reads are not one snapshot without an explicit read transaction; a backup-API
        # copy is, so export from that copy.
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.sqlite"
            backup_sqlite(engine, copy)
            snapshot = create_engine(f"sqlite:///{copy}")
            try:
                with snapshot.connect() as connection:
                    logical.write(str(partial), connection, db.metadata)
            finally:
                snapshot.dispose()
        return
    options = {"isolation_level": "REPEATABLE READ"}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        logical.write(str(partial), connection, db.metadata)


def backup_pg_dump(engine: Engine, partial: Path) -> None:
    """Dump PostgreSQL with pg_dump's custom format (its own consistent snapshot)."""
    dsn, env = libpq(engine.url)
    command = [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        "--file",
        str(partial),
    ]
    result = subprocess.run([*command, dsn], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Invalid(f"pg_dump failed: {result.stderr.strip()}", {"pg_dump": result.stderr})


def write_backup(engine: Engine, partial: Path, force_logical: bool) -> str:
    """Write the backup into the (existing, private) partial file; return the format written."""
    if engine.dialect.name == "sqlite" and not force_logical:
        backup_sqlite(engine, partial)
        return "sqlite"
    if engine.dialect.name == "postgresql" and not force_logical and shutil.which("pg_dump"):
        backup_pg_dump(engine, partial)
        return "pg_dump"
    backup_logical(engine, partial)
    return "logical"


def backup(path: str, force_logical: bool = False) -> str:
    """Back up the configured database to path; return the format written.

    The file is written as PATH.partial and moved into place when complete; on any failure the
    partial file is removed and the error raised, so PATH is either a whole backup or untouched.
    """
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Each writer below overwrites this file in place (SQLite, pg_dump and gzip open it without
    # O_CREAT's mode), so the backup is never readable by others, not even for a moment.
    create_private(partial)
    try:
        kind = write_backup(db.engine, partial, force_logical)
        replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return kind


def check_sqlite_file(path: str) -> None:
    """Refuse a SQLite file that is damaged or is not this app's database."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        status = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()
    if status != "ok":
        raise Invalid(f"The backup is damaged: {status}.", {"path": "integrity_check failed."})
    if "users" not in tables:
        raise Invalid("This SQLite file is not a Mood Journal database.", {"path": "No users."})


def restore_sqlite(engine: Engine, path: str) -> None:
    """Overwrite the SQLite database with the backup, page by page, through the backup API."""
    check_sqlite_file(path)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = engine.raw_connection()
    try:
        source.backup(target.driver_connection, pages=-1)
    finally:
        target.close()
        source.close()


def restore_pg_dump(engine: Engine, path: str) -> None:
    """Replace the PostgreSQL database's objects with the dump's, in one transaction."""
    if not shutil.which("pg_restore"):
        raise Invalid("pg_restore is not on PATH.", {"pg_restore": "Missing."})
    dsn, env = libpq(engine.url)
    command = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        dsn,
        path,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Invalid(f"pg_restore failed: {result.stderr.strip()}", {"pg_restore": result.stderr})


def restore(path: str) -> str:
    """Replace the configured database's contents with a backup's; return its format."""
    kind = kind_of(path)
    engine = db.engine
    # No pooled connection may hold a lock or a stale view of the tables being replaced.
    db.session.remove()
    engine.dispose()
    if kind == "sqlite":
        if engine.dialect.name != "sqlite":
            raise Invalid("A SQLite backup restores only into SQLite.", {"path": "SQLite file."})
        restore_sqlite(engine, path)
    elif kind == "pg_dump":
        if engine.dialect.name != "postgresql":
            raise Invalid("A pg_dump backup restores only into PostgreSQL.", {"path": "pg_dump."})
        restore_pg_dump(engine, path)
    else:
        with engine.begin() as connection:
            logical.restore(path, connection, db.metadata)
    engine.dispose()
    return kind
