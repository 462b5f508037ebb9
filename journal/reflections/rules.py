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
from ..treatments.rules import EARLIEST, clean_text

PROMPTS = {
    "came_up": "What came up?",
    "feelings": "What feelings were there?",
    "body": "What did you notice in your body?",
    "insight": "Any insight?",
    "action": "One action I will take",
}
PROMPT_MAX = 5000
TEXT_MAX = 20000
TAGS_MAX = 20
TAG_MAX = 40
FOLLOW_UPS = (
    ("day0", 0, "On the day"),
    ("day1", 1, "The next day"),
    ("day7", 7, "A week later"),
)
OPEN_FOR = timedelta(days=7)
# The dashboard looks this far back for sessions whose prompts may still be open.
PROMPT_HORIZON = timedelta(days=max(offset for _key, offset, _label in FOLLOW_UPS)) + OPEN_FOR


def clean_prompts(value: object, errors: dict) -> dict | None:
    """Return the guided prompts that were answered (None when none were)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        errors["prompts"] = 'Prompts are an object like {"came_up": "..."}.'
        return None
    for key in set(value) - set(PROMPTS):
        errors[f"prompts.{key}"] = "Not one of this journal's prompts."
    answers = {}
    for key in PROMPTS:
        field_errors: dict = {}
        answer = clean_text(value, key, PROMPT_MAX, field_errors)
        if field_errors:
            errors[f"prompts.{key}"] = field_errors[key]
        elif answer is not None:
            answers[key] = answer
    return answers or None


def normalise_tags(value: object, errors: dict) -> list[str]:
    """Return tags trimmed, lower-cased and without repeats; note an error for a bad one."""
    if value is None:
        return []
    if not isinstance(value, list):
        errors["tags"] = "Tags are a list of words."
        return []
    tags: list[str] = []
    for index, tag in enumerate(value):
        field = f"tags.{index}"
        if not isinstance(tag, str):
            errors[field] = "A tag is text."
            continue
        tag = " ".join(tag.split()).lower()
        if not 1 <= len(tag) <= TAG_MAX:
            errors[field] = f"A tag is 1 to {TAG_MAX} characters."
        elif "," in tag:
            # The page edits tags as one comma-separated line; a comma would split the tag.
            errors[field] = "A tag cannot contain a comma."
        elif tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        errors["tags"] = f"At most {TAGS_MAX} tags."
    return tags


def clean_reflection(data: dict, today: date) -> dict:
    """Validate a reflection body except its session link; raise Invalid with every problem."""
    errors: dict[str, str] = {}
    local_date = data.get("local_date")
    if isinstance(local_date, str):
        try:
            local_date = date.fromisoformat(local_date)
        except ValueError:
            local_date = None
    if not isinstance(local_date, date):
        errors["local_date"] = "Use a date like 2026-01-31."
    elif local_date > today:
        errors["local_date"] = "This date is after today where you are."
    elif local_date < EARLIEST:
        errors["local_date"] = "A reflection cannot be dated before 1900."
    share = data.get("share")
    if share is None:
        share = False
    elif not isinstance(share, bool):
        errors["share"] = "Must be true or false."
    fields = {
        "local_date": local_date,
        "prompts": clean_prompts(data.get("prompts"), errors),
        "text": clean_text(data, "text", TEXT_MAX, errors),
        "tags": normalise_tags(data.get("tags"), errors),
        "share": share,
    }
    if not errors and fields["prompts"] is None and fields["text"] is None:
        errors["text"] = "Write something: answer a prompt or use the free text."
    if errors:
        raise Invalid("Some fields need attention.", errors)
    return fields


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
