"""Reading text files: CSV rows with their line numbers, HTML notes as plain text, times.

Pure code: no Flask, no database.
"""

import csv
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from ..errors import Invalid

BLOCKS = {"br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
# Blocks that also end their line when they close (a list item's next item starts one anyway).
CLOSING = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6"}
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?\s*(?:([ap])\.?\s*m\.?)?$", re.IGNORECASE)


def line_error(line: int, message: str, field: str = "file") -> Invalid:
    """Return a 422 error that names the line."""
    return Invalid(f"Line {line}: {message}", {f"line {line}": message, field: message})


def decode(data: bytes) -> str:
    """Return the file as text (UTF-8, with or without a byte-order mark), or raise Invalid."""
    if b"\x00" in data[:4096]:
        raise Invalid("This is not a CSV, zip or JSON file.", {"file": "Not a text file."})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            "This is not a CSV file in UTF-8 (save it as CSV UTF-8).", {"file": "Not UTF-8 text."}
        ) from None


def rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line where the row starts, cells) for each CSV row, the header first."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise line_error(start, f"This CSV cannot be read ({exc}).") from None


def header_index(cells: list[str]) -> dict[str, int]:
    """Return {lower-cased header name: column}, the first of any repeated name."""
    found: dict[str, int] = {}
    for n, name in enumerate(cells):
        found.setdefault(name.strip().lower(), n)
    return found


class _TextOnly(HTMLParser):
    """Collect an HTML fragment's text; block tags become line breaks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        """Break the line before a block."""
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        """Break the line after a paragraph-like block."""
        if tag in CLOSING:
            self.parts.append("\n")

    def handle_data(self, data):
        """Keep the text."""
        self.parts.append(data)


def html_to_text(value: str) -> str:
    """Return a note's text with its HTML tags dropped (entities decoded, blocks on new lines)."""
    if "<" not in value and "&" not in value:
        return value.strip()
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def minutes_of(value: str, line: int) -> int:
    """Return minutes after midnight of a 24-hour or 12-hour time, or raise Invalid."""
    text = value.strip()
    if not text:
        return 0
    match = TIME.match(text)
    if match is None:
        raise line_error(line, f"The time {text!r} is not like 20:39 or 8:30 pm.", "time")
    hour, minute, half = int(match[1]), int(match[2]), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise line_error(line, f"The time {text!r} is not a 12-hour time.", "time")
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        raise line_error(line, f"The time {text!r} is not a time of day.", "time")
    return hour * 60 + minute


def split_tags(value: str, separators: str = r"\s*\|\s*") -> list[str]:
    """Split a tags cell on its separators, trimmed, blanks dropped."""
    return [part.strip() for part in re.split(separators, value) if part.strip()]
