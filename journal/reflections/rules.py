"""What a valid reflection is, and when follow-up prompts are open, as pure functions.

The prompt rule: after a session (not planned, not in the future) the journal offers a reflection
on the day, one day later and seven days later. A prompt is fulfilled by any reflection linked to
that session dated on or after the prompt's day, so a late reflection also settles the earlier
prompts. An unfulfilled prompt is open for OPEN_FOR days from its day, then lapses (it is still
shown on the session's page, but no longer asked for on the dashboard).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import Invalid
from ..fields import Boolean, Day, Group, Output, RecordSpec, Reference, Tags, Text

PROMPTS = {
    "came_up": "What came up?",
    "feelings": "What feelings were there?",
    "body": "What did you notice in your body?",
    "insight": "Any insight?",
    "action": "One action I will take",
}
FOLLOW_UPS = (
    ("day0", 0, "On the day"),
    ("day1", 1, "The next day"),
    ("day7", 7, "A week later"),
)
# How a prompt's sentence begins before "<route> session of <date>".
PROMPT_LEADS = {
    "day0": "On the day of your",
    "day1": "The day after your",
    "day7": "A week after your",
}
OPEN_FOR = timedelta(days=7)
# The dashboard looks this far back for sessions whose prompts may still be open.
PROMPT_HORIZON = timedelta(days=max(offset for _key, offset, _label in FOLLOW_UPS)) + OPEN_FOR

REFLECTION = RecordSpec(
    name="reflection",
    fields={
        "local_date": Day(required=True),
        "treatment_id": Reference(description="The session's client_id", form="session"),
        "prompts": Group(
            fields={key: Text(max_length=5000) for key in PROMPTS},
            message='Prompts are an object like {"came_up": "..."}.',
        ),
        "text": Text(max_length=20000),
        "tags": Tags(max_items=20, max_length=40),
        "share": Boolean(description="Include when sharing (private by default)"),
    },
    outputs={
        # Stored as a link to the session row; shown as the session's client id.
        "treatment_id": Output(
            {"type": "string", "format": "uuid", "nullable": True},
            lambda r: str(r.treatment.client_id) if r.treatment is not None else None,
        ),
    },
)


def clean_reflection(data: dict, today: date) -> dict:
    """Validate a reflection body except its session link; raise Invalid with every problem."""
    errors: dict[str, str] = {}
    values = REFLECTION.clean(data, errors)
    if values["local_date"] is not None and values["local_date"] > today:
        errors["local_date"] = "This date is after today where you are."
    if not errors and values["prompts"] is None and values["text"] is None:
        errors["text"] = "Write something: answer a prompt or use the free text."
    if errors:
        raise Invalid("Some fields need attention.", errors)
    return values


@dataclass(frozen=True)
class PromptStatus:
    """One follow-up prompt of a session and where it stands."""

    key: str
    label: str
    day: date
    state: str  # "done", "open", "upcoming" or "lapsed"


def prompt_schedule(session_date: date, reflection_dates: list[date], today: date) -> list:
    """Return the session's follow-up prompts with their state on `today`."""
    latest = max(reflection_dates, default=None)
    schedule = []
    for key, offset, label in FOLLOW_UPS:
        day = session_date + timedelta(days=offset)
        if latest is not None and latest >= day:
            state = "done"
        elif day > today:
            state = "upcoming"
        elif today - day < OPEN_FOR:
            state = "open"
        else:
            state = "lapsed"
        schedule.append(PromptStatus(key, label, day, state))
    return schedule
