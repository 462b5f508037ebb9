"""What a valid treatment session is, as pure functions (no Flask, no database).

Choices made here (documented for the API and the pages):
- A session dated after the user's today must be marked planned; we refuse rather than
  auto-mark, because a typo in the year would otherwise turn a real session into a plan.
- A plan may be at most 90 days ahead; nothing before 1900.
- A dose unit without a dose says nothing and is dropped; a dose needs its unit.
"""

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..errors import Invalid

ROUTES = {
    "iv": "IV infusion",
    "im": "IM injection",
    "intranasal": "Intranasal (esketamine)",
    "sublingual": "Sublingual",
    "oral": "Oral",
    "other": "Other",
}
DOSE_MAX = {"mg": 1000, "mg/kg": 10}
LEVELS = ("none", "mild", "moderate", "severe")
LEVEL_EFFECTS = ("nausea", "dizziness", "headache", "sedation", "anxiety")
SIDE_EFFECTS = ("dissociation", *LEVEL_EFFECTS)
DISSOCIATION_MAX = 10
SYSTOLIC_RANGE = (60, 260)
DIASTOLIC_RANGE = (30, 160)
PLAN_AHEAD = timedelta(days=90)
EARLIEST = date(1900, 1, 1)
ROUTE_LABEL_MAX = 80
CLINIC_MAX = 200
INTENTION_MAX = 5000
NOTES_MAX = 20000
STARTED_AT_FORMAT = "Use ISO 8601 with a UTC offset, like 2026-01-31T09:30:00-06:00."


def clean_text(data: dict, field: str, limit: int, errors: dict, strip: bool = False) -> str | None:
    """Return an optional text field (blank is None); note an error when it is not valid text."""
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        errors[field] = "Must be text."
        return None
    if not value.strip():
        return None
    if strip:
        value = value.strip()
    if len(value) > limit:
        errors[field] = f"At most {limit:,} characters; this has {len(value):,}."
    return value


def parse_started_at(value: object) -> datetime:
    """Return an aware datetime from an ISO 8601 string or a datetime; refuse naive ones."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(STARTED_AT_FORMAT, {"started_at": STARTED_AT_FORMAT}) from None
    if not isinstance(value, datetime):
        raise Invalid(STARTED_AT_FORMAT, {"started_at": STARTED_AT_FORMAT})
    if value.utcoffset() is None:
        # A time without an offset could be any of 24+ instants; guessing would misdate it.
        message = "Include the UTC offset, like 2026-01-31T09:30:00-06:00."
        raise Invalid(message, {"started_at": message})
    return value


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


def clean_dose(dose: object, unit: object, errors: dict) -> tuple[float | None, str | None]:
    """Return the dose and its unit; a dose must be positive and below its unit's maximum."""
    if unit is not None and unit not in DOSE_MAX:
        errors["dose_unit"] = "Choose mg or mg/kg."
        unit = None
    if dose is None:
        return None, None
    if isinstance(dose, bool) or not isinstance(dose, int | float) or not math.isfinite(dose):
        errors["dose"] = "Enter the dose as a number, like 0.5 or 56."
        return None, None
    if unit is None:
        errors.setdefault("dose_unit", "Say whether the dose is in mg or mg/kg.")
        return float(dose), None
    maximum = DOSE_MAX[unit]
    if not 0 < dose <= maximum:
        errors["dose"] = f"A dose in {unit} must be above 0 and at most {maximum:,} {unit}."
    return float(dose), unit


