"""Field rules declared once: each validates input, documents itself, and tells forms its limits.

Everything a person edits declares its fields here, once: a synced record kind as a `RecordSpec`
(check-ins, sessions, reflections), any other form or API body as a `BodySpec` (settings, share
links, reminder preferences, sign-up, password and e-mail changes). From that one declaration
come the check (a 422 naming the field), the API's request and response schemas (OpenAPI), the
output allowlist, the HTML form's limits and choices, which form control shows an error, and for
records the CSV columns and the offline JavaScript's vocabulary. Rules that span fields (a dose
needs its unit, a date may not be after today) stay with their owner's rules, after these run.
No database, no request.
"""

from .base import Field
from .checks import (
    AHEAD,
    EARLIEST,
    UNSTORABLE,
    clean_text,
    date_problem,
    is_int,
    latest_date,
    text_problem,
)
from .compound import Group, ListOf, Raw, Reference, Tags
from .scalars import (
    STARTED_AT_FORMAT,
    Boolean,
    Choice,
    ClockTime,
    Day,
    Email,
    Integer,
    Moment,
    Number,
    Secret,
    Text,
)
from .specs import BodySpec, Output, RecordSpec

__all__ = [
    "AHEAD",
    "EARLIEST",
    "STARTED_AT_FORMAT",
    "UNSTORABLE",
    "BodySpec",
    "Boolean",
    "Choice",
    "ClockTime",
    "Day",
    "Email",
    "Field",
    "Group",
    "Integer",
    "ListOf",
    "Moment",
    "Number",
    "Output",
    "Raw",
    "RecordSpec",
    "Reference",
    "Secret",
    "Tags",
    "Text",
    "clean_text",
    "date_problem",
    "is_int",
    "latest_date",
    "text_problem",
]
