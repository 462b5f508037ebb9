"""Reminder preferences, Web Push subscriptions, the sent log and the calendar secret."""

from datetime import date, datetime
from datetime import time as wall_time

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow


class ReminderPreference(db.Model):
    """One person's reminder choices: when, which, how; no row means reminders are off."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Wall-clock time in the person's zone (users.timezone), so it follows them across DST.
    time: Mapped[wall_time] = mapped_column(Time)
    quiet_start: Mapped[wall_time | None] = mapped_column(Time)
    quiet_end: Mapped[wall_time | None] = mapped_column(Time)
    push: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar: Mapped[bool] = mapped_column(Boolean, default=False)
    daily: Mapped[bool] = mapped_column(Boolean, default=True)
    questionnaires: Mapped[bool] = mapped_column(Boolean, default=True)
    reflections: Mapped[bool] = mapped_column(Boolean, default=True)
    # Only the SHA-256 of the subscription URL's secret: a copy of the database opens no calendar.
    calendar_secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The local date send-reminders last looked at this person after their time: it skips
    # them until their next day, so a run's queries follow who is due, not who has an account.
    evaluated_on: Mapped[date | None] = mapped_column(Date)


class PushSubscription(db.Model):
    """One browser's Web Push subscription (endpoint and keys) for one person."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Unique: one browser subscribes for whoever signed in last on it.
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderSent(db.Model):
    """A reminder claimed, then sent, for one person, kind and local date (the idempotency log)."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "kind", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    local_date: Mapped[date] = mapped_column(Date)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which channels delivered ("email,push"), and what went wrong if one failed.
    channels: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    # Sends tried: one that delivered nothing is tried again by a later run, up to a limit.
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
