"""The import options, declared once: the API, the page and the CLI read them through here.

Pure code: no Flask, no database.
"""

import json

from ..errors import Invalid
from ..fields import BodySpec, Boolean, Choice, Field
from ..instruments import MOOD_MAX, MOOD_MIN
from .entries import SOURCE_LABELS, clean_mood_map

MAX_BYTES = 20 * 1024 * 1024
TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


class MoodMap(Field):
    """A JSON object: mood label (trimmed, without regard to case) -> 0-10."""

    kind = "mood_map"

    def check(self, value, path, errors):
        """Parse JSON text (a form field) or take an object; check each value."""
        if isinstance(value, str):
            if not value.strip():
                return {}
            try:
                value = json.loads(value)
            except ValueError:
                errors[path] = 'Must be a JSON object, like {"meh": 5}.'
                return {}
        try:
            return clean_mood_map(value)
        except Invalid as exc:
            errors.update(exc.fields)
            return {}

    def schema(self):
        """An object of labels to 0-10, sent as JSON text in the form."""
        return {
            "type": "string",
            "format": "json",
            "example": '{"meh": 5, "ok": 6}',
            "description": f"A JSON object: mood label -> {MOOD_MIN}-{MOOD_MAX}",
        }


class FormBoolean(Boolean):
    """A switch sent as form text: 1/true/yes/on or 0/false/no/off (blank is off)."""

    def check(self, value, path, errors):
        """Accept the usual spellings of a checkbox."""
        if isinstance(value, str) and value.strip().lower() in TRUE + FALSE:
            return value.strip().lower() in TRUE
        return super().check(value, path, errors)


IMPORT_OPTIONS = BodySpec(
    name="import",
    fields={
        "source": Choice(
            options=SOURCE_LABELS,
            description="Detected from the file when left out",
        ),
        "mood_map": MoodMap(description="Mood label -> 0-10; overrides the defaults"),
        "dry_run": FormBoolean(description="1: check and count, write nothing"),
    },
)


def read_upload(upload) -> bytes:
    """Return an uploaded file's bytes (one past the cap, to tell it is over) and close it."""
    # A large upload is spooled to a temporary file: closed now, not left to the collector.
    with upload.stream as stream:
        return stream.read(MAX_BYTES + 1)


def clean_options(form: dict) -> dict:
    """Return {source, mood_map, dry_run} from form values, or raise Invalid naming the field."""
    errors: dict[str, str] = {}
    given = {name: (form.get(name) or None) for name in IMPORT_OPTIONS.fields}
    values = IMPORT_OPTIONS.clean(given, errors)
    if errors:
        named = "; ".join(f"{name}: {message}" for name, message in errors.items())
        raise Invalid(f"Some fields need attention: {named}", errors)
    values["mood_map"] = values["mood_map"] or {}
    return values
