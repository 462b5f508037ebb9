"""The one clock account code reads, so tests can move time instead of sleeping."""

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)