def clean_side_effects(value: object, errors: dict) -> dict | None:
    """Return the side effects that were rated (None when none were)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        errors["side_effects"] = 'Side effects are an object like {"nausea": "mild"}.'
        return None
    clean = {}
    for key, rating in value.items():
        field = f"side_effects.{key}"
        if key not in SIDE_EFFECTS:
            errors[field] = "Not a side effect this journal records."
        elif rating is None:
            continue
        elif key == "dissociation":
            if is_int(rating) and 0 <= rating <= DISSOCIATION_MAX:
                clean[key] = rating
            else:
                errors[field] = f"Rate dissociation from 0 (none) to {DISSOCIATION_MAX} (complete)."
        elif rating in LEVELS:
            clean[key] = rating
        else:
            errors[field] = "Choose none, mild, moderate or severe."
    return {key: clean[key] for key in SIDE_EFFECTS if key in clean} or None


def is_int(value: object) -> bool:
    """Tell whether a value is an integer (JSON true/false are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def clean_blood_pressure(value: object, field: str, errors: dict) -> dict | None:
    """Return {systolic, diastolic} in physiological ranges, or None when not given."""
    if value is None:
        return None
    if not isinstance(value, dict):
        errors[field] = 'Give blood pressure as {"systolic": 120, "diastolic": 80}.'
        return None
    for key in set(value) - {"systolic", "diastolic"}:
        errors[f"{field}.{key}"] = "Only systolic and diastolic are recorded."
    systolic, diastolic = value.get("systolic"), value.get("diastolic")
    if systolic is None and diastolic is None:
        return None
    clean = {}
    for key, number, (low, high) in (
        ("systolic", systolic, SYSTOLIC_RANGE),
        ("diastolic", diastolic, DIASTOLIC_RANGE),
    ):
        if number is None:
            errors[f"{field}.{key}"] = "Give both numbers, or neither."
        elif not is_int(number) or not low <= number <= high:
            errors[f"{field}.{key}"] = f"{key.title()} is a whole number from {low} to {high} mmHg."
        else:
            clean[key] = number
    if len(clean) == 2 and clean["systolic"] <= clean["diastolic"]:
        errors[field] = "Systolic (the upper number) must be higher than diastolic."
    return clean if len(clean) == 2 else None


def clean_treatment(data: dict, zone: ZoneInfo, today: date) -> dict:
    """Validate a treatment body; return the columns to store or raise Invalid naming each fault."""
    errors: dict[str, str] = {}
    planned = data.get("planned")
    if planned is None:
        planned = False
    elif not isinstance(planned, bool):
        errors["planned"] = "Must be true or false."
        planned = False
    started_at = local_date = None
    try:
        started_at = parse_started_at(data.get("started_at"))
    except Invalid as exc:
        errors.update(exc.fields)
    if started_at is not None:
        local_date = session_local_date(started_at, zone, today, planned, errors)
    route = data.get("route")
    if route not in ROUTES:
        errors["route"] = "Choose one of: " + ", ".join(ROUTES) + "."
    route_label = clean_text(data, "route_label", ROUTE_LABEL_MAX, errors, strip=True)
    if route == "other" and route_label is None and "route_label" not in errors:
        errors["route_label"] = "Name the treatment when the route is Other (e.g. psilocybin, TMS)."
    dose, dose_unit = clean_dose(data.get("dose"), data.get("dose_unit"), errors)
    fields = {
        "started_at": started_at,
        "local_date": local_date,
        "route": route,
        "route_label": route_label,
        "dose": dose,
        "dose_unit": dose_unit,
        "clinic": clean_text(data, "clinic", CLINIC_MAX, errors, strip=True),
        "intention": clean_text(data, "intention", INTENTION_MAX, errors),
        "side_effects": clean_side_effects(data.get("side_effects"), errors),
        "bp_before": clean_blood_pressure(data.get("bp_before"), "bp_before", errors),
        "bp_after": clean_blood_pressure(data.get("bp_after"), "bp_after", errors),
        "notes": clean_text(data, "notes", NOTES_MAX, errors),
        "planned": planned,
    }
    if errors:
        raise Invalid("Some fields need attention.", errors)
    return fields


def has_happened(planned: bool, local_date: date, today: date) -> bool:
    """Tell whether a session counts as taken (not a plan, not in the future)."""
    return not planned and local_date <= today
