"""Helpers for the reminder tests: a real SMTP server, an app that mails to it, and factories."""

from datetime import UTC, datetime, time

import pytest
from py_vapid import Vapid

from journal.extensions import db
from journal.models import User
from journal.reminders.models import ReminderPreference
from tests.conftest import app_with_schema
from tests.smtp import running_smtp, smtp_config

BASE_URL = "https://journal.example.org"


def vapid_pem() -> str:
    """Return a fresh VAPID private key as PEM (tests never write the instance folder)."""
    vapid = Vapid()
    vapid.generate_keys()
    return vapid.private_pem().decode()


@pytest.fixture
def inbox():
    """Start a local SMTP server (aiosmtpd) for the test; yield (port, inbox)."""
    with running_smtp() as (port, box):
        yield port, box


def reminder_config(smtp_port: int | None, **overrides) -> dict:
    """Return the settings a reminder test app runs with."""
    config = {
        "JOURNAL_BASE_URL": BASE_URL,
        "JOURNAL_MAIL_FROM": "Mood Journal <journal@example.org>",
        "JOURNAL_VAPID_PRIVATE_KEY": vapid_pem(),
        "JOURNAL_VAPID_SUBJECT": "mailto:ops@example.org",
    }
    if smtp_port is not None:
        config.update(smtp_config(smtp_port))
    return {**config, **overrides}


@pytest.fixture
def mail_app(inbox):
    """Create an app (empty schema) that mails reminders to the local SMTP server."""
    yield from app_with_schema(**reminder_config(inbox[0]))


def set_reminders(app, user_id: int, at: time, created: datetime, **values) -> None:
    """Store reminder preferences directly (the API tests cover validation)."""
    with app.app_context():
        defaults = {"push": False, "email": True, "calendar": False, "daily": True}
        defaults.update(questionnaires=False, reflections=False)
        pref = ReminderPreference(
            user_id=user_id, time=at, created_at=created, **{**defaults, **values}
        )
        db.session.add(pref)
        db.session.commit()


def set_timezone(app, user_id: int, zone: str) -> None:
    """Move a user to another time zone."""
    with app.app_context():
        db.session.get(User, user_id).timezone = zone
        db.session.commit()


def utc(*parts) -> datetime:
    """Return an aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


def parts(message) -> dict[str, str]:
    """Return a received message's text parts by content type."""
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
