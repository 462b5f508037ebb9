"""Single-value fields: text, secrets, e-mail, choices, numbers, switches, dates and times."""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from .base import Field
from .checks import clean_text, date_problem, is_int

TOO_LONG = "At most {max:,} characters; this has {length:,}."


@dataclass(frozen=True)
class Text(Field):
    """Free text; blank is 'not given'; at most `max_length` characters."""

    max_length: int = 200
    strip: bool = False
    # Runs of spaces and line breaks become one space (a name, a label).
    squash: bool = False
    message: str = "Must be text."
    too_long: str = TOO_LONG

    kind = "text"

    def check(self, value, path, errors):
        """Refuse non-text and overlong text; return None for blank."""
        if not isinstance(value, str):
            errors[path] = self.message
            return None
        value = clean_text(value, path, errors)
        if value is None:
            return None
        if not value.strip():
            if self.required:
                errors[path] = self.missing
            return None
        if self.squash:
            value = " ".join(value.split())
        elif self.strip:
            value = value.strip()
        if len(value) > self.max_length:
            errors[path] = self.too_long.format(max=self.max_length, length=len(value))
        return value

    def schema(self):
        """Text with a length limit."""
        return {"type": "string", "maxLength": self.max_length}

    def form_attrs(self):
        """The same length limit in the form."""
        return {"maxlength": self.max_length}


@dataclass(frozen=True)
class Secret(Field):
    """A password or token: taken exactly as typed (never normalised), never sent back."""

    min_length: int = 0
    max_length: int = 128
    message: str = ""

    kind = "secret"

    def check(self, value, path, errors):
        """Refuse non-text and lengths outside the limits; keep every character as given."""
        if not isinstance(value, str) or not self.min_length <= len(value) <= self.max_length:
            errors[path] = self.message or (
                f"Use {self.min_length} to {self.max_length} characters."
            )
            return None
        return value

    def schema(self):
        """A write-only string with its length limits."""
        limits = {"minLength": self.min_length} if self.min_length else {}
        return {"type": "string", "writeOnly": True, **limits, "maxLength": self.max_length}

    def form_attrs(self):
        """The same limits in the form."""
        limits = {"minlength": self.min_length} if self.min_length else {}
        return {**limits, "maxlength": self.max_length}


@dataclass(frozen=True)
class Email(Field):
    """An e-mail address, trimmed and lower-cased: 3 to 254 characters with an @ inside."""

    message: str = "Enter an email address like name@example.com."
    max_length: int = 254

    kind = "email"

    @property
    def missing(self):
        """Ask for an address."""
        return self.message

    def check(self, value, path, errors):
        """Normalise the address; refuse one that cannot be delivered to."""
        email = value.strip().lower() if isinstance(value, str) else ""
        if not (3 <= len(email) <= self.max_length and "@" in email.strip("@")) or " " in email:
            errors[path] = self.message
            return None
        return email

    def schema(self):
        """An e-mail string."""
        return {"type": "string", "format": "email", "maxLength": self.max_length}

    def form_attrs(self):
        """The length limit in the form."""
        return {"maxlength": self.max_length}


@dataclass(frozen=True)
class Choice(Field):
    """One of a fixed set of keys, each with a label for people."""

    # A dict of key -> label, or a function returning the keys (a long list made at run time).
    options: dict | Callable = field(default_factory=dict)
    message: str = ""
    # Whether OpenAPI lists the keys (not for hundreds of time zones).
    listed: bool = True
    # Values that mean 'not given' (a select's "" option, "auto"); listed in OpenAPI too.
    unset: tuple = ()

    kind = "choice"

    def keys(self):
        """Return the allowed keys."""
        return self.options() if callable(self.options) else self.options

    def check(self, value, path, errors):
        """Refuse anything outside the set."""
        if isinstance(value, str) and value in self.unset:
            return self.empty
        if not isinstance(value, str) or value not in self.keys():
            errors[path] = self.missing
            return None
        return value

    @property
    def missing(self):
        """Name the choices when one is required."""
        return self.message or "Choose one of: " + ", ".join(self.keys()) + "."

    def schema(self):
        """A string from the set."""
        listed = {"enum": [*self.unset, *self.keys()]} if self.listed else {}
        return {"type": "string", **listed}

    def choices(self) -> list[tuple[str, str]]:
        """Return (key, label) pairs for a form control."""
        if callable(self.options):
            return [(key, key) for key in sorted(self.keys())]
        return list(self.options.items())

    def vocabulary(self):
        """The choices too, so the device can name them offline."""
        return {**super().vocabulary(), "options": list(self.keys())}


