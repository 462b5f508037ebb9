"""Today's one-tap mood: set the day's mood, say what it means, and undo it."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from .. import instruments
from ..errors import Conflict, NotFound
from ..extensions import db
from ..models import CheckIn, User
from ..records import find_owned, parse_client_id
from . import moods, services

NEW = "new"  # what Undo restores for an entry the tap created: nothing (it is deleted)
NONE = "none"  # an entry that had answers but no mood


@dataclass(frozen=True)
class Said:
    """What Today answers after a tap or an Undo."""

    checkin: CheckIn | None  # None after an Undo that deleted the entry
    before: str | None  # what an Undo restores: NEW, NONE or a mood; None once undone
    comparison: str | None = None

    @property
    def word(self) -> str | None:
        """Return the mood in a word, if the entry has a mood."""
        mood = self.checkin.mood if self.checkin else None
        return None if mood is None else moods.word(mood)


def earlier_moods(user: User, day: date) -> list[int]:
    """Return the moods of the daily check-ins in the days before `day` (the average's window)."""
    query = select(CheckIn.mood).where(
        CheckIn.user_id == user.id,
        CheckIn.instrument == instruments.DAILY.id,
        CheckIn.local_date >= day - timedelta(days=moods.AVERAGE_DAYS),
        CheckIn.local_date < day,
        CheckIn.mood.is_not(None),
    )
    return list(db.session.scalars(query))


def body(checkin: CheckIn, mood: int | None) -> dict:
    """Return the check-in's full body with another mood (answers, note and tags kept)."""
    return {
        "instrument": checkin.instrument,
        "local_date": checkin.local_date,
        "answers": list(checkin.answers),
        "mood": mood,
        "note": checkin.note,
        "tags": list(checkin.tags or []),
        "base_revision": checkin.revision,
    }


def describe(user: User, checkin: CheckIn, before: str | None) -> Said:
    """Return what to say about a day's mood."""
    if checkin.mood is None:
        return Said(checkin, before)
    comparison = moods.compare(checkin.mood, earlier_moods(user, checkin.local_date))
    return Said(checkin, before, comparison)


def set_mood(user: User, day: date, mood: int, client_id) -> Said:
    """Set the day's mood (a new mood-only entry, or the existing one's mood changed)."""
    existing = services.occupant(user, instruments.DAILY.id, day)
    if existing is None:
        data = {"instrument": instruments.DAILY.id, "local_date": day, "mood": mood}
        checkin, _created = services.upsert_checkin(user, client_id, data)
        return describe(user, checkin, NEW)
    before = NONE if existing.mood is None else str(existing.mood)
    checkin, _created = services.upsert_checkin(user, existing.client_id, body(existing, mood))
    return describe(user, checkin, before)


def undo(user: User, client_id, revision: int, before: str) -> Said:
    """Put the entry back as it was before the tap: delete it if the tap made it."""
    checkin = services.get_checkin(user, client_id)  # another user's entry: NotFound (404)
    if checkin.instrument != instruments.DAILY.id:
        raise NotFound("No such mood entry.")
    if checkin.revision != revision:
        raise Conflict("This entry changed after the tap; open it to change it.")
    if before == NEW:
        services.delete_checkin(user, client_id)
        return Said(None, None)
    mood = None if before == NONE else int(before)
    checkin, _created = services.upsert_checkin(user, client_id, body(checkin, mood))
    return Said(checkin, None)


def recall(user: User, client_id: str | None, before: str | None) -> Said | None:
    """Return what a tap or an Undo did, from what the session kept across the redirect."""
    if client_id is None:
        return Said(None, None)  # an Undo deleted the entry
    checkin = find_owned(CheckIn, user, parse_client_id(client_id))
    return None if checkin is None else describe(user, checkin, before)
