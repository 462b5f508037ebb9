"""Checks every field type shares: the date window, storable text, whole numbers."""

import re
import unicodedata
from datetime import date, timedelta

EARLIEST = date(1900, 1, 1)
# How far ahead a date may lie: a planned session, a clock set wrong; never year 9999.
AHEAD = timedelta(days=366)
# NUL breaks PostgreSQL text and lone surrogates cannot be encoded as UTF-8 anywhere
# (database, CSV, JSON export): refused on the way in so stored text always encodes.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def latest_date() -> date:
    """Return the last date any record or query may name (a year ahead of today)."""
    return date.today() + AHEAD


def date_problem(value: date) -> str | None:
    """Say why a date lies outside the window every record and query uses, or None."""
    if value < EARLIEST:
        return "A date cannot be before 1900."
    if value > latest_date():
        return "A date cannot be more than a year ahead."
    return None


def text_problem(value: str) -> str | None:
    """Say why text cannot be stored (a NUL byte or a lone surrogate), or None."""
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Text cannot contain a NUL character."
    return "Text contains an invalid character (a lone surrogate)."


def clean_text(value: str, path: str, errors: dict) -> str | None:
    """Return text normalised to NFC, or note under `path` why it cannot be stored."""
    if problem := text_problem(value):
        errors[path] = problem
        return None
    # NFC so that the same words typed on two keyboards compare, de-duplicate and count alike.
    return unicodedata.normalize("NFC", value)


def is_int(value: object) -> bool:
    """Tell whether a value is a whole number (JSON true/false are not)."""
    return isinstance(value, int) and not isinstance(value, bool)
