"""All of a user's data as a zip of CSV files, one per record type, written as it streams.

Each file is UTF-8 with a byte-order mark (so Excel reads accents and dashes correctly), has a
header row, ISO 8601 dates and times, `true`/`false` for switches, and empty cells for missing
values. Against spreadsheet formula injection (OWASP "CSV Injection"), a text cell that starts
with = + - @, a tab or a carriage return gets a leading single quote; so does one that already
starts with a quote, which makes the rule reversible: a reader drops one leading quote
(`read_cell`) and gets the text back exactly.
"""

import csv
import io
import zipfile
from collections.abc import Iterator

from ..instruments import INSTRUMENTS
from ..models import User
from ..reflections import rules as reflection_rules
from ..reflections.services import reflection_to_dict
from ..treatments import rules as treatment_rules
from ..treatments.services import treatment_to_dict
from . import json_export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
# One column per item of the longest instrument (PCL-5, 20); shorter ones leave the rest empty.
ITEMS = max(len(instrument.items) for instrument in INSTRUMENTS.values())
CLUSTERS = ("B", "C", "D", "E")
FLUSH_ROWS = 200

CHECKIN_COLUMNS = [
    "client_id",
    "instrument",
    "local_date",
    *(f"item_{n}" for n in range(1, ITEMS + 1)),
    "mood",
    "total",
    "band",
    "item9_positive",
    "percent",
    *(f"cluster_{key}" for key in CLUSTERS),
    "note",
    "revision",
    "created_at",
    "updated_at",
]
TREATMENT_COLUMNS = [
    "client_id",
    "started_at",
    "local_date",
    "route",
    "route_label",
    "dose",
    "dose_unit",
    "clinic",
    "intention",
    *treatment_rules.SIDE_EFFECTS,
    "bp_before_systolic",
    "bp_before_diastolic",
    "bp_after_systolic",
    "bp_after_diastolic",
    "notes",
    "planned",
    "revision",
    "created_at",
    "updated_at",
]
REFLECTION_COLUMNS = [
    "client_id",
    "local_date",
    "treatment_id",
    *reflection_rules.PROMPTS,
    "text",
    "tags",
    "share",
    "revision",
    "created_at",
    "updated_at",
]


def safe_cell(value: object) -> object:
    """Return a value ready for a CSV cell, neutralising text a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def read_cell(text: str) -> str:
    """Undo `safe_cell` for a text cell (drop the one quote it may have added)."""
    return text[1:] if text.startswith("'") else text


def checkin_row(checkin) -> dict:
    """Flatten a check-in: one column per item (shorter instruments leave the rest empty)."""
    data = json_export.export_checkin(checkin)
    answers = data.pop("answers")
    clusters = {f"cluster_{key}": value for key, value in data.pop("subscores").items()}
    return {**data, **clusters, **{f"item_{n}": a for n, a in enumerate(answers, start=1)}}


def treatment_row(treatment) -> dict:
    """Flatten a session: one column per side effect and blood pressure number."""
    data = treatment_to_dict(treatment)
    effects = data.pop("side_effects") or {}
    row = {**data, **{name: effects.get(name) for name in treatment_rules.SIDE_EFFECTS}}
    for moment in ("bp_before", "bp_after"):
        reading = row.pop(moment) or {}
        row[f"{moment}_systolic"] = reading.get("systolic")
        row[f"{moment}_diastolic"] = reading.get("diastolic")
    return row


def reflection_row(reflection) -> dict:
    """Flatten a reflection: one column per prompt; tags joined by ", " (a tag has no comma)."""
    data = reflection_to_dict(reflection)
    prompts = data.pop("prompts") or {}
    return {**data, **prompts, "tags": ", ".join(data["tags"])}


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream that hands its bytes to the response as they come."""

    def __init__(self):
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        """Accept writes (zipfile checks)."""
        return True

    def write(self, data) -> int:
        """Keep a chunk until the next drain."""
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        """Return and forget what was written since the last drain."""
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def csv_files(user: User):
    """Yield (file name, columns, rows) for each record type."""
    sections = {key: rows for key, rows, _ in json_export.sections(user)}
    yield "checkins.csv", CHECKIN_COLUMNS, map(checkin_row, sections["checkins"])
    yield "treatments.csv", TREATMENT_COLUMNS, map(treatment_row, sections["treatments"])
    yield "reflections.csv", REFLECTION_COLUMNS, map(reflection_row, sections["reflections"])


def zip_chunks(user: User) -> Iterator[bytes]:
    """Yield a zip of one CSV per record type, a few hundred rows at a time."""
    sink = _Sink()
    # An unseekable stream makes zipfile write sizes after each file (data descriptors).
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, columns, rows in csv_files(user):
            with archive.open(name, "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.DictWriter(text, columns, extrasaction="ignore")
                writer.writeheader()
                for n, row in enumerate(rows, start=1):
                    writer.writerow({key: safe_cell(row.get(key)) for key in columns})
                    if n % FLUSH_ROWS == 0:
                        text.flush()
                        yield sink.drain()
                text.flush()
                text.detach()
            yield sink.drain()
    yield sink.drain()
