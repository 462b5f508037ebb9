"""The safety plan's table: one row per person, every list encrypted with their data key."""

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import UNREADABLE, Encrypted
from ..extensions import db
from ..models import EncryptedRow, UTCDateTime, utcnow


def entries(column: str, contacts: bool = False) -> Encrypted:
    """Return an encrypted list; a damaged one reads as one placeholder entry, never a 500."""
    placeholder = {"name": UNREADABLE} if contacts else UNREADABLE
    return Encrypted(column, json_value=True, unreadable=(placeholder,), empty=list)


class SafetyPlan(EncryptedRow, db.Model):
    """A person's safety plan in their own words (lists of short entries and contacts)."""

    __tablename__ = "safety_plans"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    warning_signs_stored: Mapped[str | None] = mapped_column("warning_signs", Text)
    warning_signs = entries("warning_signs_stored")
    coping_stored: Mapped[str | None] = mapped_column("coping", Text)
    coping = entries("coping_stored")
    distractions_stored: Mapped[str | None] = mapped_column("distractions", Text)
    distractions = entries("distractions_stored")
    helpers_stored: Mapped[str | None] = mapped_column("helpers", Text)
    helpers = entries("helpers_stored", contacts=True)
    professionals_stored: Mapped[str | None] = mapped_column("professionals", Text)
    professionals = entries("professionals_stored", contacts=True)
    safe_environment_stored: Mapped[str | None] = mapped_column("safe_environment", Text)
    safe_environment = entries("safe_environment_stored")
    reasons_stored: Mapped[str | None] = mapped_column("reasons", Text)
    reasons = entries("reasons_stored")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def id(self) -> int:
        """Name the row in logs as other tables do (its owner's id)."""
        return self.user_id

    def stable_id(self) -> object:
        """One plan per person: the owner's id identifies it for good."""
        return self.user_id
