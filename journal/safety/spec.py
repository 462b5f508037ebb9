"""What a valid safety plan and session-day preparation are: declared once with `journal.fields`.

Lists are `journal.fields.ListOf`; the phone, inclusive-range number and whole-object types
live here because only these bodies use them; a session's `preparation` and `follow_up`
(journal/treatments/rules.py) reuse them. Pure code.
"""

import re
from dataclasses import dataclass, field

from ..fields import BodySpec, Boolean, Field, Group, Integer, ListOf, Number, Text

ENTRIES_MAX = 10
ENTRY_MAX = 200
CHECKLIST_MAX = 15
CHECK_TEXT_MAX = 120
PHONE = re.compile(r"[0-9 +()\-]{3,30}")
PHONE_MESSAGE = "A phone number: 3 to 30 digits, spaces and + ( ) -."


@dataclass(frozen=True)
class Phone(Field):
    """A phone number as people write it: digits, spaces and + ( ) -, 3 to 30 characters."""

    kind = "text"

    def check(self, value, path, errors):
        """Trim; blank is 'not given'; refuse anything a phone cannot dial."""
        if not isinstance(value, str):
            errors[path] = PHONE_MESSAGE
            return None
        value = value.strip()
        if not value:
            return None
        if not PHONE.fullmatch(value) or not any(c.isdigit() for c in value):
            errors[path] = PHONE_MESSAGE
            return None
        return value

    def schema(self):
        """A dialable string."""
        return {"type": "string", "minLength": 3, "maxLength": 30, "pattern": PHONE.pattern}

    def form_attrs(self):
        """The same limits in the form, with the phone keypad."""
        return {"maxlength": 30, "inputmode": "tel", "autocomplete": "off"}


def entry(max_length: int = ENTRY_MAX) -> Text:
    """Return one required line of the person's own words, trimmed, 1 to `max_length` long."""
    return Text(required=True, max_length=max_length, strip=True)


def entries(item: Field | None = None, description: str = "") -> ListOf:
    """Return one list of the plan: at most 10 entries (a list is never null, empty when none)."""
    return ListOf(
        item=item or entry(),
        max_items=ENTRIES_MAX,
        nullable=False,
        description=description,
    )


def contact(description: str = "") -> Group:
    """Return a person to call: a name and, optionally, a phone number."""
    return Group(
        fields={"name": entry(), "phone": Phone()},
        message='A contact is an object like {"name": "Sam", "phone": "+1 555 0100"}.',
        description=description,
    )


@dataclass(frozen=True)
class Structure(Field):
    """A nested object a page edits as a whole (one hidden JSON control carries it offline)."""

    group: Group = field(default_factory=Group)

    kind = "json"

    def check(self, value, path, errors):
        """Check it as its group does."""
        return self.group.check(value, path, errors)

    def dump(self, value):
        """A plain dict (or None)."""
        return dict(value) if value else None

    def schema(self):
        """The group's object schema."""
        return self.group.schema()


SAFETY_PLAN = BodySpec(
    name="safety plan",
    fields={
        "warning_signs": entries(description="Signs that a crisis may be starting"),
        "coping": entries(description="Things I can do on my own"),
        "distractions": entries(description="People and places that help or distract"),
        "helpers": entries(contact(), "People I can ask for help"),
        "professionals": entries(contact(), "Clinicians and services to call"),
        "safe_environment": entries(description="How I make my surroundings safer"),
        "reasons": entries(description="What matters most to me"),
    },
    message="Some entries need attention.",
)
LISTS = tuple(SAFETY_PLAN.fields)
CONTACT_LISTS = ("helpers", "professionals")

CHECK_ITEM = Group(
    fields={"text": entry(CHECK_TEXT_MAX), "done": Boolean()},
    message='A checklist item is an object like {"text": "Arrange a ride home", "done": false}.',
)
PREPARATION = Structure(
    group=Group(
        fields={
            "checklist": ListOf(item=CHECK_ITEM, max_items=CHECKLIST_MAX, nullable=False),
            "ride_home": contact("Who takes me home"),
        },
        message='Preparation is an object like {"checklist": [], "ride_home": {"name": "Sam"}}.',
    ),
    description="Session-day checklist and ride home",
    form="preparation_json",
)
FOLLOW_UP = Structure(
    group=Group(
        fields={
            "sleep_hours": Number(
                minimum=0, maximum=24, message="Sleep is a number of hours from 0 to 24."
            ),
            "dissociation": Integer(
                message="Rate how detached or unreal you still feel from 0 to 10."
            ),
            "mood": Integer(message="Rate your mood from 0 to 10."),
        },
        message='A follow-up is an object like {"sleep_hours": 7, "mood": 6}.',
    ),
    description="The morning after: sleep hours, lingering dissociation 0-10, mood 0-10",
    form="follow_up_json",
)

# Defaults for a first session-day checklist (docs/clinical/SAFETY_PLAN.md); editable, never rules.
DEFAULT_CHECKLIST = (
    "Arrange a ride home: no driving until tomorrow",
    "Check with your clinic how long to go without food before",
    "Bring headphones, an eye mask or a blanket if you like",
    "Write down your intention for the session",
    "Plan a quiet rest of the day",
)
