"""The logical backup: every row of every table in the metadata, as gzipped JSON lines.

Line 1 is a header (format, version, dialect, schema revision, each table's columns); then one
line per row, `[table, [values in column order]]`, tables in dependency order so a restore can
insert them as they come.
"""

import gzip
import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import JSON, Connection, MetaData, Table, inspect, select, text

from ..errors import Invalid
from ..models import utcnow

FORMAT = "mood-journal-backup"
VERSION = 1
MAGIC = b"\x1f\x8b"  # gzip
BATCH = 1000


def python_type(column) -> type:
    """Return the Python type a column holds (a TypeDecorator answers for the type it wraps)."""
    kind = column.type
    if isinstance(kind, JSON):
        return object
    try:
        return getattr(kind, "impl", kind).python_type
    except NotImplementedError:
        return object


def encode(value: object) -> object:
    """Return a column value as JSON."""
    if isinstance(value, date | uuid.UUID):  # date includes datetime
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def decoder(column):
    """Return the function that turns a JSON value back into the column's Python value."""
    kind = python_type(column)
    parse = {
        datetime: datetime.fromisoformat,
        date: date.fromisoformat,
        uuid.UUID: uuid.UUID,
    }.get(kind)
    if parse is None:
        return lambda value: value
    return lambda value: None if value is None else parse(value)


def schema_revision(connection: Connection) -> str | None:
    """Return the Alembic revision the database is at, or None when it has no version table."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def lines(connection: Connection, metadata: MetaData) -> Iterator[str]:
    """Yield the backup's lines, reading every table through one connection (one snapshot)."""
    tables = metadata.sorted_tables
    header = {
        "format": FORMAT,
        "version": VERSION,
        "dialect": connection.dialect.name,
        "schema_revision": schema_revision(connection),
        "created_at": utcnow().isoformat(),
        "tables": {table.name: [column.name for column in table.columns] for table in tables},
    }
    yield json.dumps(header)
    for table in tables:
        order = list(table.primary_key.columns) or list(table.columns)
        for row in connection.execute(select(table).order_by(*order)):
            yield json.dumps([table.name, [encode(value) for value in row]], ensure_ascii=False)


def write(path: str, connection: Connection, metadata: MetaData) -> None:
    """Write a logical backup of the database to path."""
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for line in lines(connection, metadata):
            out.write(line + "\n")


def read_header(handle) -> dict:
    """Return the header of an open backup, or raise Invalid."""
    try:
        header = json.loads(handle.readline())
    except (ValueError, OSError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Invalid("This is not a Mood Journal backup.", {"path": "Not a backup."})
    if header.get("version") != VERSION:
        raise Invalid("Unsupported backup version.", {"path": f"Expected {VERSION}."})
    return header


def check_schema(header: dict, connection: Connection, metadata: MetaData) -> None:
    """Refuse a backup whose tables or schema revision do not match this database's."""
    here = schema_revision(connection)
    there = header.get("schema_revision")
    if here and there and here != there:
        message = f"The backup is at schema {there}, this database at {here}: migrate first."
        raise Invalid(message, {"schema_revision": there})
    for name, columns in header["tables"].items():
        table = metadata.tables.get(name)
        if table is None or [column.name for column in table.columns] != columns:
            raise Invalid(f"Table {name} differs from this version's.", {"tables": name})


def flush(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert a batch of rows."""
    if rows:
        connection.execute(table.insert(), rows)
        rows.clear()


def reset_sequences(connection: Connection, metadata: MetaData) -> None:
    """Move PostgreSQL's id sequences past the restored ids, so new rows do not collide."""
    if connection.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        column = table.columns.get("id")
        # Only integer ids have a sequence (user_keys, for one, is keyed by its key id text).
        if column is None or not column.primary_key or column.type.python_type is not int:
            continue
        name = table.name
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{name}"'
            )
        )


def restore(path: str, connection: Connection, metadata: MetaData) -> dict[str, int]:
    """Replace every table's rows with the backup's, in the caller's transaction; return counts."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header = read_header(handle)
        check_schema(header, connection, metadata)
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
        decoders = {
            name: [decoder(metadata.tables[name].columns[c]) for c in columns]
            for name, columns in header["tables"].items()
        }
        counts = dict.fromkeys(header["tables"], 0)
        current, pending = None, []
        for line in handle:
            name, values = json.loads(line)
            if name != current:
                if current is not None:
                    flush(connection, metadata.tables[current], pending)
                current = name
            columns = header["tables"][name]
            pending.append(
                {c: parse(v) for c, parse, v in zip(columns, decoders[name], values, strict=True)}
            )
            counts[name] += 1
            if len(pending) >= BATCH:
                flush(connection, metadata.tables[name], pending)
        if current is not None:
            flush(connection, metadata.tables[current], pending)
    reset_sequences(connection, metadata)
    return counts
