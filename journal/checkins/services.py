"""Check-ins: their kind for the record kernel, and when a questionnaire is next due."""

from datetime import date, timedelta
from functools import partial

from sqlalchemy import bindparam, func, or_, select

from .. import crisis, instruments, records
from ..errors import Conflict
from ..extensions import db
from ..models import CheckIn, TreatmentSession, User
from ..records import user_today
from . import rules

VALIDATED_INTERVAL = timedelta(days=14)


def occupant(user: User, instrument: str, local_date: date) -> CheckIn | None:
    """Return the user's check-in for this instrument and date, if any."""
    query = select(CheckIn).where(
        CheckIn.user_id == user.id,
        CheckIn.instrument == instrument,
        CheckIn.local_date == local_date,
    )
    return db.session.scalars(query).one_or_none()


def refuse_occupied_date(user: User, clean: dict, client_id) -> None:
    """Raise Conflict when another check-in already holds this instrument and date."""
    other = occupant(user, clean["instrument"], clean["local_date"])
    if other is not None and other.client_id != client_id:
        raise Conflict("There is already a check-in for this date.", checkin_to_dict(other))


# Built once with bind parameters: every sync write runs it, and building it cost a third.
ROW_AND_HOLDER = select(CheckIn).where(
    CheckIn.user_id == bindparam("user_id"),
    or_(
        CheckIn.client_id == bindparam("client_id"),
        (CheckIn.instrument == bindparam("instrument"))
        & (CheckIn.local_date == bindparam("local_date")),
    ),
)


def find_with_holder(user: User, clean: dict, client_id) -> tuple[CheckIn | None, object]:
    """Return the check-in with this client id and the date guard, from one SELECT.

    An upsert needs both the row by client id and whichever check-in holds the body's
    instrument and date; one query with OR saves a round trip on every sync write.
    """
    found = list(
        db.session.scalars(
            ROW_AND_HOLDER,
            {
                "user_id": user.id,
                "client_id": client_id,
                "instrument": clean["instrument"],
                "local_date": clean["local_date"],
            },
        )
    )
    row = next((c for c in found if c.client_id == client_id), None)
    holder = next((c for c in found if c.client_id != client_id), None)

    def guard() -> None:
        """Raise Conflict when another check-in already holds this instrument and date."""
        if holder is not None:
            raise Conflict("There is already a check-in for this date.", checkin_to_dict(holder))

    return row, guard


def derived_scores(checkin: CheckIn) -> dict:
    """Return the scores computed from the answers: PCL-5 cluster scores, WHO-5 percentage."""
    instrument = instruments.INSTRUMENTS[checkin.instrument]
    complete = checkin.total is not None and None not in checkin.answers
    return {
        "subscores": instruments.subscores(instrument, checkin.answers) if complete else {},
        "percent": instruments.percentage(instrument, checkin.total),
    }


KIND = records.RecordKind(
    model=CheckIn,
    spec=rules.CHECKIN,
    clean=lambda user, data: rules.clean_checkin(data, user_today(user)),
    order=lambda model: (model.local_date, model.id),
    extra_output=lambda checkin: {
        "safety": crisis.resources_for(checkin.user.region) if checkin.safety else None,
        **derived_scores(checkin),
    },
    guard=refuse_occupied_date,
    lookup=find_with_holder,
    fixed=("instrument",),
    winner=lambda user, clean, client_id: occupant(user, clean["instrument"], clean["local_date"]),
    direct_insert=True,
)

# The kernel's operations, named for this kind (a request, an import or the demo calls these).
checkin_to_dict = KIND.to_dict
clean_checkin = KIND.clean
upsert_checkin = partial(records.upsert, KIND)
get_checkin = partial(records.get, KIND)
delete_checkin = partial(records.delete, KIND)


def list_checkins(
    user: User,
    start: date | None = None,
    end: date | None = None,
    instrument: str | None = None,
    **page,
) -> list[CheckIn]:
    """Return the user's check-ins in a date range, oldest first unless asked otherwise."""
    where = (CheckIn.instrument == instrument,) if instrument else ()
    return records.list_records(KIND, user, start, end, *where, **page)


RECENT_DAYS = 60
RECENT_TAGS = 12


def recent_tags(user: User, limit: int = RECENT_TAGS) -> list[str]:
    """Return the tags of the user's latest daily check-ins, most recent first, for chips."""
    query = (
        select(CheckIn)
        .where(CheckIn.user_id == user.id, CheckIn.instrument == instruments.DAILY.id)
        .order_by(CheckIn.local_date.desc())
        .limit(RECENT_DAYS)
    )
    seen: dict[str, str] = {}
    for checkin in db.session.scalars(query):
        for tag in checkin.tags or ():
            seen.setdefault(tag.casefold(), tag)
            if len(seen) >= limit:
                return list(seen.values())
    return list(seen.values())


def last_taken(user: User, instrument: str) -> date | None:
    """Return the date the user last took an instrument."""
    query = (
        select(CheckIn.local_date)
        .where(CheckIn.user_id == user.id, CheckIn.instrument == instrument)
        .order_by(CheckIn.local_date.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


def last_session_date(user: User, today: date) -> date | None:
    """Return the local date of the user's last session that happened (not planned, not ahead)."""
    query = select(func.max(TreatmentSession.local_date)).where(
        TreatmentSession.user_id == user.id,
        TreatmentSession.planned.is_(False),
        TreatmentSession.local_date <= today,
    )
    return db.session.scalar(query)


def validated_due(last_taken: date | None, last_session: date | None, today: date) -> date:
    """Return the due date: 14 days after the later of the last one taken and the last session."""
    if last_taken is None:
        # Never taken: due now, so there is a baseline before (or soon after) treatment starts.
        return today
    # The clock restarts at each session, as ketamine clinics' measurement programmes do.
    return max(day for day in (last_taken, last_session) if day is not None) + VALIDATED_INTERVAL


def next_due(user: User, instrument: str) -> date:
    """Return when a validated questionnaire is next due (today if never taken)."""
    today = user_today(user)
    return validated_due(last_taken(user, instrument), last_session_date(user, today), today)
