"""Today's offer to turn reminders on: shown while no reminder can reach the person."""

from ..extensions import db
from ..mail import is_configured
from ..models import User
from .models import ReminderPreference
from .services import DEFAULT_TIME, preference_for


def reminders_off(pref: ReminderPreference | None) -> bool:
    """Tell whether no channel (notifications, e-mail or calendar) brings reminders."""
    return pref is None or not (pref.push or pref.email or pref.calendar)


def email_possible(config) -> bool:
    """Tell whether this server sends reminder e-mails (an SMTP host and its own public URL)."""
    return is_configured(config) and bool(config.get("JOURNAL_BASE_URL"))


def offer_for(user: User, config) -> dict | None:
    """Return what Today's reminders card offers, or None while reminders are on."""
    pref = preference_for(user)  # read once: the card's condition and its time
    if not reminders_off(pref):
        return None
    at = pref.time if pref is not None else DEFAULT_TIME
    return {"time": at.strftime("%H:%M"), "email": email_possible(config)}


def turn_on_email(user: User) -> ReminderPreference:
    """Turn e-mail reminders on (at the saved time, or the default one for a first choice)."""
    pref = preference_for(user)
    if pref is None:
        pref = ReminderPreference(user_id=user.id, time=DEFAULT_TIME, push=False, calendar=False)
        db.session.add(pref)
    pref.email = True
    pref.evaluated_on = None  # reminders count from now, as a saved settings form does
    return pref
