"""Database models (SQLAlchemy 2.x typed mappings)."""

import uuid
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .crypto import Encrypted, identity_aad
from .extensions import db

UNREADABLE_TAG = "unreadable"


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store aware datetimes as UTC and return them aware; refuse naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Convert to UTC, rejecting naive datetimes (their zone is a guess)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; attach a time zone")
        value = value.astimezone(UTC)
        # SQLite has no zone support: store naive UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Timestamps:
    """Creation and update times, set by the database session."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class EncryptedRow:
    """A row with encrypted columns: each value is bound to the row's table, user and stable id."""

    def stable_id(self) -> object:
        """Return what identifies the row for good (its client id; never reused)."""
        return self.client_id

    def encryption_aad(self, column: str) -> bytes:
        """Return the associated data of one of the row's encrypted values."""
        return identity_aad(self.__tablename__, column, self.user_id, self.stable_id())


class SyncedRecord(EncryptedRow, Timestamps):
    """What every record a phone can create offline shares: owner, client id, revision, times.

    The client id is the phone's UUID for the record, unique per user, so a retried upload is
    an idempotent upsert; the revision makes a stale edit a conflict instead of a lost update.
    """

    extra_table_args: tuple = ()

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    revision: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr
    def user_id(cls) -> Mapped[int]:
        """The owner; rows go with the account."""
        # No separate index: the unique constraint below leads with user_id.
        return mapped_column(ForeignKey("users.id", ondelete="CASCADE"))

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        """The shared unique constraint, then the record's own."""
        return (UniqueConstraint("user_id", "client_id"), *cls.extra_table_args)


class User(UserMixin, EncryptedRow, db.Model):
    """A person keeping the journal."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    region: Mapped[str] = mapped_column(String(8), default="US")
    gad7_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Settings (journal/settings): the name the report and share view use; None = not set.
    display_name_stored: Mapped[str | None] = mapped_column("display_name", Text)
    display_name = Encrypted("display_name_stored")
    theme: Mapped[str] = mapped_column(String(8), default="system", server_default="system")
    week_start: Mapped[str] = mapped_column(String(10), default="monday", server_default="monday")
    # Per questionnaire {enabled, every_days, after_session, form?}; None = the defaults.
    schedules: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # Bumped in the same transaction as every record write (journal/records.py), so derived data
    # cached under it (chart analyses) can never outlive the data it was computed from.
    data_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    checkins: Mapped[list["CheckIn"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    treatment_sessions: Mapped[list["TreatmentSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    reflections: Mapped[list["Reflection"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def user_id(self) -> int:
        """Return the user's own id (its encrypted values are bound to it)."""
        return self.id

    def stable_id(self) -> object:
        """A user is identified by its id."""
        return self.id

    def set_password(self, password: str) -> None:
        """Store an argon2id hash of the password."""
        from .accounts.passwords import hash_password

        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches the stored hash."""
        from .accounts.passwords import verify

        return verify(self.password_hash, password)


class CheckIn(SyncedRecord, db.Model):
    """One user's answers to one instrument for one local date."""

    __tablename__ = "checkins"
    extra_table_args = (UniqueConstraint("user_id", "instrument", "local_date"),)

    instrument: Mapped[str] = mapped_column(String(16))
    local_date: Mapped[date] = mapped_column(Date)
    # A daily check-in may leave items unanswered (None); its total and band are None then.
    answers: Mapped[list[int | None]] = mapped_column(JSON)
    mood: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    band: Mapped[str | None] = mapped_column(String(32))
    safety: Mapped[bool] = mapped_column(Boolean)
    note_stored: Mapped[str | None] = mapped_column("note", Text)
    note = Encrypted("note_stored")
    tags_stored: Mapped[str | None] = mapped_column("tags", Text)
    tags = Encrypted("tags_stored", json_value=True, unreadable=[UNREADABLE_TAG], empty=list)

    user: Mapped[User] = relationship(back_populates="checkins")


