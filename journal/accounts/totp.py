"""Optional two-step sign-in: an authenticator app (TOTP, RFC 6238) and ten recovery codes."""

import secrets

import pyotp
import segno
from sqlalchemy import delete, select

from .. import autonomous
from ..extensions import db
from ..models import User
from . import clock
from .models import RecoveryCode, TotpCredential
from .sessions import token_hash

ISSUER = "Mood Journal"
RECOVERY_CODES = 10
# Where a setup's secret waits (the signed session) until a code proves the app has it.
SETUP_KEY = "totp_setup"


def new_secret() -> str:
    """Return a fresh base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """Return the otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(user: User, secret: str) -> str:
    """Return the otpauth:// QR code as an SVG data URI for an <img> (no script, no markup)."""
    return segno.make(provisioning_uri(user, secret), error="m").svg_data_uri(scale=5, border=2)


def matching_step(secret: str, code: object) -> int | None:
    """Return the time step a 6-digit code is valid for (now, or one step either side)."""
    if not isinstance(code, str):
        return None
    code = code.replace(" ", "").strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = clock.now()
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def credential(user: User) -> TotpCredential | None:
    """Return the user's authenticator, if two-step sign-in is on."""
    return db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))


def is_enabled(user: User) -> bool:
    """Tell whether the user signs in with a second step."""
    return credential(user) is not None


def enable(user: User, secret: str, code: object) -> list[str] | None:
    """Turn two-step sign-in on once the app shows a right code; return the recovery codes."""
    step = matching_step(secret, code)
    if step is None:
        return None
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.add(TotpCredential(user_id=user.id, secret=secret, last_step=step))
    codes = replace_recovery_codes(user)
    return codes


def replace_recovery_codes(user: User) -> list[str]:
    """Store ten new recovery codes (hashed) in place of the old; return them to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=token_hash(code)))
    return codes


def disable(user: User) -> None:
    """Turn two-step sign-in off and forget its recovery codes."""
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


@autonomous.alone("two_step_code")
def verify(user: User, code: object) -> bool:
    """Accept a current app code once, or use up one recovery code."""
    found = credential(user)
    if found is None:
        return True
    step = matching_step(found.secret, code)
    if step is not None:
        if step <= found.last_step:
            return False  # already used: a code seen over a shoulder cannot be replayed
        found.last_step = step
        return True
    if not isinstance(code, str):
        return False
    recovery = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == token_hash(code.strip().lower()),
        )
    )
    if recovery is None:
        return False
    db.session.delete(recovery)
    return True


def recovery_left(user: User) -> int:
    """Return how many recovery codes are unused."""
    query = select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)
    return len(db.session.scalars(query).all())
