"""What every format parses into: entries, then one day per date, and the mood labels' values.

Pure code: no Flask, no database.
"""

from dataclasses import dataclass, field
from datetime import date

from ..errors import Invalid
from ..instruments import MOOD_MAX, MOOD_MIN

# docs/IMPORT.md: Daylio's five levels and the 0-10 value each becomes unless the person says.
PREDEFINED = {1: "rad", 2: "good", 3: "meh", 4: "bad", 5: "awful"}
LEVEL_VALUES = {1: 9, 2: 7, 3: 5, 4: 3, 5: 1}
DEFAULT_MOODS = {PREDEFINED[level]: value for level, value in LEVEL_VALUES.items()}
SOURCE_LABELS = {
    "daylio-csv": "Daylio CSV export",
    "daylio-backup": "Daylio backup (.daylio)",
    "csv": "Spreadsheet CSV (date, mood, note, tags)",
    "mood-journal-json": "Mood Journal JSON export",
}
SOURCES = tuple(SOURCE_LABELS)


def label_key(label: str) -> str:
    """Return how a mood label is compared: trimmed, without regard to case."""
    return " ".join(label.split()).casefold()


@dataclass
class Entry:
    """One row of a file: a date, when in the day, and what it says."""

    day: date
    line: int
    minutes: int = 0
    mood_label: str | None = None
    mood: int | None = None
    title: str = ""
    note: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    """A parsed file: its entries, rows skipped, columns ignored and mood labels' defaults."""

    source: str
    entries: list[Entry] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # label as first written -> its default value (None: no default, the person must say).
    labels: dict[str, int | None] = field(default_factory=dict)

    def skip(self, line: int, reason: str) -> None:
        """Note a row that is left out, and why."""
        self.skipped.append({"line": line, "reason": reason})

    def add_label(self, label: str, default: int | None) -> None:
        """Remember a mood label once (compared without case), with its default value."""
        if all(label_key(known) != label_key(label) for known in self.labels):
            self.labels[label] = default


@dataclass
class Day:
    """One daily check-in to make: the merged entries of one date."""

    day: date
    line: int
    mood: int | None
    note: str | None
    tags: list[str]
    blocked: bool = False


def clean_mood_map(value: object) -> dict[str, int]:
    """Return a mood map keyed by compared label, or raise Invalid naming `mood_map`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid("mood_map must be a JSON object.", {"mood_map": "A JSON object."})
    found = {}
    for label, number in value.items():
        ok = isinstance(number, int) and not isinstance(number, bool)
        if not ok or not MOOD_MIN <= number <= MOOD_MAX:
            message = f"A whole number from {MOOD_MIN} to {MOOD_MAX}."
            raise Invalid(
                f"mood_map: {label!r} needs {message[2:].lower()}", {f"mood_map.{label}": message}
            )
        found[label_key(str(label))] = number
    return found


def mood_values(parsed: Parsed, mood_map: dict[str, int]) -> tuple[dict[str, int], list[str]]:
    """Return {label: value} for labels with a value, and the labels still without one."""
    moods, unmapped = {}, []
    for label, default in parsed.labels.items():
        value = mood_map.get(label_key(label), default)
        if value is None:
            unmapped.append(label)
        else:
            moods[label] = value
    return moods, unmapped


def half_up_mean(values: list[int]) -> int:
    """Return the mean rounded half up, in whole numbers (no float rounding surprises)."""
    return (2 * sum(values) + len(values)) // (2 * len(values))


def merge(parsed: Parsed, moods: dict[str, int]) -> list[Day]:
    """Make one day per date (docs/IMPORT.md): mean mood, notes in time order, tags' union."""
    by_key = {label_key(label): value for label, value in moods.items()}
    dates: dict[date, list[Entry]] = {}
    for entry in parsed.entries:
        dates.setdefault(entry.day, []).append(entry)
    days = []
    for day in sorted(dates):
        # Stable: entries at the same minute keep the order the parser gave them.
        entries = sorted(dates[day], key=lambda e: e.minutes)
        days.append(merge_day(day, entries, by_key, parsed))
    return [d for d in days if d is not None]


def day_values(entries: list[Entry], by_key: dict) -> tuple[list[int], bool]:
    """Return the mood values of a date's entries, and whether a label had no value."""
    values, blocked = [], False
    for entry in entries:
        if entry.mood is not None:
            values.append(entry.mood)
        elif entry.mood_label is not None:
            value = by_key.get(label_key(entry.mood_label))
            blocked = blocked or value is None
            values += [] if value is None else [value]
    return values, blocked


def day_tags(entries: list[Entry]) -> list[str]:
    """Return the union of a date's tags, spaces tidied, in first-seen order, case folded."""
    tags: dict[str, str] = {}
    for entry in entries:
        for tag in entry.tags:
            if tag.strip():
                tags.setdefault(" ".join(tag.split()).casefold(), " ".join(tag.split()))
    return list(tags.values())


def merge_day(day: date, entries: list[Entry], by_key: dict, parsed: Parsed) -> Day | None:
    """Merge one date's entries; skip (and note) a date with no mood at all."""
    values, blocked = day_values(entries, by_key)
    line = min(entry.line for entry in entries)
    if not values and not blocked:
        parsed.skip(line, f"No mood on {day.isoformat()} (a daily check-in needs one).")
        return None
    parts = [text for e in entries for text in (e.title.strip(), e.note.strip()) if text]
    mood = half_up_mean(values) if values else None
    note = "\n\n".join(parts) or None
    return Day(day, line, mood, note, day_tags(entries), blocked)