class TreatmentSession(SyncedRecord, db.Model):
    """One treatment session (infusion, injection, nasal spray, ...) a user logged or planned."""

    __tablename__ = "treatment_sessions"
    extra_table_args = (Index("ix_treatment_sessions_user_id_local_date", "user_id", "local_date"),)

    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The date where the user was when they logged it; range queries and timelines use it.
    local_date: Mapped[date] = mapped_column(Date)
    # The route alone never says which drug an IV infusion was.
    medication: Mapped[str | None] = mapped_column(String(16))
    medication_label_stored: Mapped[str | None] = mapped_column("medication_label", Text)
    medication_label = Encrypted("medication_label_stored")
    route: Mapped[str] = mapped_column(String(16))
    route_label_stored: Mapped[str | None] = mapped_column("route_label", Text)
    route_label = Encrypted("route_label_stored")
    dose: Mapped[float | None] = mapped_column(Float)
    dose_unit: Mapped[str | None] = mapped_column(String(8))
    clinic_stored: Mapped[str | None] = mapped_column("clinic", Text)
    clinic = Encrypted("clinic_stored")
    intention_stored: Mapped[str | None] = mapped_column("intention", Text)
    intention = Encrypted("intention_stored")
    side_effects: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    bp_before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    bp_after: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    notes_stored: Mapped[str | None] = mapped_column("notes", Text)
    notes = Encrypted("notes_stored")
    planned: Mapped[bool] = mapped_column(Boolean, default=False)
    # Session day (journal/safety/spec.py): the person's checklist and ride home, encrypted.
    preparation_stored: Mapped[str | None] = mapped_column("preparation", Text)
    preparation = Encrypted("preparation_stored", json_value=True, unreadable=None)
    # The morning after: numbers only (sleep hours, dissociation 0-10, mood 0-10).
    follow_up: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    user: Mapped[User] = relationship(back_populates="treatment_sessions")
    # No delete cascade: the database unlinks reflections (SET NULL) so writing is never lost.
    reflections: Mapped[list["Reflection"]] = relationship(
        back_populates="treatment", passive_deletes=True, order_by="Reflection.local_date"
    )


class Reflection(SyncedRecord, db.Model):
    """Integration writing, optionally about one treatment session."""

    __tablename__ = "reflections"
    extra_table_args = (Index("ix_reflections_user_id_local_date", "user_id", "local_date"),)

    local_date: Mapped[date] = mapped_column(Date)
    treatment_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_sessions.id", ondelete="SET NULL"), index=True
    )
    prompts_stored: Mapped[str | None] = mapped_column("prompts", Text)
    prompts = Encrypted("prompts_stored", json_value=True, unreadable=None)
    text_stored: Mapped[str | None] = mapped_column("text", Text)
    text = Encrypted("text_stored")
    tags_stored: Mapped[str | None] = mapped_column("tags", Text)
    tags = Encrypted("tags_stored", json_value=True, unreadable=[UNREADABLE_TAG], empty=list)
    share: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="reflections")
    treatment: Mapped[TreatmentSession | None] = relationship(back_populates="reflections")


class ShareLink(EncryptedRow, db.Model):
    """A read-only, expiring, revocable view of a date range for a therapist."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Only the SHA-256 of the token is stored: a copy of the database opens no links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    include_reflections: Mapped[bool] = mapped_column(Boolean, default=False)
    # Off by default: a share says only whether a safety plan exists and when it last changed.
    include_safety_plan: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    # The patient's own name for the link ("for Dr. Rivera"); shown only to the patient.
    label_stored: Mapped[str | None] = mapped_column("label", Text)
    label = Encrypted("label_stored")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    open_count: Mapped[int] = mapped_column(Integer, default=0)

    def stable_id(self) -> object:
        """A link is identified by its token's hash (its id is unknown before the first flush)."""
        return self.token_hash


class ShareOpen(db.Model):
    """One opening of a share link: the time and nothing else about who opened it."""

    __tablename__ = "share_opens"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(
        ForeignKey("share_links.id", ondelete="CASCADE"), index=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
