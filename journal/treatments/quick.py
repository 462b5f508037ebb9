"""The quick session log: today's session in one tap, as the person's last one, details later.

Today (and the sessions list) offer "Log today's session: Esketamine · Intranasal 84 mg — Save".
The form posts the same fields as the full session form to the same view, so one place validates
and saves a session; what it shows is what it sends (a session changed since is not copied by
surprise). Side effects, blood pressure and notes are added afterwards by editing the session.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .. import records
from ..models import TreatmentSession, User
from . import rules, services

# The fields a quick log copies from the last session; everything else starts empty.
COPIED = ("medication", "medication_label", "route", "route_label", "dose_unit")


@dataclass(frozen=True)
class QuickLog:
    """What the quick log offers: a prefilled form, a link to the full form, or nothing."""

    last: TreatmentSession | None
    logged_today: bool
    day: str = ""
    clock: str = ""
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def offered(self) -> bool:
        """Tell whether to show the one-tap form (a session to copy, none logged today)."""
        return self.last is not None and not self.logged_today

    def fields(self) -> dict[str, str]:
        """Return the hidden form fields copied from the last session (empty ones left out)."""
        values = {name: getattr(self.last, name) for name in COPIED}
        if self.last.dose is not None:
            values["dose"] = f"{self.last.dose:g}"  # "84", not "84.0": as the person typed it
        else:
            values["dose_unit"] = None  # a unit without a dose says nothing
        return {name: str(value) for name, value in values.items() if value}

    def record_fields(self) -> dict:
        """Return the declared fields this form carries (the offline queue builds on them)."""
        carried = {"started_at", "dose", *COPIED}
        return {k: v for k, v in rules.TREATMENT.vocabulary().items() if k in carried}


def last_session(user: User, today: date) -> TreatmentSession | None:
    """Return the person's newest session that has happened (plans are not copied)."""
    not_planned = TreatmentSession.planned.is_(False)
    latest = records.list_records(
        services.KIND, user, None, today, not_planned, newest_first=True, limit=1
    )
    return latest[0] if latest else None


def quick_log(user: User, today: date, now: datetime) -> QuickLog:
    """Return what the quick session log offers the person now (the form starts at this minute)."""
    logged_today = bool(services.list_treatments(user, today, today, limit=1))
    local = now.astimezone(ZoneInfo(user.timezone))
    return QuickLog(
        last=None if logged_today else last_session(user, today),
        logged_today=logged_today,
        day=local.date().isoformat(),
        clock=local.strftime("%H:%M"),
    )
