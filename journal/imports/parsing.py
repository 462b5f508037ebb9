"""Which format a file is, and parsing it: bytes in, entries (or our JSON document) out.

Pure code: no Flask, no database.
"""

import json

from ..errors import Invalid
from . import daylio_backup, daylio_csv, spreadsheet
from .entries import SOURCES, Parsed
from .text import decode, header_index, rows

JSON_FORMAT = "mood-journal-export"
ZIP_MAGIC = b"PK\x03\x04"


def detect(data: bytes) -> str:
    """Return the source a file looks like, or raise Invalid when it is none of them."""
    if data.startswith(ZIP_MAGIC):
        return "daylio-backup"
    text = decode(data)
    if text.lstrip().startswith("{"):
        return "mood-journal-json"
    header = next(rows(text), None)
    names = header_index(header[1]) if header else {}
    if daylio_csv.is_daylio_header(names):
        return "daylio-csv"
    if "date" in names:
        return "csv"
    raise Invalid(
        "This file is not one this journal can import: a Daylio CSV or backup, a CSV with a date "
        "column, or a Mood Journal JSON export.",
        {"file": "Unknown kind of file."},
    )


def check_source(source: object) -> str | None:
    """Return a named source, None for 'detect it', or raise Invalid naming `source`."""
    if source in (None, ""):
        return None
    if source not in SOURCES:
        message = "Choose one of: " + ", ".join(SOURCES) + "."
        raise Invalid(f"Unknown source. {message}", {"source": message})
    return source


def parse(data: bytes, source: str | None) -> tuple[str, Parsed | dict]:
    """Return (source, entries) or, for our own export, (source, the JSON document)."""
    if not data:
        raise Invalid("The file is empty.", {"file": "Empty file."})
    source = source or detect(data)
    if source == "daylio-backup":
        if not data.startswith(ZIP_MAGIC):
            raise Invalid("A Daylio backup is a zip file.", {"file": "Not a zip file."})
        return source, daylio_backup.parse(data)
    if data.startswith(ZIP_MAGIC):
        raise Invalid(f"This is a zip file, not {source}.", {"file": "A zip file."})
    text = decode(data)
    if source == "mood-journal-json":
        return source, json_document(text)
    if source == "daylio-csv":
        return source, daylio_csv.parse(text)
    return source, spreadsheet.parse(text)


def json_document(text: str) -> dict:
    """Return our own export's document, or raise Invalid."""
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):
        raise Invalid("This is not a JSON file.", {"file": "Not JSON."}) from None
    if not isinstance(found, dict) or found.get("format") != JSON_FORMAT:
        message = f"Expected {JSON_FORMAT!r}."
        raise Invalid("This JSON is not a Mood Journal export.", {"format": message})
    return found
