"""The logical backup: every row of every table in the metadata, as gzipped JSON lines.

Line 1 is a header (format, version, dialect, schema revision, each table's columns); then one
line per row, `[table, [values in column order]]`, tables in dependency order so a restore can
insert them as they come.
"""

import base64
import copy
import enum
import gzip
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import JSON, Column, Connection, MetaData, Table, bindparam, inspect, select, text

from ..errors import Invalid
from ..models import utcnow

FORMAT = "mood-journal-backup"
VERSION = 1
MAGIC = b"\x1f\x8b"  # gzip
BATCH = 1000
PLAIN = (str, int, float)  # bool is an int; these are JSON as they are


def dump_bytes(value: bytes | memoryview) -> str:
    """Return binary data as base64 text."""
    return base64.b64encode(bytes(value)).decode("ascii")


def dump_interval(value: timedelta) -> list[int]:
    """Return a timedelta exactly, as [days, seconds, microseconds]."""
    return [value.days, value.seconds, value.microseconds]


# Each non-JSON Python type a column can hold: (type, to JSON, back from JSON). datetime comes
# before date, which it subclasses.
CODECS: list[tuple[type, Callable, Callable]] = [
    (datetime, datetime.isoformat, datetime.fromisoformat),
    (date, date.isoformat, date.fromisoformat),
    (time, time.isoformat, time.fromisoformat),
    (timedelta, dump_interval, lambda parts: timedelta(*parts)),
    (uuid.UUID, str, uuid.UUID),
    (Decimal, str, Decimal),
    (bytes, dump_bytes, base64.b64decode),
    (memoryview, dump_bytes, base64.b64decode),
]


def python_type(column: Column) -> type:
    """Return the Python type a column holds (a TypeDecorator answers for the type it wraps)."""
    kind = column.type
    if isinstance(kind, JSON):
        return object
    # A TypeDecorator's own answer first (Interval decorates DateTime but holds timedelta), its
    # impl's when it has none (a plain decorator such as UTCDateTime answers `object`).
    for candidate in (kind, getattr(kind, "impl", kind)):
        try:
            answer = candidate.python_type
        except NotImplementedError:
            continue
        if answer is not object:
            return answer
    return object


def encode(value: object) -> object:
    """Return a non-JSON column's value as JSON, or raise TypeError for a type it cannot hold."""
    if value is None or isinstance(value, PLAIN):
        return value.name if isinstance(value, enum.Enum) else value
    for kind, dump, _ in CODECS:
        if isinstance(value, kind):
            return dump(value)
    if isinstance(value, enum.Enum):
        return value.name
    raise TypeError(type(value).__name__)


def encoders(table: Table) -> list[Callable]:
    """Return, in column order, the function that writes each column's value as JSON."""
    return [
        (lambda value: value) if isinstance(column.type, JSON) else encode
        for column in table.columns
    ]


def decoder(column: Column) -> Callable:
    """Return the function that turns a JSON value back into the column's Python value."""
    kind = python_type(column)
    parse = next((load for codec, _, load in CODECS if codec is kind), None)
    if parse is None and isinstance(kind, type) and issubclass(kind, enum.Enum):
        parse = kind.__getitem__
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
        dumps = encoders(table)
        for row in connection.execute(select(table).order_by(*order)):
            yield json.dumps([table.name, encode_row(table, dumps, row)], ensure_ascii=False)


def encode_row(table: Table, dumps: list[Callable], row) -> list:
    """Return one row's values as JSON, or raise Invalid naming the column that cannot be."""
    values = []
    for column, dump, value in zip(table.columns, dumps, row, strict=True):
        try:
            values.append(dump(value))
        except TypeError as exc:
            message = f"{table.name}.{column.name} holds a {exc} value the backup cannot write."
            raise Invalid(message, {"column": f"{table.name}.{column.name}"}) from None
    return values


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


def inserter(table: Table):
    """Return the table's INSERT, with nullable JSON columns taking None as SQL NULL."""
    # A JSON column binds None as the JSON value null by default; the backup read SQL NULL there
    # (JSON null never is written by the app), so it must go back as SQL NULL.
    values = {}
    for column in table.columns:
        if isinstance(column.type, JSON) and column.nullable:
            kind = copy.copy(column.type)
            kind.none_as_null = True
            values[column.name] = bindparam(json_key(column.name), type_=kind)
    return table.insert().values(values) if values else table.insert()


def json_key(name: str) -> str:
    """Return the parameter name a nullable JSON column is bound by (columns' own are reserved)."""
    return f"{name}__json"


def flush(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert a batch of rows."""
    if rows:
        connection.execute(inserter(table), rows)
        rows.clear()


def row_keys(table: Table, columns: list[str]) -> list[str]:
    """Return the parameter name of each of a table's columns in its INSERT (see inserter)."""
    special = {c.name for c in table.columns if isinstance(c.type, JSON) and c.nullable}
    return [json_key(name) if name in special else name for name in columns]


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
        keys = {
            name: row_keys(metadata.tables[name], columns)
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
            pending.append(
                {
                    k: parse(v)
                    for k, parse, v in zip(keys[name], decoders[name], values, strict=True)
                }
            )
            counts[name] += 1
            if len(pending) >= BATCH:
                flush(connection, metadata.tables[name], pending)
        if current is not None:
            flush(connection, metadata.tables[current], pending)
    reset_sequences(connection, metadata)
    return counts
