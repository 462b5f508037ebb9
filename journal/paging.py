"""Keyset paging for every list the API returns: a limit, and an opaque signed cursor.

A cursor holds the sort key of the last row a page returned (the list's own order plus the row
id as a unique tie-breaker), so the next page starts strictly after it. Unlike an offset, rows
written or deleted elsewhere in the list while a client walks it never shift a page: no row that
was there when the walk began is skipped or returned twice. The cursor is signed with the app's
secret key, so a client can neither forge one nor point one list's cursor at another list; a
cursor that does not verify or does not fit the list is a 422, never a 500.
"""

from collections.abc import Callable
from datetime import date, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import literal, tuple_

from .errors import Invalid

DEFAULT_LIMIT = 200
MAX_LIMIT = 1000
SALT = "journal.list-cursor"
BAD_CURSOR = {"cursor": "Not a cursor from this list; start again without one."}


def serializer() -> URLSafeSerializer:
    """Return the signer for cursors (the app's secret key, a salt of its own)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def encode_value(value: object) -> object:
    """Return a sort-key value as JSON."""
    if isinstance(value, date):  # datetimes too (a datetime is a date)
        return value.isoformat()
    return value


def decode_value(raw: object, column) -> object:
    """Return a JSON value as the column's Python type, or raise ValueError."""
    # A TypeDecorator (UTCDateTime) reports `object`: ask the type it wraps.
    kind = getattr(column.type, "impl", column.type).python_type
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(raw)
        return raw
    if not isinstance(raw, str):
        raise ValueError(raw)
    if kind is datetime:
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:  # the column type refuses naive datetimes
            raise ValueError(raw)
        return value
    if kind is date:
        return date.fromisoformat(raw)
    return raw


def encode(name: str, row, order: tuple) -> str:
    """Return the cursor that continues list `name` after `row`."""
    key = [encode_value(getattr(row, column.key)) for column in order]
    return serializer().dumps({"list": name, "key": key})


def decode(name: str, cursor: str, order: tuple) -> tuple:
    """Return the sort key a cursor holds, or raise Invalid if it is not one of this list's."""
    try:
        payload = serializer().loads(cursor)
        if not isinstance(payload, dict) or payload.get("list") != name:
            raise ValueError(payload)
        raw = payload.get("key")
        if not isinstance(raw, list) or len(raw) != len(order):
            raise ValueError(raw)
        return tuple(decode_value(value, column) for value, column in zip(raw, order, strict=True))
    except (BadSignature, ValueError, TypeError):
        raise Invalid("Some fields need attention.", BAD_CURSOR) from None


def after(order: tuple, key: tuple, descending: bool = False):
    """Return the condition "strictly after this key" in the list's order (a row-value compare)."""
    columns = tuple_(*order)
    pairs = zip(key, order, strict=True)
    values = tuple_(*(literal(value, column.type) for value, column in pairs))
    return columns < values if descending else columns > values


def page(rows: list, limit: int, name: str, order: tuple) -> dict:
    """Return the API's list shape from up to limit + 1 rows: the items and the next cursor."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next": encode(name, rows[-1], order) if more else None}


def respond(name: str, order: tuple, query: dict, fetch: Callable, describe: Callable) -> dict:
    """Answer one page of list `name`: fetch(limit, after) reads rows, describe(row) shows one."""
    key = decode(name, query["cursor"], order) if query["cursor"] else None
    result = page(fetch(query["limit"] + 1, key), query["limit"], name, order)
    return {**result, "items": [describe(row) for row in result["items"]]}
