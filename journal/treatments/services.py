"""Treatment sessions: their kind for the record kernel, and what a session page shows."""

from datetime import date, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from .. import records
from ..checkins import services as checkins
from ..extensions import db
from ..models import CheckIn, Reflection, TreatmentSession, User
from ..records import user_today
from . import rules

# The session page shows check-ins from this many days before to this many after.
CHECKINS_BEFORE = timedelta(days=3)
CHECKINS_AFTER = timedelta(days=14)

KIND = records.RecordKind(
    model=TreatmentSession,
    spec=rules.TREATMENT,
    clean=lambda user, data: rules.clean_treatment(data, ZoneInfo(user.timezone), user_today(user)),
    order=lambda model: (model.local_date, model.started_at, model.id),
)

# The kernel's operations, named for this kind (a request, an import or the demo calls these).
treatment_to_dict = KIND.to_dict
clean_treatment = KIND.clean
upsert_treatment = partial(records.upsert, KIND)
get_treatment = partial(records.get, KIND)
delete_treatment = partial(records.delete, KIND)


def count_reflections(treatment: TreatmentSession) -> int:
    """Return how many reflections are linked to a session."""
    query = select(func.count()).where(Reflection.treatment_id == treatment.id)
    return db.session.scalar(query)


def list_treatments(
    user: User, start: date | None = None, end: date | None = None, **page
) -> list[TreatmentSession]:
    """Return the user's sessions in a date range, oldest first unless asked otherwise."""
    return records.list_records(KIND, user, start, end, **page)


def checkins_around(user: User, treatment: TreatmentSession) -> list[tuple[int, CheckIn]]:
    """Return the check-ins from 3 days before to 14 after the session, with their day offset."""
    start = treatment.local_date - CHECKINS_BEFORE
    end = treatment.local_date + CHECKINS_AFTER
    return [
        ((checkin.local_date - treatment.local_date).days, checkin)
        for checkin in checkins.list_checkins(user, start, end)
    ]


def has_happened(treatment: TreatmentSession, today: date) -> bool:
    """Tell whether a session counts as taken (not a plan, not in the future)."""
    return rules.has_happened(treatment.planned, treatment.local_date, today)
