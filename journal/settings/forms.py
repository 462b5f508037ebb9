"""The settings form (Flask-WTF adds CSRF), made from the declaration in settings.rules."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField

from ..form_controls import control, controls
from .rules import DEFAULT_SCHEDULES, SETTINGS

# Presets the page offers (the declaration's range holds them; the API takes any day in it).
EVERY_CHOICES = [
    SelectChoice(7, "Every week"),
    SelectChoice(14, "Every 14 days"),
    SelectChoice(30, "Every 30 days (monthly)"),
]
SCHEDULE_LABELS = {
    "phq9": "PHQ-9 (depression, past 2 weeks)",
    "gad7": "GAD-7 (anxiety, past 2 weeks)",
    "pcl5": "PCL-5 (PTSD symptoms)",
    "who5": "WHO-5 (well-being, past 2 weeks)",
}
# How some settings look on the page; what each accepts is declared in settings.rules.
LOOKS = {
    "display_name": {"autocomplete": "name"},
    "timezone": {
        "typed": True,
        "list": "timezones",
        "autocomplete": "off",
        "data-detect-timezone-offer": "",
    },
    "region": {"before": (("", "From my time zone"),)},
    "theme": {"radio": True},
}


class SettingsForm(FlaskForm):
    """Every setting on one page."""


def add_fields() -> None:
    """Give the form a control per setting, and enabled / how often / after a session each."""
    for name, made in controls(SETTINGS, LOOKS, skip=("schedules",)).items():
        setattr(SettingsForm, name, made)
    for key in DEFAULT_SCHEDULES:
        label = SCHEDULE_LABELS[key]
        setattr(SettingsForm, f"{key}_enabled", BooleanField("Offer it on Today when due"))
        setattr(
            SettingsForm,
            f"{key}_every",
            SelectField(f"How often: {label.split(' (')[0]}", choices=EVERY_CHOICES, coerce=int),
        )
        setattr(
            SettingsForm,
            f"{key}_after_session",
            BooleanField("Also restart the clock after each treatment session"),
        )
    SettingsForm.pcl5_form = control(SETTINGS, "schedules.pcl5.form", "PCL-5 form", radio=True)


add_fields()


def fill(form: SettingsForm, user, settings: dict) -> None:
    """Put the user's current settings into the form."""
    for name in SETTINGS.fields:
        if name != "schedules":
            form[name].data = settings[name] if name in settings else getattr(user, name)
    for key, schedule in settings["schedules"].items():
        form[f"{key}_enabled"].data = schedule["enabled"]
        form[f"{key}_every"].data = schedule["every_days"]
        form[f"{key}_after_session"].data = schedule["after_session"]
    form.pcl5_form.data = settings["schedules"]["pcl5"]["form"]


def form_to_data(form: SettingsForm) -> dict:
    """Turn the submitted form into the body PATCH /api/v1/me takes."""
    schedules = {
        key: {
            "enabled": bool(form[f"{key}_enabled"].data),
            "every_days": form[f"{key}_every"].data,
            "after_session": bool(form[f"{key}_after_session"].data),
        }
        for key in DEFAULT_SCHEDULES
    }
    schedules["pcl5"]["form"] = form.pcl5_form.data
    data = {name: form[name].data for name in SETTINGS.fields if name != "schedules"}
    # A pasted zone may carry spaces around it.
    data["timezone"] = (data["timezone"] or "").strip()
    return {**data, "schedules": schedules}
