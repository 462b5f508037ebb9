"""The reminders settings form (Flask-WTF adds CSRF), made from the declaration in rules."""

from flask_wtf import FlaskForm

from ..form_controls import control
from .rules import KIND_SWITCHES, REMINDERS

KIND_LABELS = {name: REMINDERS.field(f"kinds.{name}").label for name in KIND_SWITCHES}


class RemindersForm(FlaskForm):
    """Time, quiet hours, which reminders and which channels."""

    time = control(REMINDERS, "time")
    # Quiet hours are optional; given, both ends are required (the service says so).
    quiet_start = control(REMINDERS, "quiet_hours.start", "Quiet from", required=False)
    quiet_end = control(REMINDERS, "quiet_hours.end", "until", required=False)
    email = control(REMINDERS, "channels.email")
    push = control(REMINDERS, "channels.push")
    daily = control(REMINDERS, "kinds.daily")
    questionnaires = control(REMINDERS, "kinds.questionnaires")
    reflections = control(REMINDERS, "kinds.reflections")


def form_to_data(form: RemindersForm, calendar: bool) -> dict:
    """Turn the posted form into the body the service validates (the API's shape)."""
    start, end = form.quiet_start.data or "", form.quiet_end.data or ""
    quiet = {"start": start, "end": end} if (start or end) else None
    return {
        "time": form.time.data or "",
        "quiet_hours": quiet,
        "channels": {"push": form.push.data, "email": form.email.data, "calendar": calendar},
        "kinds": {name: form[name].data for name in KIND_SWITCHES},
    }


def fill(form: RemindersForm, prefs: dict) -> None:
    """Put saved preferences into the form."""
    form.time.data = prefs["time"]
    quiet = prefs["quiet_hours"] or {}
    form.quiet_start.data, form.quiet_end.data = quiet.get("start", ""), quiet.get("end", "")
    for name in ("email", "push"):
        form[name].data = prefs["channels"][name]
    for name in KIND_SWITCHES:
        form[name].data = prefs["kinds"][name]
