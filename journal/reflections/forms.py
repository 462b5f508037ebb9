"""The reflection form: guided prompts, free text, tags and the sharing switch."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..models import Reflection, TreatmentSession
from ..treatments.rules import describe
from . import rules
from .rules import REFLECTION


def prompt_field(key: str) -> TextAreaField:
    """Return a text box for one guided prompt."""
    return TextAreaField(
        rules.PROMPTS[key],
        validators=[Optional()],
        render_kw={**REFLECTION.attrs(f"prompts.{key}"), "rows": 3},
    )


class ReflectionForm(FlaskForm):
    """A reflection; every part is optional but something must be written."""

    local_date = DateField("Date", validators=[InputRequired()])
    session = SelectField("About the session", choices=[], validate_choice=False)
    came_up = prompt_field("came_up")
    feelings = prompt_field("feelings")
    body = prompt_field("body")
    insight = prompt_field("insight")
    action = prompt_field("action")
    text = TextAreaField(
        "Anything else", validators=[Optional()], render_kw={**REFLECTION.attrs("text"), "rows": 6}
    )
    tags = StringField(
        "Tags (separated by commas, optional)",
        validators=[Optional()],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    # Off by default: a reflection is private unless the person chooses to share it.
    share = BooleanField("Include when sharing with my therapist", default=False)


def session_label(treatment: TreatmentSession) -> str:
    """Label a session in the picker: its date and route."""
    label = f"{treatment.local_date.strftime('%a %-d %b %Y')} · {describe(treatment)}"
    return label + (" (planned)" if treatment.planned else "")


def set_session_choices(
    form: ReflectionForm, sessions: list[TreatmentSession], linked: TreatmentSession | None = None
) -> None:
    """Offer the user's recent sessions to link to, "none", and the linked one if it is older."""
    if linked is not None and linked not in sessions:
        # Otherwise the picker would fall back to "none" and saving would unlink it.
        sessions = [*sessions, linked]
    form.session.choices = [SelectChoice("", "Not about a particular session")] + [
        SelectChoice(str(s.client_id), session_label(s)) for s in sessions
    ]


def split_tags(value: str | None) -> list[str]:
    """Split the comma-separated tags box into tags (blanks between commas are ignored)."""
    return [tag for tag in (part.strip() for part in (value or "").split(",")) if tag]


def form_to_data(form: ReflectionForm) -> dict:
    """Turn a submitted form into the body the reflection service takes."""
    return {
        "local_date": form.local_date.data,
        "treatment_id": form.session.data or None,
        "prompts": {key: form[key].data for key in rules.PROMPTS},
        "text": form.text.data,
        "tags": split_tags(form.tags.data),
        "share": form.share.data,
    }


def fill_form(form: ReflectionForm, reflection: Reflection) -> None:
    """Put a stored reflection into the form for editing."""
    form.local_date.data = reflection.local_date
    treatment = reflection.treatment
    form.session.data = str(treatment.client_id) if treatment is not None else ""
    for key in rules.PROMPTS:
        form[key].data = (reflection.prompts or {}).get(key)
    form.text.data = reflection.text
    form.tags.data = ", ".join(reflection.tags or [])
    form.share.data = reflection.share


def field_for(name: str) -> str:
    """Return the form field that shows a service error about `name`."""
    if name == "treatment_id":
        return "session"
    if name.startswith("prompts."):
        return name.split(".", 1)[1]
    if name.startswith("tags"):
        return "tags"
    return name
