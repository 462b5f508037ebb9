"""What a valid treatment session is: its fields, declared once, and the rules that span them.

Choices made here (documented for the API and the pages):
- A session dated after the user's today must be marked planned; we refuse rather than
  auto-mark, because a typo in the year would otherwise turn a real session into a plan.
- A plan may be at most 90 days ahead; nothing before 1900.
- A dose unit without a dose says nothing and is dropped; a dose needs its unit.
- "Other" (as a medication or a route) needs a name: the record would not say what it was.
Pure code: no Flask, no database.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..errors import Invalid
from ..fields import (
    EARLIEST,
    Boolean,
    Choice,
    Group,
    Integer,
    Moment,
    Number,
    Output,
    RecordSpec,
    Text,
)
from ..safety.spec import FOLLOW_UP, PREPARATION

MEDICATIONS = {"ketamine": "Ketamine", "esketamine": "Esketamine", "other": "Other"}
ROUTES = {
    "iv": "IV infusion",
    "im": "IM injection",
    "intranasal": "Intranasal",
    "sublingual": "Sublingual",
    "oral": "Oral",
    "other": "Other",
}
DOSE_MAX = {"mg": 1000, "mg/kg": 10}
LEVELS = ("none", "mild", "moderate", "severe")
LEVEL_EFFECTS = ("nausea", "dizziness", "headache", "sedation", "anxiety")
SIDE_EFFECTS = ("dissociation", *LEVEL_EFFECTS)
DISSOCIATION_MAX = 10
PLAN_AHEAD = timedelta(days=90)
LABEL_MAX = 80

LEVEL = Choice(
    options={level: level.title() for level in LEVELS},
    message="Choose none, mild, moderate or severe.",
)


def blood_pressure(when: str) -> Group:
    """Return a blood pressure reading's fields (mmHg); systolic above diastolic."""
    return Group(
        fields={
            "systolic": Integer(
                minimum=60,
                maximum=260,
                message="Systolic is a whole number from 60 to 260 mmHg.",
                form=f"{when}_systolic",
            ),
            "diastolic": Integer(
                minimum=30,
                maximum=160,
                message="Diastolic is a whole number from 30 to 160 mmHg.",
                form=f"{when}_diastolic",
            ),
        },
        message='Give blood pressure as {"systolic": 120, "diastolic": 80}.',
    )


TREATMENT = RecordSpec(
    name="session",
    fields={
        "started_at": Moment(
            required=True, description="ISO 8601 with a UTC offset", form="day clock"
        ),
        "planned": Boolean(description="Not happened yet (at most 90 days ahead)"),
        "medication": Choice(options=MEDICATIONS, message="Choose ketamine, esketamine or other."),
        "medication_label": Text(
            max_length=LABEL_MAX, strip=True, description="Required for medication other"
        ),
        "route": Choice(options=ROUTES, required=True),
        "route_label": Text(
            max_length=LABEL_MAX, strip=True, description="Required for route other"
        ),
        "dose": Number(
            above=0,
            maximum=max(DOSE_MAX.values()),
            message="Enter the dose as a number, like 0.5 or 56.",
            description="Above 0; at most 1000 mg or 10 mg/kg",
        ),
        "dose_unit": Choice(
            options={unit: unit for unit in DOSE_MAX}, message="Choose mg or mg/kg."
        ),
        "clinic": Text(max_length=200, strip=True),
        "intention": Text(max_length=5000),
        "side_effects": Group(
            fields={
                "dissociation": Integer(
                    minimum=0,
                    maximum=DISSOCIATION_MAX,
                    message=f"Rate dissociation from 0 (none) to {DISSOCIATION_MAX} (complete).",
                    description="How disconnected, 0-10",
                ),
                **{name: LEVEL for name in LEVEL_EFFECTS},
            },
            message='Side effects are an object like {"nausea": "mild"}.',
        ),
        "bp_before": blood_pressure("bp_before"),
        "bp_after": blood_pressure("bp_after"),
        "notes": Text(max_length=20000),
        "preparation": PREPARATION,
        "follow_up": FOLLOW_UP,
    },
    outputs={
        # Shown on the user's wall clock, stored in UTC.
        "started_at": Output(
            {"type": "string", "format": "date-time"},
            lambda t: t.started_at.astimezone(ZoneInfo(t.user.timezone)).isoformat(),
        ),
        "local_date": Output(
            {"type": "string", "format": "date"}, lambda t: t.local_date.isoformat()
        ),
    },
)


