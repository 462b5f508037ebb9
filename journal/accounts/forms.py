"""Forms for the account pages (Flask-WTF adds CSRF to each)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired

from ..form_controls import control
from .rules import EMAIL_CHANGE, PASSWORD_CHANGE, PASSWORD_RESET


def password_field(label: str, autocomplete: str) -> PasswordField:
    """Return a required password field with the right autocomplete hint."""
    return PasswordField(
        label, validators=[InputRequired()], render_kw={"autocomplete": autocomplete}
    )


class PasswordChangeForm(FlaskForm):
    """The current password and a new one."""

    current_password = control(PASSWORD_CHANGE, "current_password", autocomplete="current-password")
    new_password = control(PASSWORD_CHANGE, "new_password", autocomplete="new-password")


class EmailChangeForm(FlaskForm):
    """A new e-mail address, confirmed with the password."""

    email = control(EMAIL_CHANGE, "email", autocomplete="email")
    password = control(EMAIL_CHANGE, "password", autocomplete="current-password")


class DeleteForm(FlaskForm):
    """The password, confirming deletion."""

    password = password_field("Your password", "current-password")


class ForgotForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField(
        "Your e-mail address", validators=[InputRequired()], render_kw={"autocomplete": "email"}
    )


class ResetForm(FlaskForm):
    """A new password."""

    new_password = control(PASSWORD_RESET, "new_password", autocomplete="new-password")


class ConfirmForm(FlaskForm):
    """A button and its CSRF token (ending sessions)."""


class CodeForm(FlaskForm):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField(
        "Code from your authenticator app",
        validators=[InputRequired()],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
