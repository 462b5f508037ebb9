"""A plain spreadsheet CSV: columns date, mood (0-10), note and tags, found by header name.

Other columns are ignored and listed for the preview (docs/IMPORT.md). Pure code.
"""

from datetime import date

from ..errors import Invalid
from ..instruments import MOOD_MAX, MOOD_MIN
from .entries import Entry, Parsed
from .text import header_index, line_error, rows, split_tags

READ = ("date", "mood", "note", "tags")


def parse_mood(text: str, line: int) -> int | None:
    """Return a mood 0-10 from a cell ('' is none), or raise Invalid naming the line."""
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is None or not number.is_integer() or not MOOD_MIN <= number <= MOOD_MAX:
        message = f"The mood {text!r} is not a whole number from {MOOD_MIN} to {MOOD_MAX}."
        raise line_error(line, message, "mood")
    return int(number)


def parse(text: str) -> Parsed:
    """Parse a spreadsheet CSV with a `date` column; raise Invalid naming a bad line."""
    parsed = Parsed("csv")
    reader = rows(text)
    header = next(reader, None)
    names = header_index(header[1]) if header else {}
    if "date" not in names:
        raise Invalid(
            "This CSV has no date column: it needs a header with date (and mood, note, tags).",
            {"file": "No date column."},
        )
    parsed.ignored_columns = [
        name.strip() for name in header[1] if name.strip() and name.strip().lower() not in READ
    ]

    def cell(cells: list[str], name: str) -> str:
        """Return one named cell ('' when absent)."""
        n = names.get(name)
        return cells[n] if n is not None and n < len(cells) else ""

    for line, cells in reader:
        if not any(c.strip() for c in cells):
            continue
        text = cell(cells, "date").strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise line_error(line, f"The date {text!r} is not like 2024-12-09.", "date") from None
        parsed.entries.append(
            Entry(
                day=day,
                line=line,
                mood=parse_mood(cell(cells, "mood"), line),
                note=cell(cells, "note").strip(),
                tags=split_tags(cell(cells, "tags"), r"\s*[|;]\s*"),
            )
        )
    return parsed
