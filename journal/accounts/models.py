"""Tables for sign-in sessions, reset tokens, shared throttle counters and the security log."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import Encrypted
from ..extensions import db
from ..models import EncryptedRow, UTCDateTime, utcnow


class LoginSession(db.Model):
    """One signed-in device; the cookie holds a random id, the table only its SHA-256."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Unique, so checking a request is one indexed lookup.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(80))
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idle_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PasswordResetToken(db.Model):
    """A single-use, expiring password reset; only the SHA-256 of the e-mailed token is kept."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ThrottleCounter(db.Model):
    """A failure count per key ("login-address:203.0.113.7") that every worker and host shares."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SecurityEvent(db.Model):
    """One sign-in, sign-out, password, e-mail, export, share or deletion event; no health data."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a failed sign-in to an address with no account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))


class TotpCredential(EncryptedRow, db.Model):
    """An authenticator app confirmed for two-step sign-in (one per user)."""

    __tablename__ = "totp_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Encrypted like the journal's free text: a stolen database must not yield second factors.
    secret_stored: Mapped[str] = mapped_column("secret", Text)
    secret = Encrypted("secret_stored")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last 30-second step a code was accepted for: a code works once (no replay).
    last_step: Mapped[int] = mapped_column(Integer, default=0)

    def stable_id(self) -> object:
        """A person has one authenticator at most: the owner identifies the row."""
        return self.user_id


class RecoveryCode(db.Model):
    """A one-time code for signing in without the authenticator app; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))


class PendingSignup(db.Model):
    """A sign-up waiting for its e-mail link; no account exists until the link is opened."""

    __tablename__ = "pending_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    timezone: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(8))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