@dataclass(frozen=True)
class Integer(Field):
    """A whole number in [minimum, maximum]."""

    minimum: int = 0
    maximum: int = 10
    message: str = ""
    # Said when the value is not a whole number at all (default: `message`).
    kind_message: str = ""

    kind = "integer"

    def check(self, value, path, errors):
        """Refuse booleans, fractions, strings and numbers out of range."""
        # A message may name the limits: "Choose {minimum} to {maximum} days."
        in_range = (self.message or "A whole number from {minimum} to {maximum}.").format(
            minimum=self.minimum, maximum=self.maximum
        )
        if not is_int(value):
            errors[path] = self.kind_message or in_range
            return None
        if not self.minimum <= value <= self.maximum:
            errors[path] = in_range
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
    """A finite number above `above` (or from `minimum`, included) and at most `maximum`."""

    above: float = 0
    maximum: float = 1000
    message: str = "Enter a number."
    # Set to include the lower end (sleep can be 0 hours); `above` is then ignored.
    minimum: float | None = None

    kind = "number"

    def check(self, value, path, errors):
        """Refuse strings, booleans, NaN and infinity; range-check."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors[path] = self.message
            return None
        if not math.isfinite(value) or not self.in_range(value):
            errors[path] = self.range_message()
            return None
        return float(value)

    def in_range(self, value: float) -> bool:
        """Tell whether a finite number lies within the limits."""
        if self.minimum is not None:
            return self.minimum <= value <= self.maximum
        return self.above < value <= self.maximum

    def range_message(self) -> str:
        """Say which numbers are accepted."""
        if self.minimum is not None:
            return self.message or f"A number from {self.minimum:g} to {self.maximum:g}."
        return f"Above {self.above:g} and at most {self.maximum:g}."

    def schema(self):
        """A number with its range."""
        if self.minimum is not None:
            return {"type": "number", "minimum": self.minimum, "maximum": self.maximum}
        return {
            "type": "number",
            "exclusiveMinimum": True,
            "minimum": self.above,
            "maximum": self.maximum,
        }

    def form_attrs(self):
        """The range in the form, with a decimal keypad."""
        low = self.above if self.minimum is None else self.minimum
        return {"min": low, "max": self.maximum, "step": "any", "inputmode": "decimal"}


@dataclass(frozen=True)
class Boolean(Field):
    """JSON true or false; left out is false (or the declared default)."""

    kind = "boolean"

    @property
    def empty(self):
        """Left out means no, unless the declaration says otherwise."""
        return bool(self.default)

    def check(self, value, path, errors):
        """Refuse "yes", 1 and other stand-ins."""
        if not isinstance(value, bool):
            errors[path] = "Must be true or false."
            return False
        return value

    def json_schema(self):
        """A boolean, false by default."""
        schema = {"type": "boolean", "default": bool(self.default)}
        return {**schema, "description": self.description} if self.description else schema


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


HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ClockTime(Field):
    """A wall-clock time of day as "HH:MM" (24-hour)."""

    message: str = "Give a time as HH:MM, like 19:30."

    kind = "time"

    @property
    def missing(self):
        """Show the format when the time is absent."""
        return self.message

    def check(self, value, path, errors):
        """Parse "HH:MM"; refuse anything else."""
        if not isinstance(value, str) or not HHMM.match(value):
            errors[path] = self.message
            return None
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))

    def dump(self, value):
        """ "HH:MM"."""
        return None if value is None else f"{value:%H:%M}"

    def schema(self):
        """A 24-hour time string."""
        return {"type": "string", "pattern": HHMM.pattern}

    def form_attrs(self):
        """A time input: the browser sends HH:MM."""
        return {"type": "time"}
