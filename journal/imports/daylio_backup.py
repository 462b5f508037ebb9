"""A Daylio backup (`.daylio`): a zip holding `backup.daylio`, base64 of a JSON document.

Only `customMoods`, `tags` and `dayEntries` are read (docs/IMPORT.md); the rest (`pin`,
`reminders`, `prefs`, ...) is dropped unread and never logged. The zip is checked before
anything is inflated: no member path outside it, at most 50 MB expanded. Pure code.
"""

import base64
import binascii
import io
import json
import zipfile
from datetime import date
from pathlib import PurePosixPath

from ..errors import Invalid
from .entries import LEVEL_VALUES, PREDEFINED, Entry, Parsed
from .text import html_to_text

MEMBER = "backup.daylio"
MAX_EXPANDED = 50 * 1024 * 1024
CHUNK = 1024 * 1024


def refuse(message: str, field: str = "file") -> Invalid:
    """Return the 422 for a backup that cannot be read."""
    return Invalid(message, {field: message})


def outside(name: str) -> bool:
    """Tell whether a member's path would land outside the zip's folder."""
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in name.split("/")[0]


def checked_zip(data: bytes) -> zipfile.ZipFile:
    """Open the zip and check its members' paths and expanded size, before inflating any."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refuse("This zip file cannot be read.") from None
    if any(outside(info.filename) for info in members):
        raise refuse("This zip holds a path outside it; it was not opened.")
    if sum(info.file_size for info in members) > MAX_EXPANDED:
        raise refuse("This zip expands past 50 MB; it was not opened.")
    return archive


def read_member(archive: zipfile.ZipFile) -> bytes:
    """Return backup.daylio, reading no more than the size limit whatever its header says."""
    try:
        info = archive.getinfo(MEMBER)
    except KeyError:
        raise refuse("This zip holds no backup.daylio: it is not a Daylio backup.") from None
    chunks, total = [], 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                total += len(chunk)
                if total > MAX_EXPANDED:
                    raise refuse("This zip expands past 50 MB; it was not opened.")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
        raise refuse("backup.daylio in this zip is damaged or encrypted.") from None
    return b"".join(chunks)


def document(data: bytes) -> dict:
    """Return the backup's JSON document: only the three parts the import reads."""
    raw = read_member(checked_zip(data))
    try:
        found = json.loads(base64.b64decode(b"".join(raw.split()), validate=True))
    except (binascii.Error, ValueError, RecursionError):
        raise refuse("backup.daylio is not base64 of a JSON document.") from None
    if not isinstance(found, dict):
        raise refuse("backup.daylio is not a Daylio backup.")
    # Everything else (pin, reminders, prefs, goals, ...) is dropped here, unread.
    return {key: found.get(key) for key in ("customMoods", "tags", "dayEntries")}


def as_list(value: object, name: str) -> list[dict]:
    """Return a section as a list of objects, or raise Invalid naming it."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise refuse(f"{name} in this backup is not a list of objects.", name)
    return value


def moods_of(items: list[dict], parsed: Parsed) -> dict[object, str]:
    """Return {custom mood id: label}; a blank custom name takes its predefined level's name."""
    labels = {}
    for item in items:
        level = item.get("predefined_name_id")
        name = item.get("custom_name")
        label = name.strip() if isinstance(name, str) and name.strip() else PREDEFINED.get(level)
        if label is None:
            label = f"mood {item.get('id')}"
        labels[item.get("id")] = label
        parsed.add_label(label, LEVEL_VALUES.get(level))
    return labels


def entry_of(item: dict, number: int, moods: dict, tags: dict) -> Entry:
    """Return one day entry (its month counted from 0), or raise Invalid naming it."""
    try:
        parts = [item[key] for key in ("year", "month", "day")]
        if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
            raise TypeError
        day = date(parts[0], parts[1] + 1, parts[2])
        minutes = int(item.get("hour") or 0) * 60 + int(item.get("minute") or 0)
    except (KeyError, TypeError, ValueError):
        message = f"Entry {number}: its date is missing or not a date."
        raise Invalid(message, {f"dayEntries.{number}": message, "date": message}) from None
    names = [tags[t] for t in item.get("tags") or [] if t in tags]
    return Entry(
        day=day,
        line=number,
        minutes=minutes,
        mood_label=moods.get(item.get("mood")),
        title=html_to_text(text_of(item.get("note_title"))),
        note=html_to_text(text_of(item.get("note"))),
        tags=names,
    )


def text_of(value: object) -> str:
    """Return a text field ('' when absent or not text)."""
    return value if isinstance(value, str) else ""


def parse(data: bytes) -> Parsed:
    """Parse a .daylio backup into entries; entries are numbered as the backup lists them."""
    found = document(data)
    parsed = Parsed("daylio-backup")
    moods = moods_of(as_list(found["customMoods"], "customMoods"), parsed)
    tags = {
        t.get("id"): t["name"].strip()
        for t in as_list(found["tags"], "tags")
        if isinstance(t.get("name"), str) and t["name"].strip()
    }
    items = as_list(found["dayEntries"], "dayEntries")
    entries = []
    for number, item in enumerate(items, start=1):
        if item.get("mood") not in moods:
            parsed.skip(number, f"Entry {number}: its mood is not one of the backup's moods.")
            continue
        entries.append((item.get("datetime") or 0, entry_of(item, number, moods, tags)))
    # Time order within a day: by minute, then by the entry's own timestamp.
    entries.sort(key=lambda pair: (pair[1].day, pair[1].minutes, num(pair[0])))
    parsed.entries = [entry for _, entry in entries]
    return parsed


def num(value: object) -> float:
    """Return a timestamp as a number for sorting (0 when it is not one)."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0
