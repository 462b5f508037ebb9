"""Validate and apply a user's settings; shared by /settings and PATCH /api/v1/me."""

from datetime import date, timedelta

from .. import crisis
from ..accounts.users import known_timezones
from ..checkins import services as checkins
from ..errors import Invalid
from ..extensions import db
from ..fields import clean_text
from ..instruments import INSTRUMENTS, Instrument
from ..models import User
from ..records import user_today

DISPLAY_NAME_MAX = 80
THEMES = {"system": "Like this device", "light": "Light", "dark": "Dark"}
WEEK_STARTS = {"monday": "Monday", "sunday": "Sunday", "saturday": "Saturday"}
EVERY_DAYS_MIN, EVERY_DAYS_MAX = 7, 90
# PCL-5: the standard past-month form, or the VA's past-week version (instrument pcl5w).
PCL5_FORMS = {"month": "pcl5", "week": "pcl5w"}
# The PHQ-9 clock restarts after a session (as ketamine clinics' measurement programmes do).
DEFAULT_SCHEDULES = {
    "phq9": {"enabled": True, "every_days": 14, "after_session": True},
    "gad7": {"enabled": True, "every_days": 14, "after_session": True},
    "pcl5": {"enabled": False, "every_days": 30, "after_session": False, "form": "month"},
    "who5": {"enabled": False, "every_days": 14, "after_session": False},
}
SCHEDULE_KEYS = {"enabled": bool, "every_days": int, "after_session": bool, "form": str}


def schedules_for(user: User) -> dict:
    """Return the user's schedules: the defaults, overlaid with what they chose."""
    chosen = user.schedules or {}
    merged = {key: {**default, **chosen.get(key, {})} for key, default in DEFAULT_SCHEDULES.items()}
    # gad7_enabled predates the schedules; it stays the one source for GAD-7 on or off.
    merged["gad7"]["enabled"] = bool(user.gad7_enabled)
    return merged


def settings_dict(user: User) -> dict:
    """Describe the user's settings through an allowlist."""
    return {
        "display_name": user.display_name,
        "theme": user.theme or "system",
        "week_start": user.week_start or "monday",
        "schedules": schedules_for(user),
    }


def clean_schedule(key: str, value: object, errors: dict) -> dict:
    """Return one questionnaire's schedule merged with its default, noting errors."""
    if not isinstance(value, dict):
        errors[f"schedules.{key}"] = 'Give an object like {"enabled": true, "every_days": 14}.'
        return {}
    clean = {}
    for name, item in value.items():
        kind = SCHEDULE_KEYS.get(name)
        if kind is None or (name == "form" and key != "pcl5"):
            errors[f"schedules.{key}.{name}"] = "Unknown setting."
        elif type(item) is not kind:
            errors[f"schedules.{key}.{name}"] = (
                f"Must be {'true or false' if kind is bool else kind.__name__}."
            )
        elif name == "every_days" and not EVERY_DAYS_MIN <= item <= EVERY_DAYS_MAX:
            errors[f"schedules.{key}.{name}"] = f"Choose {EVERY_DAYS_MIN} to {EVERY_DAYS_MAX} days."
        elif name == "form" and item not in PCL5_FORMS:
            errors[f"schedules.{key}.{name}"] = "Choose month or week."
        else:
            clean[name] = item
    return clean


def clean_settings(user: User, data: dict) -> dict:  # noqa: C901  (until the declare branch lands)
    """Return the changes a settings body asks for, or raise Invalid naming every bad field."""
    errors: dict[str, str] = {}
    changes: dict = {}
    if "display_name" in data:
        name = data["display_name"]
        if name is not None and not isinstance(name, str):
            errors["display_name"] = "A name is text."
        else:
            name = clean_text(name or "", "display_name", errors)
            name = " ".join((name or "").split()) or None
            if name and len(name) > DISPLAY_NAME_MAX:
                errors["display_name"] = f"Use at most {DISPLAY_NAME_MAX} characters."
            changes["display_name"] = name
    if "timezone" in data:
        if not isinstance(data["timezone"], str) or data["timezone"] not in known_timezones():
            errors["timezone"] = "Choose a time zone from the list, like Europe/London."
        else:
            changes["timezone"] = data["timezone"]
    if "region" in data:
        region = data["region"]
        if region in (None, "", "auto"):
            # "From my time zone": the zone as given (the new one when it changes too).
            region = crisis.region_for_timezone(changes.get("timezone", user.timezone))
        if not isinstance(region, str) or region not in crisis.REGIONS:
            errors["region"] = "Choose a region from the list."
        else:
            changes["region"] = region
    for key, allowed in (("theme", THEMES), ("week_start", WEEK_STARTS)):
        if key in data:
            if not isinstance(data[key], str) or data[key] not in allowed:
                errors[key] = f"Choose one of {', '.join(allowed)}."
            else:
                changes[key] = data[key]
    if "schedules" in data:
        body = data["schedules"]
        if not isinstance(body, dict):
            errors["schedules"] = "Give an object keyed by questionnaire (phq9, gad7, pcl5, who5)."
        else:
            current = schedules_for(user)
            for key, value in body.items():
                if key not in DEFAULT_SCHEDULES:
                    errors[f"schedules.{key}"] = "Unknown questionnaire."
                    continue
                current[key] = {**current[key], **clean_schedule(key, value, errors)}
            changes["schedules"] = current
    if errors:
        raise Invalid("Some settings need attention.", errors)
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
