"""The form that makes a share link."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, Optional

from .services import EXPIRES_DEFAULT, EXPIRES_MAX, EXPIRES_MIN, LABEL_MAX


class ShareForm(FlaskForm):
    """A date range, how long the link lives, and whether shared reflections go in."""

    label = StringField(
        "Label (only you see it), e.g. “for Dr. Rivera”",
        validators=[Optional(), Length(max=LABEL_MAX)],
        render_kw={"maxlength": LABEL_MAX, "autocomplete": "off"},
    )
    start = DateField("From", validators=[InputRequired()])
    end = DateField("To", validators=[InputRequired()])
    expires_in_days = IntegerField(
        "Link works for (days)",
        default=EXPIRES_DEFAULT,
        validators=[InputRequired()],
        render_kw={"min": EXPIRES_MIN, "max": EXPIRES_MAX, "inputmode": "numeric"},
    )
    # Off by default, like each reflection's own switch: sharing writing is a choice.
    include_reflections = BooleanField("Include reflections marked “include when sharing”")
    # Off by default: without it the link says only whether a plan exists and when it changed.
    include_safety_plan = BooleanField("Include my safety plan")

    def to_data(self) -> dict:
        """Return the form as the service's input."""
        return {
            "from": self.start.data,
            "to": self.end.data,
            "expires_in_days": self.expires_in_days.data,
            "include_reflections": bool(self.include_reflections.data),
            "include_safety_plan": bool(self.include_safety_plan.data),
            "label": self.label.data,
        }
