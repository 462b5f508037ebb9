"""What a person sends to sign up and to change a password or e-mail, declared once."""

import zoneinfo
from functools import cache

from .. import crisis
from ..fields import BodySpec, Boolean, Choice, Email, Secret
from .passwords import PASSWORD_MAX, PASSWORD_MIN


@cache
def known_timezones() -> frozenset[str]:
    """Return the IANA time zone names this machine knows."""
    return frozenset(zoneinfo.available_timezones())


def timezone_field(**options) -> Choice:
    """Declare a time zone: any IANA name this machine knows (too many to list in OpenAPI)."""
    return Choice(
        options=known_timezones,
        listed=False,
        message="Choose a time zone from the list, like Europe/London.",
        **options,
    )


def region_field(unset: tuple = ("",), **options) -> Choice:
    """Declare a crisis-lines region; blank (or null) means 'from my time zone'."""
    return Choice(
        options=dict(crisis.REGION_CHOICES),
        unset=unset,
        message="Choose a region from the list.",
        **options,
    )


def new_password(label: str = f"New password ({PASSWORD_MIN} characters or more)") -> Secret:
    """Declare a new password's length limits (its strength is checked against the account)."""
    return Secret(required=True, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX, label=label)


def current_password(label: str = "Your password") -> Secret:
    """Declare the password that confirms an action (checked against the account)."""
    return Secret(required=True, max_length=PASSWORD_MAX, label=label)


REGISTER = BodySpec(
    name="register",
    fields={
        "email": Email(required=True, example="sam@example.com", label="Email"),
        "password": new_password(
            f"Password (at least {PASSWORD_MIN} characters, not easy to guess)"
        ),
        "timezone": timezone_field(required=True, example="America/Chicago", label="Time zone"),
        "region": region_field(
            description="Crisis resources region; by default, from the time zone",
            label="Where should we point you for crisis help?",
        ),
        "remember": Boolean(description="Keep me signed in", nullable=False),
    },
    hidden=("password",),
)

PASSWORD_CHANGE = BodySpec(
    name="password_change",
    fields={
        "current_password": current_password("Current password"),
        "new_password": new_password(),
    },
    hidden=("current_password", "new_password"),
)

EMAIL_CHANGE = BodySpec(
    name="email_change",
    fields={
        "email": Email(
            required=True, message="Enter an e-mail address.", label="New e-mail address"
        ),
        "password": current_password(),
    },
    hidden=("password",),
)

PASSWORD_RESET = BodySpec(
    name="password_reset",
    fields={
        # Longer or shorter than any token made here: the same answer as a used one.
        "token": Secret(
            required=True, min_length=20, max_length=100, message="Ask for a new reset link."
        ),
        "new_password": new_password(),
    },
    hidden=("token", "new_password"),
)
