"""The session form: quick on a phone (big choices, side effects folded away until afterwards)."""

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Optional

from ..models import TreatmentSession
from . import rules
from .rules import TREATMENT

LEVEL_CHOICES = [SelectChoice("", "Not noted")] + [
    SelectChoice(key, label) for key, label in rules.LEVEL.choices()
]
BP_FIELDS = {
    f"{when}_{part}": (when, part)
    for when in ("bp_before", "bp_after")
    for part in ("systolic", "diastolic")
}


def number_input(name: str) -> dict:
    """Return a number box's limits from the spec, with the phone's number pad."""
    return {**TREATMENT.attrs(name), "autocomplete": "off"}


def choices(name: str) -> list[SelectChoice]:
    """Return a choice field's options from the spec."""
    return [SelectChoice(key, label) for key, label in TREATMENT.field(name).choices()]


class TreatmentForm(FlaskForm):
    """Everything a session records; only the date, time and route are required."""

    day = DateField("Date", validators=[InputRequired()])
    clock = TimeField("Time", validators=[InputRequired()])
    planned = BooleanField("Planned: this session has not happened yet")
    medication = RadioField("Medication", choices=choices("medication"), validators=[Optional()])
    medication_label = StringField(
        "Which medication? (needed for Other)",
        validators=[Optional()],
        render_kw={**TREATMENT.attrs("medication_label"), "placeholder": "e.g. psilocybin"},
    )
    route = RadioField(
        "Route",
        choices=choices("route"),
        validators=[InputRequired(message="Choose how the treatment was given.")],
    )
    route_label = StringField(
        "What was it? (needed for Other)",
        validators=[Optional()],
        render_kw={**TREATMENT.attrs("route_label"), "placeholder": "e.g. psilocybin, TMS"},
    )
    dose = DecimalField(
        "Dose (optional)",
        places=None,
        validators=[Optional()],
        render_kw={**TREATMENT.attrs("dose"), "autocomplete": "off"},
    )
    dose_unit = RadioField(
        "Unit",
        choices=choices("dose_unit"),
        default="mg",
        validators=[Optional()],
    )
    clinic = StringField(
        "Clinic or provider (optional)",
        validators=[Optional()],
        render_kw={**TREATMENT.attrs("clinic"), "autocomplete": "organization"},
    )
    intention = TextAreaField(
        "Intention (optional)",
        validators=[Optional()],
        render_kw={**TREATMENT.attrs("intention"), "rows": 2},
    )
    dissociation = RadioField(
        "Dissociation: how disconnected did you feel? (0 = not at all, 10 = completely)",
        choices=[SelectChoice(n, str(n)) for n in range(rules.DISSOCIATION_MAX + 1)],
        coerce=int,
        validators=[Optional()],
    )
    nausea = SelectField("Nausea", choices=LEVEL_CHOICES, validators=[Optional()])
    dizziness = SelectField("Dizziness", choices=LEVEL_CHOICES, validators=[Optional()])
    headache = SelectField("Headache", choices=LEVEL_CHOICES, validators=[Optional()])
    sedation = SelectField("Sleepiness", choices=LEVEL_CHOICES, validators=[Optional()])
    anxiety = SelectField("Anxiety", choices=LEVEL_CHOICES, validators=[Optional()])
    bp_before_systolic = IntegerField(
        "Before: systolic",
        validators=[Optional()],
        render_kw=number_input("bp_before.systolic"),
    )
    bp_before_diastolic = IntegerField(
        "Before: diastolic",
        validators=[Optional()],
        render_kw=number_input("bp_before.diastolic"),
    )
    bp_after_systolic = IntegerField(
        "After: systolic",
        validators=[Optional()],
        render_kw=number_input("bp_after.systolic"),
    )
    bp_after_diastolic = IntegerField(
        "After: diastolic",
        validators=[Optional()],
        render_kw=number_input("bp_after.diastolic"),
    )
    notes = TextAreaField(
        "Notes (optional)",
        validators=[Optional()],
        render_kw={**TREATMENT.attrs("notes"), "rows": 4},
    )
    # Edited on Today's session-day cards; carried through this form so saving it keeps them.
    preparation_json = HiddenField()
    follow_up_json = HiddenField()


TEXT_AND_CHOICES = (
    "planned",
    "medication",
    "medication_label",
    "route",
    "route_label",
    "clinic",
    "intention",
    "notes",
    "dose_unit",
)


# Session-day values the form carries unchanged (hidden JSON), as the offline form does.
CARRIED = ("preparation", "follow_up")


def blank_to_none(value: str | None) -> str | None:
    """Return None for an empty form value."""
    return value if value else None


def form_to_data(form: TreatmentForm, zone: ZoneInfo) -> dict:
    """Turn a submitted form into the body the session service takes."""
    data = {
        "started_at": rules.local_to_aware(form.day.data, form.clock.data, zone),
        "planned": form.planned.data,
        "medication": form.medication.data or None,
        "medication_label": form.medication_label.data,
        "route": form.route.data,
        "route_label": form.route_label.data,
        "dose": float(form.dose.data) if form.dose.data is not None else None,
        "dose_unit": form.dose_unit.data if form.dose.data is not None else None,
        "clinic": form.clinic.data,
        "intention": form.intention.data,
        "notes": form.notes.data,
        "side_effects": {
            "dissociation": form.dissociation.data,
            **{name: blank_to_none(form[name].data) for name in rules.LEVEL_EFFECTS},
        },
    }
    for name, (when, part) in BP_FIELDS.items():
        data.setdefault(when, {})[part] = form[name].data
    for name in CARRIED:
        data[name] = from_json(form[f"{name}_json"].data)
    return data


def from_json(text: str | None) -> object:
    """Return a carried JSON value; text that is not JSON goes on so the rules name the field."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def fill_form(form: TreatmentForm, treatment: TreatmentSession, zone: ZoneInfo) -> None:
    """Put a stored session into the form for editing."""
    local = treatment.started_at.astimezone(zone)
    form.day.data, form.clock.data = local.date(), local.time().replace(second=0, microsecond=0)
    for name in TEXT_AND_CHOICES:
        form[name].data = getattr(treatment, name)
    # "56" rather than "56.0": the box shows what the person typed.
    form.dose.data = Decimal(f"{treatment.dose:g}") if treatment.dose is not None else None
    effects = treatment.side_effects or {}
    form.dissociation.data = effects.get("dissociation")
    for name in rules.LEVEL_EFFECTS:
        form[name].data = effects.get(name, "")
    for name, (when, part) in BP_FIELDS.items():
        form[name].data = (getattr(treatment, when) or {}).get(part)
    for name in CARRIED:
        value = getattr(treatment, name)
        form[f"{name}_json"].data = json.dumps(value, ensure_ascii=False) if value else ""


def fill_now(form: TreatmentForm, zone: ZoneInfo, now: datetime) -> None:
    """Start a new session's form at the current minute where the user is."""
    local = now.astimezone(zone)
    form.day.data, form.clock.data = local.date(), local.time().replace(second=0, microsecond=0)


def field_for(name: str) -> str | None:
    """Return the form field that shows a service error about `name` (None: the whole form)."""
    if name == "started_at":
        return "clock"
    if name.startswith("side_effects."):
        return name.split(".", 1)[1]
    if name.startswith(("bp_before", "bp_after")):
        when, _, part = name.partition(".")
        return f"{when}_{part or 'systolic'}"
    return name
