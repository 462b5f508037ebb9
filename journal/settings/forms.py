"""The settings form (Flask-WTF adds CSRF); the rules live in settings.services."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from .. import crisis
from ..instruments import INSTRUMENTS
from .services import DEFAULT_SCHEDULES, DISPLAY_NAME_MAX, THEMES, WEEK_STARTS

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


class SettingsForm(FlaskForm):
    """Every setting on one page."""

    display_name = StringField(
        "Your name (used on the report and the share view; optional)",
        validators=[Optional(), Length(max=DISPLAY_NAME_MAX)],
        render_kw={"autocomplete": "name", "maxlength": DISPLAY_NAME_MAX},
    )
    timezone = StringField(
        "Time zone",
        render_kw={"list": "timezones", "autocomplete": "off", "data-detect-timezone-offer": ""},
    )
    region = SelectField(
        "Crisis lines for",
        choices=[
            SelectChoice("", "From my time zone"),
            *(SelectChoice(code, name) for code, name in crisis.REGION_CHOICES),
        ],
    )
    theme = RadioField("Theme", choices=[SelectChoice(*pair) for pair in THEMES.items()])
    week_start = SelectField(
        "First day of the week", choices=[SelectChoice(*pair) for pair in WEEK_STARTS.items()]
    )
    pcl5_form = RadioField(
        "PCL-5 form",
        choices=[
            SelectChoice("month", INSTRUMENTS["pcl5"].stem),
            SelectChoice("week", INSTRUMENTS["pcl5w"].stem),
        ],
    )


def add_schedule_fields() -> None:
    """Give the form enabled / how often / after a session fields for each questionnaire."""
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


add_schedule_fields()


def fill(form: SettingsForm, user, settings: dict) -> None:
    """Put the user's current settings into the form."""
    form.display_name.data = settings["display_name"] or ""
    form.timezone.data = user.timezone
    form.region.data = user.region
    form.theme.data = settings["theme"]
    form.week_start.data = settings["week_start"]
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
    return {
        "display_name": form.display_name.data,
        "timezone": (form.timezone.data or "").strip(),
        "region": form.region.data,
        "theme": form.theme.data,
        "week_start": form.week_start.data,
        "schedules": schedules,
    }
