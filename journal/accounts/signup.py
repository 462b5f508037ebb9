"""E-mail-confirmed sign-up: the answer to a sign-up never says whether the address is taken.

On when mail can be sent (JOURNAL_SMTP_HOST and JOURNAL_BASE_URL set, or JOURNAL_SIGNUP_CONFIRM
= "on"); a self-hosted journal without mail keeps the immediate sign-up.
"""

import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from .. import crisis, mail
from ..errors import Invalid
from ..extensions import db
from ..models import User
from . import clock, passwords
from .models import PendingSignup
from .sessions import token_hash
from .users import find_user, normalise_email, validate_registration

LIFETIME = timedelta(hours=24)
# Never a valid argon2 hash: nothing verifies against a decoy row.
DECOY_HASH = "!decoy"


def confirmation_on(config) -> bool:
    """Tell whether sign-ups wait for an e-mail link."""
    setting = config.get("JOURNAL_SIGNUP_CONFIRM", "auto")
    if setting == "auto":
        return mail.is_configured(config) and bool(config.get("JOURNAL_BASE_URL"))
    return setting == "on"


def start(
    email: object, password: object, timezone: object, region: object
) -> tuple[str, str | None]:
    """Check a sign-up; return (address, token), token None when the address has an account.

    Both kinds do the same work, so the time taken says nothing: the password is hashed and a
    pending row written either way. A taken address gets a decoy row whose token is never sent
    and which finish() refuses while the account exists; it expires like any other.
    """
    address = normalise_email(email)
    region = region or crisis.region_for_timezone(timezone)
    errors = validate_registration(address, password, timezone, region)
    if errors:
        raise Invalid("Some fields need attention.", errors)
    now = clock.now()
    db.session.execute(delete(PendingSignup).where(PendingSignup.expires_at <= now))
    taken = find_user(address) is not None
    token = secrets.token_urlsafe(32)
    password_hash = passwords.hash_password(password)
    db.session.add(
        PendingSignup(
            token_hash=token_hash(token),
            email=address,
            # The decoy keeps no hash of what was typed at someone else's address.
            password_hash=DECOY_HASH if taken else password_hash,
            timezone=timezone,
            region=region,
            expires_at=now + LIFETIME,
        )
    )
    return address, None if taken else token


def finish(token: object) -> User | None:
    """Create the account a live link confirms; None when the link is unknown, used or old."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    pending = db.session.scalar(
        select(PendingSignup).where(
            PendingSignup.token_hash == token_hash(token), PendingSignup.expires_at > clock.now()
        )
    )
    if pending is None or pending.password_hash == DECOY_HASH or find_user(pending.email):
        return None
    user = User(
        email=pending.email,
        password_hash=pending.password_hash,
        timezone=pending.timezone,
        region=pending.region,
    )
    db.session.add(user)
    db.session.execute(delete(PendingSignup).where(PendingSignup.email == pending.email))
    return user
