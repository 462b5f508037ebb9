"""Daylio's CSV export ("Export entries"): both headers, 24- and 12-hour times, newest first.

Columns are found by their header name, never by position (docs/IMPORT.md). Pure code.
"""

from datetime import date

from ..errors import Invalid
from .entries import DEFAULT_MOODS, Entry, Parsed, label_key
from .text import header_index, html_to_text, line_error, minutes_of, rows, split_tags

MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Columns read; `scales` (newer exports) holds no daily mood and is listed as ignored.
READ = {"full_date", "year", "date", "weekday", "time", "mood", "activities", "note_title", "note"}


def is_daylio_header(names: dict[str, int]) -> bool:
    """Tell whether a header is Daylio's (current or older)."""
    has_date = "full_date" in names or {"year", "date"} <= set(names)
    return has_date and {"time", "mood", "activities"} <= set(names)


def old_date(year: str, text: str, line: int) -> date:
    """Return the date of an older export's `year` and `date` ("December 9" or "9 December")."""
    words = text.replace(",", " ").replace(".", " ").split()
    numbers = [w for w in words if w.isdigit()]
    months = [MONTHS[w.lower()] for w in words if w.lower() in MONTHS]
    if len(numbers) != 1 or len(months) != 1 or not year.strip().isdigit():
        raise line_error(line, f"The date {year} {text!r} is not like 2024 and December 9.", "date")
    try:
        return date(int(year), months[0], int(numbers[0]))
    except ValueError:
        raise line_error(line, f"The date {year} {text!r} does not exist.", "date") from None


def entry_date(cells: list[str], names: dict[str, int], line: int) -> date:
    """Return a row's date from `full_date`, or from `year` and `date` in older exports."""
    if "full_date" in names:
        text = cell(cells, names, "full_date")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise line_error(line, f"The date {text!r} is not like 2024-12-09.", "date") from None
    return old_date(cell(cells, names, "year"), cell(cells, names, "date"), line)


def cell(cells: list[str], names: dict[str, int], name: str) -> str:
    """Return one named cell ('' when the row is short or the column absent)."""
    n = names.get(name)
    return cells[n] if n is not None and n < len(cells) else ""


def parse(text: str) -> Parsed:
    """Parse a Daylio CSV export; raise Invalid naming the line of a row that cannot be read."""
    parsed = Parsed("daylio-csv")
    reader = rows(text)
    header = next(reader, None)
    names = header_index(header[1]) if header else {}
    if not is_daylio_header(names):
        raise Invalid("This is not a Daylio CSV export.", {"file": "Not Daylio's header."})
    parsed.ignored_columns = [
        name.strip() for name in header[1] if name.strip().lower() not in READ and name.strip()
    ]
    for line, cells in reader:
        if not any(c.strip() for c in cells):
            continue
        label = cell(cells, names, "mood").strip() or None
        if label is not None:
            parsed.add_label(label, DEFAULT_MOODS.get(label_key(label)))
        parsed.entries.append(
            Entry(
                day=entry_date(cells, names, line),
                line=line,
                minutes=minutes_of(cell(cells, names, "time"), line),
                mood_label=label,
                title=html_to_text(cell(cells, names, "note_title")),
                note=html_to_text(cell(cells, names, "note")),
                tags=split_tags(cell(cells, names, "activities")),
            )
        )
    # Newest first in the file: oldest first here, so same-minute entries keep their order.
    parsed.entries.reverse()
    return parsed
