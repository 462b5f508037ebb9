"""Sign-in and registration forms (Flask-WTF adds CSRF to each)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import InputRequired

from ..form_controls import control
from .rules import REGISTER


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[InputRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Password", validators=[InputRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField("Keep me signed in on this device")


class RegisterForm(FlaskForm):
    """A new account: email, password, time zone and crisis region."""

    email = control(REGISTER, "email", autocomplete="email")
    password = control(REGISTER, "password", autocomplete="new-password")
    timezone = control(
        REGISTER,
        "timezone",
        typed=True,
        default="UTC",
        **{"list": "timezones", "autocomplete": "off", "data-detect-timezone": ""},
    )
    region = control(
        REGISTER,
        "region",
        before=(("", "From my time zone (you can change it later)"),),
        default="",
    )
