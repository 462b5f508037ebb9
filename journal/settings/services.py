"""Validate and apply a user's settings; shared by /settings and PATCH /api/v1/me."""

from datetime import date, timedelta

from .. import crisis
from ..checkins import services as checkins
from ..extensions import db
from ..instruments import INSTRUMENTS, Instrument
from ..models import User
from ..records import user_today
from .rules import DEFAULT_SCHEDULES, PCL5_FORMS, SETTINGS


def schedules_for(user: User) -> dict:
    """Return the user's schedules: the defaults, overlaid with what they chose."""
    chosen = user.schedules or {}
    merged = {key: {**default, **chosen.get(key, {})} for key, default in DEFAULT_SCHEDULES.items()}
    # gad7_enabled predates the schedules; it stays the one source for GAD-7 on or off.
    merged["gad7"]["enabled"] = bool(user.gad7_enabled)
    return merged


def settings_dict(user: User) -> dict:
    """Describe the user's settings through an allowlist."""
    shown = {}
    for name in SETTINGS.output_names():
        value = getattr(user, name)
        # A column left empty shows the declared default.
        shown[name] = SETTINGS.field(name).default if value is None else value
    return {**shown, "schedules": schedules_for(user)}


def clean_settings(user: User, data: dict) -> dict:
    """Return the changes a settings body asks for, or raise Invalid naming every bad field."""
    changes = SETTINGS.validate(data)
    if "region" in changes and changes["region"] is None:
        # "From my time zone": the zone as given (the new one when it changes too).
        changes["region"] = crisis.region_for_timezone(changes.get("timezone", user.timezone))
    if "display_name" in changes:
        changes["display_name"] = changes["display_name"] or None
    if "schedules" in changes:
        current = schedules_for(user)
        for key, given in changes["schedules"].items():
            current[key] = {**current[key], **given}
        changes["schedules"] = current
    return changes


def update_settings(user: User, data: dict) -> User:
    """Apply a settings body to the user and commit, or raise Invalid."""
    changes = clean_settings(user, data)
    if "schedules" in changes:
        changes["gad7_enabled"] = changes["schedules"]["gad7"]["enabled"]
    for key, value in changes.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def schedule_instrument(key: str, schedule: dict) -> Instrument:
    """Return the instrument a schedule gives (the PCL-5 key names one of two forms)."""
    if key == "pcl5":
        return INSTRUMENTS[PCL5_FORMS[schedule.get("form", "month")]]
    return INSTRUMENTS[key]


def due_from(last: date | None, last_session: date | None, schedule: dict, today: date) -> date:
    """Return when a questionnaire is next due from its last date (the rule, without queries)."""
    if last is None:
        return today
    if schedule.get("after_session") and last_session is not None:
        last = max(last, last_session)
    return last + timedelta(days=schedule["every_days"])


def due_date(user: User, instrument_id: str, schedule: dict, today: date) -> date:
    """Return when a questionnaire is next due under its schedule (today if never taken)."""
    last = checkins.last_taken(user, instrument_id)
    if last is None:
        return today
    last_session = (
        checkins.last_session_date(user, today) if schedule.get("after_session") else None
    )
    return due_from(last, last_session, schedule, today)


def due_list(user: User) -> list[tuple[Instrument, date]]:
    """Return (instrument, due date) for every questionnaire the user has scheduled."""
    today = user_today(user)
    result = []
    for key, schedule in schedules_for(user).items():
        if schedule["enabled"]:
            instrument = schedule_instrument(key, schedule)
            result.append((instrument, due_date(user, instrument.id, schedule, today)))
    return result
