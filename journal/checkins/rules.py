"""What a valid check-in is: its fields, declared once; answers are checked by the instrument.

Pure code: no Flask, no database.
"""

from datetime import date

from .. import instruments
from ..errors import Invalid
from ..fields import Choice, Day, Integer, Output, Raw, RecordSpec, Tags, Text

CHECKIN = RecordSpec(
    name="check-in",
    fields={
        "instrument": Choice(
            options={i.id: i.short_title for i in instruments.INSTRUMENTS.values()},
            required=True,
            message="Unknown instrument; use one of " + ", ".join(instruments.INSTRUMENTS) + ".",
        ),
        "local_date": Day(required=True),
        # The instrument's own rules check the items (one place, 1-based messages).
        "answers": Raw(
            json={
                "type": "array",
                "items": {"type": "integer", "minimum": 0, "nullable": True},
                "example": [1, 2, 1, 0, 0, 1, 0, 0, 0],
            },
            description="Required, except for a daily check-in: omit it (mood alone) or leave "
            "items null",
        ),
        "mood": Integer(
            minimum=instruments.MOOD_MIN,
            maximum=instruments.MOOD_MAX,
            description="Daily check-in only",
        ),
        "note": Text(max_length=5000),
        # What the day held ("walk", "work"); Daylio's activities arrive here on import, some
        # with commas and capitals, so both are kept as written.
        "tags": Tags(
            max_items=20,
            max_length=40,
            fold_case=False,
            commas=True,
            joiner=" | ",
            description="Daily check-in only",
        ),
    },
    outputs={
        "answers": Output(
            {"type": "array", "items": {"type": "integer", "nullable": True}},
            lambda c: list(c.answers),
        ),
        "total": Output({"type": "integer"}, lambda c: c.total),
        "band": Output({"type": "string"}, lambda c: c.band),
    },
)


def clean_checkin(data: dict, today: date) -> dict:
    """Validate a check-in body and score it; raise Invalid with every field's problem."""
    errors: dict[str, str] = {}
    values = CHECKIN.clean({**data, "mood": None}, errors)
    if values["local_date"] is not None and values["local_date"] > today:
        errors["local_date"] = "This date is after today where you are."
    instrument = instruments.INSTRUMENTS.get(values["instrument"])
    result = None
    if instrument is not None:
        try:
            values["mood"] = instruments.validate_mood(instrument, data.get("mood"))
        except instruments.InvalidAnswers as exc:
            errors.update(exc.fields)
        try:
            result = instruments.score(instrument, data.get("answers"))
        except instruments.InvalidAnswers as exc:
            errors.update(exc.fields)
        if values["tags"] and not instrument.items_optional:
            errors["tags"] = f"{instrument.short_title} has no tags; only the daily check-in does."
        if not errors and instrument.items_optional:
            errors.update(refuse_empty_daily(data.get("answers"), values["mood"]))
    if errors:
        raise Invalid("Some fields need attention.", errors)
    answers = data.get("answers") or [None] * len(instrument.items)
    values.update(answers=list(answers), total=result.total, band=result.band, safety=result.safety)
    return values


def refuse_empty_daily(answers: list | None, mood: int | None) -> dict[str, str]:
    """Return an error when a daily check-in has neither a mood nor any answer."""
    if mood is None and all(answer is None for answer in answers or ()):
        return {"mood": "Choose your mood, or answer at least one question."}
    return {}
