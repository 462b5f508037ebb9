"""The form that makes a share link, made from the declaration in share.rules."""

from flask_wtf import FlaskForm

from ..form_controls import control
from .rules import SHARE


class ShareForm(FlaskForm):
    """A date range, how long the link lives, and whether shared reflections go in."""

    label = control(SHARE, "label", autocomplete="off")
    start = control(SHARE, "from", required=True)
    end = control(SHARE, "to", required=True)
    expires_in_days = control(SHARE, "expires_in_days", required=True)
    # Off by default, like each reflection's own switch: sharing writing is a choice.
    include_reflections = control(SHARE, "include_reflections")
    include_safety_plan = control(SHARE, "include_safety_plan")

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
