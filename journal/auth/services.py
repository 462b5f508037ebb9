"""Create accounts and check credentials; shared by the sign-in pages and the API."""

import zoneinfo
from functools import cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import crisis
from ..errors import Invalid
from ..extensions import db
from ..models import User

PASSWORD_MIN, PASSWORD_MAX = 8, 128


@cache
def dummy_hash() -> str:
    """Return a hash to check against for unknown emails, so both paths take as long."""
    return generate_password_hash("not a real password", method="scrypt")


@cache
def known_timezones() -> frozenset[str]:
    """Return the IANA time zone names this machine knows."""
    return frozenset(zoneinfo.available_timezones())


def normalise_email(email: object) -> str:
    """Return the email trimmed and lower-cased."""
    return email.strip().lower() if isinstance(email, str) else ""


def validate_registration(email: str, password: object, timezone: object, region: object) -> dict:
    """Return the field errors of a registration (empty when it is fine)."""
    errors = {}
    if not (3 <= len(email) <= 254 and "@" in email.strip("@") and " " not in email):
        errors["email"] = "Enter an email address like name@example.com."
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        errors["password"] = f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."
    if timezone not in known_timezones():
        errors["timezone"] = "Choose a time zone from the list, like Europe/London."
    if region not in crisis.REGIONS:
        errors["region"] = "Choose a region from the list."
    return errors


def find_user(email: str) -> User | None:
    """Return the user with this email, ignoring case."""
    query = select(User).where(func.lower(User.email) == normalise_email(email))
    return db.session.scalars(query).one_or_none()


def register_user(email: object, password: object, timezone: object, region: object = None) -> User:
    """Create an account, or raise Invalid with field errors."""
    email = normalise_email(email)
    # No choice made: the default comes from the zone name exactly as the browser reported it.
    region = region or crisis.region_for_timezone(timezone)
    errors = validate_registration(email, password, timezone, region)
    if not errors and find_user(email) is not None:
        errors["email"] = "An account with this email already exists; sign in instead."
    if errors:
        raise Invalid("Some fields need attention.", errors)
    user = User(email=email, timezone=timezone, region=region)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: object, password: object) -> User | None:
    """Return the user whose credentials these are, or None."""
    user = find_user(email) if isinstance(email, str) else None
    if not isinstance(password, str) or len(password) > PASSWORD_MAX:
        return None
    if user is None:
        check_password_hash(dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def update_preferences(user: User, timezone: object, region: object, gad7_enabled: bool) -> None:
    """Change a user's time zone, crisis region and GAD-7 schedule."""
    errors = validate_registration(user.email, "x" * PASSWORD_MIN, timezone, region)
    if errors:
        raise Invalid("Some fields need attention.", errors)
    user.timezone, user.region, user.gad7_enabled = timezone, region, gad7_enabled
    db.session.commit()
