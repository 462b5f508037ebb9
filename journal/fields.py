"""Field rules declared once: each validates input, documents itself, and tells forms its limits.

A record kind lists its fields here (see `RecordSpec`); from that one list come the API's request
and response schemas (OpenAPI), the output allowlist, the HTML form's limits and choices, the CSV
columns and the offline JavaScript's vocabulary. Rules that span fields (a dose needs its unit,
a date may not be after today) stay with the record's own rules, after these have run.
Pure code: no Flask, no database.
"""

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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


@dataclass(frozen=True)
class Field:
    """One input field: how to check it, how to show it in JSON and in a form."""

    required: bool = False
    description: str = ""
    # The form control(s) that carry this field, when its name differs from the field's.
    form: str | None = None

    def clean(self, value: object, path: str, errors: dict) -> object:
        """Return the stored value, or note an error under `path` (None is 'not given')."""
        if value is None:
            if self.required:
                errors[path] = self.missing
            return self.empty
        return self.check(value, path, errors)

    @property
    def missing(self) -> str:
        """Say what to give when a required field is absent."""
        return "This field is required."

    @property
    def empty(self) -> object:
        """Return what a field left out stores."""
        return None

    def check(self, value: object, path: str, errors: dict) -> object:
        """Check a given value (subclasses say how)."""
        return value

    def dump(self, value: object) -> object:
        """Return a stored value as JSON."""
        return value

    def json_schema(self) -> dict:
        """Return the field as a JSON Schema property for the OpenAPI document."""
        schema = {**self.schema()}
        if self.description:
            schema["description"] = self.description
        if not self.required:
            schema["nullable"] = True
        return schema

    def schema(self) -> dict:
        """Return the type-specific part of the JSON Schema."""
        return {}

    def form_attrs(self) -> dict:
        """Return HTML attributes that state the same limits in the form."""
        return {}

    def vocabulary(self) -> dict:
        """Describe the field to the offline JavaScript (type and form control names)."""
        return {"type": self.kind, **({"input": self.form} if self.form else {})}

    kind = "raw"


@dataclass(frozen=True)
class Text(Field):
    """Free text; blank is 'not given'; at most `max_length` characters."""

    max_length: int = 200
    strip: bool = False

    kind = "text"

    def check(self, value, path, errors):
        """Refuse non-text and overlong text; return None for blank."""
        if not isinstance(value, str):
            errors[path] = "Must be text."
            return None
        value = clean_text(value, path, errors)
        if value is None:
            return None
        if not value.strip():
            if self.required:
                errors[path] = self.missing
            return None
        if self.strip:
            value = value.strip()
        if len(value) > self.max_length:
            errors[path] = f"At most {self.max_length:,} characters; this has {len(value):,}."
        return value

    def schema(self):
        """Text with a length limit."""
        return {"type": "string", "maxLength": self.max_length}

    def form_attrs(self):
        """The same length limit in the form."""
        return {"maxlength": self.max_length}


@dataclass(frozen=True)
class Choice(Field):
    """One of a fixed set of keys, each with a label for people."""

    options: dict = field(default_factory=dict)
    message: str = ""

    kind = "choice"

    def check(self, value, path, errors):
        """Refuse anything outside the set."""
        if not isinstance(value, str) or value not in self.options:
            errors[path] = self.message or "Choose one of: " + ", ".join(self.options) + "."
            return None
        return value

    @property
    def missing(self):
        """Name the choices when one is required."""
        return self.message or "Choose one of: " + ", ".join(self.options) + "."

    def schema(self):
        """A string from the set."""
        return {"type": "string", "enum": list(self.options)}

    def choices(self) -> list[tuple[str, str]]:
        """Return (key, label) pairs for a form control."""
        return list(self.options.items())

    def vocabulary(self):
        """The choices too, so the device can name them offline."""
        return {**super().vocabulary(), "options": list(self.options)}


def is_int(value: object) -> bool:
    """Tell whether a value is a whole number (JSON true/false are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Integer(Field):
    """A whole number in [minimum, maximum]."""

    minimum: int = 0
    maximum: int = 10
    message: str = ""

    kind = "integer"

    def check(self, value, path, errors):
        """Refuse booleans, fractions, strings and numbers out of range."""
        if not is_int(value) or not self.minimum <= value <= self.maximum:
            errors[path] = self.message or (
                f"A whole number from {self.minimum} to {self.maximum}."
            )
            return None
        return value

    def schema(self):
        """An integer with its range."""
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def form_attrs(self):
        """The range in the form, with the phone's number pad."""
        return {"min": self.minimum, "max": self.maximum, "inputmode": "numeric"}


