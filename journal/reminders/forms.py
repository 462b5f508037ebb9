"""The reminders settings form (Flask-WTF adds CSRF); the rules live in reminders.services."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from .services import KIND_SWITCHES

KIND_LABELS = {
    "daily": "The daily check-in, when it is not done yet",
    "questionnaires": "Questionnaires when they are due (for at most three days)",
    "reflections": "Reflection prompts the day after and a week after a session",
}


class RemindersForm(FlaskForm):
    """Time, quiet hours, which reminders and which channels."""

    time = StringField("Remind me at", render_kw={"type": "time", "required": True})
    quiet_start = StringField("Quiet from", render_kw={"type": "time"})
    quiet_end = StringField("until", render_kw={"type": "time"})
    email = BooleanField("By e-mail")
    push = BooleanField("As notifications on devices where I turn them on")
    daily = BooleanField(KIND_LABELS["daily"])
    questionnaires = BooleanField(KIND_LABELS["questionnaires"])
    reflections = BooleanField(KIND_LABELS["reflections"])


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