def local_to_aware(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """Combine a wall-clock date and time in a zone; refuse times skipped by a clock change."""
    aware = datetime.combine(day, clock, tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != aware.replace(tzinfo=None):
        message = "That time did not exist on that day (the clocks changed); check the time."
        raise Invalid(message, {"started_at": message})
    return aware


def session_local_date(
    started_at: datetime, zone: ZoneInfo, today: date, planned: bool, errors: dict
) -> date | None:
    """Return the session's date in the user's zone; note an error if it is out of range."""
    # Years far outside the allowed range are refused before converting (9999-12-31 overflows).
    if started_at.year < EARLIEST.year - 1:
        errors["started_at"] = "A session cannot be before 1900."
        return None
    if started_at.year > today.year + 1:
        errors["started_at"] = "A session can be planned at most 90 days ahead."
        return None
    local_date = started_at.astimezone(zone).date()
    if local_date < EARLIEST:
        errors["started_at"] = "A session cannot be before 1900."
    elif local_date > today + PLAN_AHEAD:
        errors["started_at"] = "A session can be planned at most 90 days ahead."
    elif local_date > today and not planned:
        errors["started_at"] = (
            "This date is after today. Mark the session as planned to log it ahead of time."
        )
    return local_date


def check_dose(values: dict, errors: dict) -> None:
    """A dose needs its unit and stays under that unit's maximum; a lone unit is dropped."""
    dose, unit = values["dose"], values["dose_unit"]
    if "dose" in errors and errors["dose"] != TREATMENT.field("dose").message and unit:
        errors["dose"] = dose_range(unit)
    if dose is None:
        values["dose_unit"] = None
        return
    if unit is None:
        errors.setdefault("dose_unit", "Say whether the dose is in mg or mg/kg.")
    elif dose > DOSE_MAX[unit]:
        errors["dose"] = dose_range(unit)


def dose_range(unit: str) -> str:
    """Say what a dose in this unit may be."""
    return f"A dose in {unit} must be above 0 and at most {DOSE_MAX[unit]:,} {unit}."


def check_blood_pressure(data: dict, values: dict, errors: dict) -> None:
    """Each reading gives both numbers or neither, and systolic is the higher."""
    for when in ("bp_before", "bp_after"):
        given = data.get(when)
        if not isinstance(given, dict):
            continue
        parts = {key: given.get(key) for key in ("systolic", "diastolic")}
        if list(parts.values()).count(None) == 1:
            missing = next(key for key, number in parts.items() if number is None)
            errors[f"{when}.{missing}"] = "Give both numbers, or neither."
        reading = values[when]
        if reading and len(reading) == 2 and reading["systolic"] <= reading["diastolic"]:
            errors[when] = "Systolic (the upper number) must be higher than diastolic."
        if reading and len(reading) < 2:
            values[when] = None


def check_named(values: dict, choice: str, label: str, example: str, errors: dict) -> None:
    """An "other" choice needs its name."""
    if values[choice] == "other" and values[label] is None and label not in errors:
        errors[label] = f"Name it when you choose Other ({example})."


def clean_treatment(data: dict, zone: ZoneInfo, today: date) -> dict:
    """Validate a treatment body; return the columns to store or raise Invalid naming each fault."""
    errors: dict[str, str] = {}
    values = TREATMENT.clean(data, errors)
    values["local_date"] = None
    if values["started_at"] is not None:
        values["local_date"] = session_local_date(
            values["started_at"], zone, today, values["planned"], errors
        )
    check_named(values, "route", "route_label", "e.g. psilocybin, TMS", errors)
    check_named(values, "medication", "medication_label", "e.g. psilocybin", errors)
    check_dose(values, errors)
    check_blood_pressure(data, values, errors)
    if errors:
        raise Invalid("Some fields need attention.", errors)
    return values


def has_happened(planned: bool, local_date: date, today: date) -> bool:
    """Tell whether a session counts as taken (not a plan, not in the future)."""
    return not planned and local_date <= today


def describe(treatment) -> str:
    """Name a session's medication and route for people ("Esketamine · Intranasal")."""
    route = ROUTES.get(treatment.route, treatment.route)
    if treatment.route_label:
        route = f"{route}: {treatment.route_label}"
    medication = MEDICATIONS.get(treatment.medication) if treatment.medication else None
    if treatment.medication == "other":
        medication = treatment.medication_label
    return f"{medication} · {route}" if medication else route


def medication_name(treatment) -> str | None:
    """Name a session's medication ("Ketamine", or the person's own label), or None."""
    if treatment.medication == "other":
        return treatment.medication_label
    return MEDICATIONS.get(treatment.medication) if treatment.medication else None