@dataclass(frozen=True)
class Number(Field):
    """A finite number above `above` and at most `maximum` (records may narrow it further)."""

    above: float = 0
    maximum: float = 1000
    message: str = "Enter a number."

    kind = "number"

    def check(self, value, path, errors):
        """Refuse strings, booleans, NaN and infinity; range-check."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors[path] = self.message
            return None
        if not math.isfinite(value) or not self.above < value <= self.maximum:
            errors[path] = f"Above {self.above:g} and at most {self.maximum:g}."
            return None
        return float(value)

    def schema(self):
        """A number with its range."""
        return {
            "type": "number",
            "exclusiveMinimum": True,
            "minimum": self.above,
            "maximum": self.maximum,
        }

    def form_attrs(self):
        """The range in the form, with a decimal keypad."""
        return {"min": self.above, "max": self.maximum, "step": "any", "inputmode": "decimal"}


@dataclass(frozen=True)
class Boolean(Field):
    """JSON true or false; left out is false."""

    kind = "boolean"

    @property
    def empty(self):
        """Left out means no."""
        return False

    def check(self, value, path, errors):
        """Refuse "yes", 1 and other stand-ins."""
        if not isinstance(value, bool):
            errors[path] = "Must be true or false."
            return False
        return value

    def json_schema(self):
        """A boolean, false by default."""
        return {"type": "boolean", "default": False}


@dataclass(frozen=True)
class Day(Field):
    """A calendar date, YYYY-MM-DD, from 1900 to a year ahead."""

    kind = "date"

    @property
    def missing(self):
        """Show the format when the date is absent."""
        return "Use a date like 2026-01-31."

    def check(self, value, path, errors):
        """Parse ISO dates; refuse other shapes and dates outside the window."""
        if isinstance(value, datetime) or not isinstance(value, date | str):
            errors[path] = self.missing
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                errors[path] = self.missing
                return None
        if problem := date_problem(value):
            errors[path] = problem
            return None
        return value

    def dump(self, value):
        """ISO format."""
        return None if value is None else value.isoformat()

    def schema(self):
        """An ISO date."""
        return {"type": "string", "format": "date"}


STARTED_AT_FORMAT = "Use ISO 8601 with a UTC offset, like 2026-01-31T09:30:00-06:00."


@dataclass(frozen=True)
class Moment(Field):
    """An instant: ISO 8601 with a UTC offset (a naive time could be any of 24+ instants)."""

    kind = "datetime"

    @property
    def missing(self):
        """Show the format when the time is absent."""
        return STARTED_AT_FORMAT

    def check(self, value, path, errors):
        """Parse ISO 8601; refuse times without an offset."""
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                errors[path] = STARTED_AT_FORMAT
                return None
        if not isinstance(value, datetime):
            errors[path] = STARTED_AT_FORMAT
            return None
        if value.utcoffset() is None:
            errors[path] = "Include the UTC offset, like 2026-01-31T09:30:00-06:00."
            return None
        # The local date is checked: a UTC conversion near year 1 or 9999 would overflow.
        if problem := date_problem(value.date()):
            errors[path] = problem
            return None
        return value

    def dump(self, value):
        """ISO format with offset."""
        return None if value is None else value.isoformat()

    def schema(self):
        """An ISO date-time."""
        return {"type": "string", "format": "date-time"}


@dataclass(frozen=True)
class Group(Field):
    """An object of named sub-fields; keeps those given, None when none were."""

    fields: dict = field(default_factory=dict)
    message: str = "Must be an object."

    kind = "group"

    def check(self, value, path, errors):
        """Check each sub-field; name unknown keys."""
        if not isinstance(value, dict):
            errors[path] = self.message
            return None
        for key in value:
            if key not in self.fields:
                errors[f"{path}.{key}"] = "Not a field this journal records."
        clean = {}
        for key, sub in self.fields.items():
            result = sub.clean(value.get(key), f"{path}.{key}", errors)
            if result is not None:
                clean[key] = result
        return clean or None

    def dump(self, value):
        """A plain dict (or None)."""
        return dict(value) if value else None

    def schema(self):
        """An object with its properties."""
        return {
            "type": "object",
            "properties": {key: sub.json_schema() for key, sub in self.fields.items()},
        }

    def vocabulary(self):
        """The sub-fields, each with its form control."""
        return {
            **super().vocabulary(),
            "fields": {key: sub.vocabulary() for key, sub in self.fields.items()},
        }


@dataclass(frozen=True)
class Tags(Field):
    """Short labels: trimmed, without repeats (ignoring case), first spelling and order kept.

    `fold_case` also lower-cases them; `commas` lets a tag hold a comma; `joiner` joins them in
    one CSV cell.
    """

    max_items: int = 20
    max_length: int = 40
    fold_case: bool = True
    commas: bool = False
    joiner: str = ", "

    kind = "tags"

    @property
    def empty(self):
        """No tags is an empty list."""
        return []

    def check(self, value, path, errors):
        """Normalise each tag; refuse non-text, overlong tags and too many."""
        if not isinstance(value, list):
            errors[path] = "Tags are a list of words."
            return []
        if len(value) > self.max_items * 5:
            # Checked before the work: a huge list would otherwise cost time per request.
            errors[path] = f"At most {self.max_items} tags."
            return []
        # Keyed by the case-folded tag: the first spelling stays, in order, repeats found fast.
        seen: dict[str, str] = {}
        for index, tag in enumerate(value):
            tag = self.one(tag, f"{path}.{index}", errors)
            if tag is not None:
                seen.setdefault(tag.casefold(), tag)
        if len(seen) > self.max_items:
            errors[path] = f"At most {self.max_items} tags."
        return list(seen.values())

    def one(self, tag: object, path: str, errors: dict) -> str | None:
        """Return one tag trimmed (and folded), or note why it cannot be one."""
        if not isinstance(tag, str):
            errors[path] = "A tag is text."
            return None
        tag = clean_text(tag, path, errors)
        if tag is None:
            return None
        tag = " ".join(tag.split())
        if self.fold_case:
            tag = tag.lower()
        if not 1 <= len(tag) <= self.max_length:
            errors[path] = f"A tag is 1 to {self.max_length} characters."
        elif "," in tag and not self.commas:
            # The page edits tags as one comma-separated line; a comma would split the tag.
            errors[path] = "A tag cannot contain a comma."
        else:
            return tag
        return None

    def dump(self, value):
        """A plain list."""
        return list(value or [])

    def schema(self):
        """A list of short strings."""
        return {
            "type": "array",
            "maxItems": self.max_items,
            "items": {"type": "string", "minLength": 1, "maxLength": self.max_length},
        }


@dataclass(frozen=True)
class Reference(Field):
    """Another record of the same user, named by its client id (resolved by the record)."""

    kind = "reference"

    def check(self, value, path, errors):
        """Pass the id on; '' is no link."""
        return value or None

    def schema(self):
        """A UUID string."""
        return {"type": "string", "format": "uuid"}


@dataclass(frozen=True)
class Raw(Field):
    """A value another rule checks (an instrument's answers); documented by `json`."""

    json: dict = field(default_factory=dict)

    def schema(self):
        """Whatever the record says."""
        return dict(self.json)


@dataclass(frozen=True)
class Output:
    """A response-only field: its schema and how to read it from a row."""

    schema: dict
    read: Callable


@dataclass(frozen=True)
class RecordSpec:
    """A record kind's fields, in order: the one declaration everything else derives from."""

    name: str
    fields: dict
    # Response-only fields (computed, or shown differently from how they are stored).
    outputs: dict = field(default_factory=dict)
    # Input fields the response leaves out or shows through `outputs` instead.
    hidden: tuple = ()

    def clean(self, data: dict, errors: dict) -> dict:
        """Check every field; return the values (errors are collected, not raised)."""
        return {
            name: spec.clean(data.get(name), name, errors) for name, spec in self.fields.items()
        }

    def dump(self, row) -> dict:
        """Return a row's fields through the allowlist, in declaration order."""
        shown = {
            name: spec.dump(getattr(row, name))
            for name, spec in self.fields.items()
            if name not in self.hidden and name not in self.outputs
        }
        return {**shown, **{name: out.read(row) for name, out in self.outputs.items()}}

    def output_names(self) -> list[str]:
        """Return the response's own field names (without the shared record fields)."""
        names = [n for n in self.fields if n not in self.hidden and n not in self.outputs]
        return names + list(self.outputs)

    def input_schema(self) -> dict:
        """Return JSON Schema properties for a request body."""
        return {name: spec.json_schema() for name, spec in self.fields.items()}

    def output_schema(self) -> dict:
        """Return JSON Schema properties for a response body."""
        found = {
            name: spec.json_schema()
            for name, spec in self.fields.items()
            if name not in self.hidden and name not in self.outputs
        }
        return {**found, **{name: dict(out.schema) for name, out in self.outputs.items()}}

    def required(self) -> list[str]:
        """Return the names a request must carry."""
        return [name for name, spec in self.fields.items() if spec.required]

    def vocabulary(self) -> dict:
        """Describe the fields to the offline JavaScript."""
        return {name: spec.vocabulary() for name, spec in self.fields.items()}

    def attrs(self, name: str) -> dict:
        """Return the form attributes of one field (or sub-field, as 'group.key')."""
        return self.field(name).form_attrs()

    def field(self, name: str) -> Field:
        """Return one field by name, or a group's sub-field by 'group.key'."""
        head, _, rest = name.partition(".")
        found = self.fields[head]
        return found.fields[rest] if rest else found
