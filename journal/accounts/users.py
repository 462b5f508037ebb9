"""Create accounts and check credentials; shared by the sign-in pages and the API."""

from sqlalchemy import func, select

from .. import crisis
from ..errors import Invalid
from ..extensions import db
from ..models import User
from . import passwords
from .passwords import PASSWORD_MAX
from .rules import REGISTER
from .rules import known_timezones as known_timezones  # where the pages and settings look


def normalise_email(email: object) -> str:
    """Return the email trimmed and lower-cased."""
    return email.strip().lower() if isinstance(email, str) else ""


def validate_registration(email: str, password: object, timezone: object, region: object) -> dict:
    """Return the field errors of a registration (empty when it is fine)."""
    errors: dict[str, str] = {}
    body = {"email": email, "password": password, "timezone": timezone, "region": region}
    REGISTER.clean(body, errors)
    # Strength depends on the address (zxcvbn penalises it): a rule spanning two fields.
    if "password" not in errors and (
        problem := passwords.problem(password, (email, email.split("@")[0]))
    ):
        errors["password"] = problem
    return errors


def valid_email(email: str) -> bool:
    """Tell whether a normalised e-mail address looks deliverable enough to store."""
    errors: dict[str, str] = {}
    REGISTER.field("email").check(email, "email", errors)
    return not errors


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
    stored = user.password_hash if user else None
    # The check may wait its turn for the hash pool (journal/accounts/hashing.py): end the read
    # transaction first, so sign-ins waiting there hold none of the database pool's connections.
    db.session.rollback()
    if stored is None:
        passwords.burn_time(password)
        return None
    if not passwords.verify(stored, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        # An old scrypt hash, or cheaper argon2 parameters: upgrade while the password is known.
        user.set_password(password)
        db.session.commit()
    return user


def update_preferences(user: User, timezone: object, region: object, gad7_enabled: bool) -> None:
    """Change a user's time zone, crisis region and GAD-7 schedule."""
    errors = validate_registration(user.email, None, timezone, region)
    errors.pop("password", None)
    if errors:
        raise Invalid("Some fields need attention.", errors)
    user.timezone, user.region, user.gad7_enabled = timezone, region, gad7_enabled
    db.session.commit()
