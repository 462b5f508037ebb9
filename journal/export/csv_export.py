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
import json
import zipfile
from collections.abc import Iterator

from ..checkins.rules import CHECKIN
from ..fields import Group, RecordSpec, Tags
from ..instruments import INSTRUMENTS
from ..models import User
from ..reflections.rules import REFLECTION
from ..reflections.services import reflection_to_dict
from ..treatments.rules import TREATMENT
from ..treatments.services import treatment_to_dict
from . import json_export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
# One column per item of the longest instrument (PCL-5, 20); shorter ones leave the rest empty.
ITEMS = max(len(instrument.items) for instrument in INSTRUMENTS.values())
CLUSTERS = ("B", "C", "D", "E")
FLUSH_ROWS = 200
RECORD_COLUMNS = ("revision", "created_at", "updated_at")


def spec_columns(spec: RecordSpec) -> list[str]:
    """Return a record's CSV columns: its output fields, each group's parts in their own column.

    A group's part is named like its form control (bp_before_systolic), else by its key.
    """
    columns = ["client_id"]
    for name in spec.output_names():
        declared = spec.fields.get(name)
        if isinstance(declared, Group) and name not in spec.outputs:
            columns += [sub.form or key for key, sub in declared.fields.items()]
        elif name == "answers":
            columns += [f"item_{n}" for n in range(1, ITEMS + 1)]
        else:
            columns.append(name)
    return columns + list(RECORD_COLUMNS)


def flatten(spec: RecordSpec, data: dict) -> dict:
    """Flatten one serialised record into its CSV columns."""
    row = dict(data)
    for name, declared in spec.fields.items():
        if name in spec.outputs:
            continue
        if isinstance(declared, Group):
            parts = row.pop(name) or {}
            row.update({sub.form or key: parts.get(key) for key, sub in declared.fields.items()})
        elif isinstance(declared, Tags):
            # Each kind says its joiner: a reflection's tags hold no comma (", "), a check-in's
            # may, so theirs are joined by " | " as Daylio joins activities.
            row[name] = declared.joiner.join(row[name])
        elif isinstance(row.get(name), dict | list):
            # A nested value a page edits whole (a session's preparation): one JSON cell.
            row[name] = json.dumps(row[name], ensure_ascii=False)
    answers = row.pop("answers", None)
    if answers is not None:
        row.update({f"item_{n}": a for n, a in enumerate(answers, start=1)})
    return row


CHECKIN_COLUMNS = [
    *spec_columns(CHECKIN)[: -len(RECORD_COLUMNS)],
    "item9_positive",
    "percent",
    *(f"cluster_{key}" for key in CLUSTERS),
    *RECORD_COLUMNS,
]
TREATMENT_COLUMNS = spec_columns(TREATMENT)
REFLECTION_COLUMNS = spec_columns(REFLECTION)


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
    row = flatten(CHECKIN, json_export.export_checkin(checkin))
    clusters = row.pop("subscores")
    return {**row, **{f"cluster_{key}": value for key, value in clusters.items()}}


def treatment_row(treatment) -> dict:
    """Flatten a session: one column per side effect and blood pressure number."""
    return flatten(TREATMENT, treatment_to_dict(treatment))


def reflection_row(reflection) -> dict:
    """Flatten a reflection: one column per prompt; tags joined by ", "."""
    return flatten(REFLECTION, reflection_to_dict(reflection))


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
