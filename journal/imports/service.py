"""Run an import through the record kernel, in the caller's transaction (the caller commits).

A dry run does every check and counts what would be made, writing nothing. A date that already
has a daily check-in is left alone and counted as unchanged, so the same file twice makes
nothing the second time.
"""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import instruments, records
from ..checkins import services as checkins
from ..errors import Invalid
from ..extensions import db
from ..models import CheckIn, User
from . import json_import, parsing
from .entries import Day, Parsed, clean_mood_map, merge, mood_values


def run(
    user: User,
    data: bytes,
    source: str | None = None,
    mood_map: dict | None = None,
    dry_run: bool = False,
) -> dict:
    """Import a file for the user; return the summary the API and the page show."""
    source, parsed = parsing.parse(data, parsing.check_source(source))
    if source == "mood-journal-json":
        return {"source": source, **json_import.run(user, parsed, dry_run)}
    moods, unmapped = mood_values(parsed, clean_mood_map(mood_map))
    days = merge(parsed, moods)
    if unmapped and not dry_run:
        names = ", ".join(repr(label) for label in unmapped)
        message = f"Give each mood label a value from 0 to 10 before importing: {names}."
        raise Invalid(message, {f"mood_map.{label}": "No value yet." for label in unmapped})
    created, unchanged = write_days(user, days, dry_run)
    return summary(source, parsed, days, moods, unmapped, created, unchanged)


def taken_dates(user: User, days: list[Day]) -> set[date]:
    """Return the dates in the file's range that already have a daily check-in."""
    if not days:
        return set()
    query = select(CheckIn.local_date).where(
        CheckIn.user_id == user.id,
        CheckIn.instrument == instruments.DAILY.id,
        CheckIn.local_date.between(days[0].day, days[-1].day),
    )
    return set(db.session.scalars(query))


def body_of(day: Day) -> dict:
    """Return the daily check-in body for a merged day."""
    return {
        "instrument": instruments.DAILY.id,
        "local_date": day.day,
        "mood": day.mood,
        "note": day.note,
        "tags": day.tags,
    }


def write_days(user: User, days: list[Day], dry_run: bool) -> tuple[int, int]:
    """Check every new day and (unless a dry run) write it; return (created, unchanged)."""
    taken = taken_dates(user, days)
    created, cleaned = 0, []
    for day in days:
        if day.day in taken:
            continue
        created += 1
        if day.blocked:
            continue  # its mood waits for a value; the dry run says which label
        try:
            cleaned.append((uuid.uuid4(), checkins.clean_checkin(user, body_of(day))))
        except Invalid as exc:
            raise at_line(exc, day) from None
    if not dry_run:
        # One INSERT for the lot: the dates were found free above, in this transaction.
        records.insert_many(checkins.KIND, user, cleaned)
    return created, len(days) - created


def at_line(exc: Invalid, day: Day) -> Invalid:
    """Return a record's refusal as a 422 naming the file's line and the field."""
    fields = getattr(exc, "fields", None) or {"local_date": exc.message}
    first = next(iter(fields.values()))
    message = f"Line {day.line} ({day.day.isoformat()}): {first}"
    return Invalid(message, {f"line {day.line}.{name}": text for name, text in fields.items()})


def summary(source, parsed: Parsed, days, moods, unmapped, created, unchanged) -> dict:
    """Return the response body: counts, date range, tags, mood values, skipped rows."""
    tags: dict[str, str] = {}
    for day in days:
        for tag in day.tags:
            tags.setdefault(tag.casefold(), tag)
    return {
        "source": source,
        "days": len(days),
        "first_date": days[0].day.isoformat() if days else None,
        "last_date": days[-1].day.isoformat() if days else None,
        "checkins": {"created": created, "unchanged": unchanged},
        "tags": list(tags.values()),
        "moods": moods,
        "unmapped_moods": unmapped,
        "skipped": parsed.skipped,
        "ignored_columns": parsed.ignored_columns,
    }


def unit(user: User, data: bytes, **options) -> dict:
    """Run an import as the caller's unit of work; roll back a failure and every dry run.

    The caller (the request, or the CLI command) commits what a real import wrote.
    """
    try:
        result = run(user, data, **options)
    except IntegrityError:
        db.session.rollback()
        raise Invalid(
            "The file holds two records that cannot both be stored (the same id or date).",
            {"file": "Duplicate records."},
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    if options.get("dry_run"):
        db.session.rollback()
    return result
