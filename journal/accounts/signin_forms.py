"""Sign-in and registration forms (Flask-WTF adds CSRF to each)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length

from .. import crisis


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[InputRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Password", validators=[InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField("Keep me signed in on this device")


class RegisterForm(FlaskForm):
    """A new account: email, password, time zone and crisis region."""

    email = EmailField("Email", validators=[InputRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Password (at least 8 characters, not easy to guess)",
        validators=[InputRequired(), Length(min=8, max=128)],
        render_kw={"autocomplete": "new-password", "minlength": 8},
    )
    timezone = StringField(
        "Time zone",
        validators=[InputRequired()],
        default="UTC",
        render_kw={"list": "timezones", "autocomplete": "off", "data-detect-timezone": ""},
    )
    region = SelectField(
        "Where should we point you for crisis help?",
        choices=[
            SelectChoice("", "From my time zone (you can change it later)"),
            *(SelectChoice(code, name) for code, name in crisis.REGION_CHOICES),
        ],
        default="",
    )
