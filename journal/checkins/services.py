"""Validate, score and store check-ins: the one place both the pages and the API use."""

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import crisis, instruments
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models import CheckIn, TreatmentSession, User
from ..records import (
    bump_revision,
    check_revision,
    find_owned,
    get_owned,
    in_date_range,
    iso,
    parse_client_id,
    parse_date,
    user_today,
)

NOTE_MAX = 5000
VALIDATED_INTERVAL = timedelta(days=14)


def checkin_to_dict(checkin: CheckIn) -> dict:
    """Serialise a check-in through an allowlist of fields."""
    return {
        "client_id": str(checkin.client_id),
        "instrument": checkin.instrument,
        "local_date": iso(checkin.local_date),
        "answers": list(checkin.answers),
        "mood": checkin.mood,
        "note": checkin.note,
        "total": checkin.total,
        "band": checkin.band,
        "safety": crisis.resources_for(checkin.user.region) if checkin.safety else None,
        **derived_scores(checkin),
        "revision": checkin.revision,
        "created_at": iso(checkin.created_at),
        "updated_at": iso(checkin.updated_at),
    }


def derived_scores(checkin: CheckIn) -> dict:
    """Return the scores computed from the answers: PCL-5 cluster scores, WHO-5 percentage."""
    instrument = instruments.INSTRUMENTS[checkin.instrument]
    complete = checkin.total is not None and None not in checkin.answers
    return {
        "subscores": instruments.subscores(instrument, checkin.answers) if complete else {},
        "percent": instruments.percentage(instrument, checkin.total),
    }


def clean_checkin(user: User, data: dict) -> dict:
    """Validate a check-in body and score it; raise Invalid with every field's problem."""
    errors: dict[str, str] = {}
    fields: dict = {}
    try:
        instrument = instruments.get_instrument(data.get("instrument"))
    except instruments.InvalidAnswers as exc:
        raise Invalid("Unknown instrument.", exc.fields) from None
    try:
        fields["local_date"] = parse_date(data.get("local_date"), "local_date")
        if fields["local_date"] > user_today(user):
            errors["local_date"] = "This date is after today where you are."
    except Invalid as exc:
        errors.update(exc.fields)
    try:
        result = instruments.score(instrument, data.get("answers"))
    except instruments.InvalidAnswers as exc:
        errors.update(exc.fields)
    try:
        fields["mood"] = instruments.validate_mood(instrument, data.get("mood"))
    except instruments.InvalidAnswers as exc:
        errors.update(exc.fields)
    if not errors and instrument.items_optional:
        errors.update(refuse_empty_daily(data.get("answers"), fields["mood"]))
    note = data.get("note") or None
    if note is not None and (not isinstance(note, str) or len(note) > NOTE_MAX):
        errors["note"] = f"A note is text of at most {NOTE_MAX:,} characters."
    if errors:
        raise Invalid("Some fields need attention.", errors)
    return {
        **fields,
        "instrument": instrument.id,
        "answers": list(data.get("answers") or [None] * len(instrument.items)),
        "note": note,
        "total": result.total,
        "band": result.band,
        "safety": result.safety,
    }


def refuse_empty_daily(answers: list | None, mood: int | None) -> dict[str, str]:
    """Return an error when a daily check-in has neither a mood nor any answer."""
    if mood is None and all(answer is None for answer in answers or ()):
        return {"mood": "Choose your mood, or answer at least one question."}
    return {}


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


def upsert_checkin(user: User, client_id: object, data: dict) -> tuple[CheckIn, bool]:
    """Create or update a check-in by client id; return it and whether it was created."""
    client_id = parse_client_id(client_id)
    clean = clean_checkin(user, data)
    checkin = find_owned(CheckIn, user, client_id)
    created = checkin is None
    if created:
        refuse_occupied_date(user, clean, client_id)
        checkin = CheckIn(user=user, client_id=client_id, **clean)
        db.session.add(checkin)
    else:
        if clean["instrument"] != checkin.instrument:
            raise Invalid("A check-in keeps its instrument.", {"instrument": "Cannot change."})
        unchanged = all(getattr(checkin, k) == v for k, v in clean.items())
        if not check_revision(checkin, data.get("base_revision"), unchanged, checkin_to_dict):
            return checkin, False
        refuse_occupied_date(user, clean, client_id)
        for key, value in clean.items():
            setattr(checkin, key, value)
        bump_revision(checkin)
    commit_or_conflict(user, clean, client_id)
    return checkin, created


def commit_or_conflict(user: User, clean: dict, client_id) -> None:
    """Commit; a unique-constraint race (two uploads at once) becomes a Conflict."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        other = occupant(user, clean["instrument"], clean["local_date"])
        current = checkin_to_dict(other) if other else None
        raise Conflict("There is already a check-in for this date.", current) from None


def get_checkin(user: User, client_id: object) -> CheckIn:
    """Return the user's check-in or raise NotFound."""
    return get_owned(CheckIn, user, client_id)


def delete_checkin(user: User, client_id: object) -> None:
    """Delete the user's check-in."""
    db.session.delete(get_checkin(user, client_id))
    db.session.commit()


def list_checkins(
    user: User,
    start: date | None = None,
    end: date | None = None,
    instrument: str | None = None,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[CheckIn]:
    """Return the user's check-ins in a date range, oldest first unless asked otherwise."""
    query = select(CheckIn).where(CheckIn.user_id == user.id)
    query = in_date_range(query, CheckIn, start, end)
    if instrument:
        query = query.where(CheckIn.instrument == instrument)
    order = (
        (CheckIn.local_date.desc(), CheckIn.id.desc())
        if newest_first
        else (CheckIn.local_date, CheckIn.id)
    )
    query = query.order_by(*order).offset(offset).limit(limit)
    return list(db.session.scalars(query))


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
