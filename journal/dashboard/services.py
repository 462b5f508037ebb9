"""Chart data: query once, analyse once (`charts.ChartData`), build figures and captions."""

import json
from datetime import date, timedelta

from sqlalchemy import Text, case, cast, or_, select

from .. import analysis, charts
from .. import sessions_help as helped
from ..charts import CHART_NAMES, CHART_TITLES, ChartData, ChartInputs
from ..crypto import identity_aad
from ..extensions import db
from ..models import CheckIn, TreatmentSession, User
from ..records import user_today
from . import cache

__all__ = [
    "CHART_NAMES",
    "CHART_TITLES",
    "ChartInputs",
    "chart_body",
    "chart_data",
    "load_inputs",
]

SESSION_COLUMNS = (
    "local_date",
    "started_at",
    "route",
    "dose",
    "dose_unit",
    "planned",
    "medication",
)
# Encrypted: opened one by one from the column select; the notes and intention are never read.
SESSION_TEXTS = ("route_label", "medication_label", "clinic")


def session_query(user: User):
    """Select the session columns the charts read, the encrypted ones still sealed."""
    texts = [
        getattr(TreatmentSession, TreatmentSession.__encrypted__[n].column) for n in SESSION_TEXTS
    ]
    named = [getattr(TreatmentSession, n) for n in SESSION_COLUMNS]
    return select(TreatmentSession.id, TreatmentSession.client_id, *named, *texts).where(
        TreatmentSession.user_id == user.id
    )


def session_row(user_id: int, row) -> dict:
    """Return one selected session as the charts' record, its labels and clinic decrypted."""
    record = {"date": row.local_date, **{name: getattr(row, name) for name in SESSION_COLUMNS}}
    table = TreatmentSession.__tablename__
    for name in SESSION_TEXTS:
        descriptor = TreatmentSession.__encrypted__[name]
        stored = getattr(row, descriptor.column)
        if stored is None:
            record[name] = descriptor.blank()
        else:
            aad = identity_aad(table, name, user_id, row.client_id)
            record[name] = descriptor.open(stored, aad, table, row.id)
    return record


# Days before a range's start whose totals its sessions' windows read (the 3 days before a
# session, for windows, before/after change and durability), with room to spare.
LOOKBACK = timedelta(days=7)
BASELINE_DAYS = 14


def baseline_window(user: User) -> tuple[date, date] | None:
    """Return the days the baseline reads (before the first session that happened), or None."""
    first = db.session.execute(
        select(TreatmentSession.local_date)
        .where(TreatmentSession.user_id == user.id, TreatmentSession.planned.is_(False))
        .order_by(TreatmentSession.local_date)
        .limit(1)
    ).scalar()
    if first is None:
        return None
    return first - timedelta(days=BASELINE_DAYS), first - timedelta(days=1)


def edge_sessions(user_id: int, end: date | None):
    """Return a condition matching the first session that happened and the last one by `end`.

    The baseline is read before the first; "today is day N after your last session" names the
    last: both may lie long before a range's start.
    """
    done = select(TreatmentSession.id).where(
        TreatmentSession.user_id == user_id, TreatmentSession.planned.is_(False)
    )
    order = (TreatmentSession.local_date, TreatmentSession.started_at, TreatmentSession.id)
    first = done.order_by(*order).limit(1).scalar_subquery()
    if end is not None:
        done = done.where(TreatmentSession.local_date <= end)
    last = done.order_by(*(column.desc() for column in order)).limit(1).scalar_subquery()
    return or_(TreatmentSession.id == first, TreatmentSession.id == last)


def load_inputs(
    user: User, start: date | None, end: date | None, bounded: bool = False
) -> ChartInputs:
    """Query check-ins and sessions up to `end` in two statements (columns, not objects).

    The baseline and session windows look before the range, so history before `start` is read
    too (totals, not item answers); the range only decides what is drawn. With `bounded` (the
    charts) a range with a start reads only what its analysis uses: check-ins from a week before
    the start on, plus the baseline's 14 days; sessions from a week before the start on, plus the
    first and the last that happened; so its cost follows the range, not the years of history.
    """
    # As JSON text, decoded below in one go: SQLAlchemy's JSON type decodes row by row.
    answers = cast(CheckIn.answers, Text)
    if start is not None:
        # Item answers are drawn only inside the range (the windows and baseline read totals),
        # and decoding years of them cost more than the rest of the query: NULL before start.
        answers = case((CheckIn.local_date >= start, answers))
    checkins = select(
        CheckIn.instrument,
        CheckIn.local_date,
        CheckIn.total,
        CheckIn.mood,
        answers.label("answers"),
    ).where(CheckIn.user_id == user.id)
    sessions = session_query(user)
    if bounded and start is not None:
        near = CheckIn.local_date >= start - LOOKBACK
        if (window := baseline_window(user)) is not None:
            near = or_(near, CheckIn.local_date.between(*window))
        checkins = checkins.where(near)
        near = TreatmentSession.local_date >= start - LOOKBACK
        sessions = sessions.where(or_(near, edge_sessions(user.id, end)))
    if end is not None:
        checkins = checkins.where(CheckIn.local_date <= end)
        sessions = sessions.where(TreatmentSession.local_date <= end)
    daily, validated, texts = [], [], []
    for instrument, day, total, mood, text in db.session.execute(checkins):
        if instrument != "daily":
            validated.append({"date": day, "instrument": instrument, "total": total})
        elif total is not None or mood is not None:  # a day with neither is not a day
            daily.append({"date": day, "total": total, "mood": mood})
            texts.append(text or "null")
    # One json.loads for all the answers: one call per row cost more than the query.
    for record, answered in zip(daily, json.loads(f"[{','.join(texts)}]"), strict=True):
        record["answers"] = answered
    # The id once: `user` may be flask-login's proxy, which costs a lookup per attribute read.
    user_id = user.id
    session_rows = [session_row(user_id, row) for row in db.session.execute(sessions)]
    return ChartInputs(daily, validated, session_rows, start, end)


def since_last_session(user: User, today: date) -> dict | None:
    """Return where today sits after the last session: two small queries, not the history."""
    last = db.session.execute(
        select(TreatmentSession.local_date, TreatmentSession.started_at)
        .where(
            TreatmentSession.user_id == user.id,
            TreatmentSession.planned.is_(False),
            TreatmentSession.local_date <= today,
        )
        .order_by(TreatmentSession.local_date.desc(), TreatmentSession.started_at.desc())
        .limit(1)
    ).first()
    if last is None:
        return None
    recent = db.session.execute(
        select(CheckIn.local_date, CheckIn.total, CheckIn.mood).where(
            CheckIn.user_id == user.id,
            CheckIn.instrument == "daily",
            CheckIn.local_date.between(today - timedelta(days=5), today),
        )
    )
    daily = [{"date": row.local_date, "total": row.total, "mood": row.mood} for row in recent]
    session = {"date": last.local_date, "started_at": last.started_at, "planned": False}
    return analysis.since_last_session(daily, [session], today)


HELP_DAYS = 90  # Today answers "did the sessions help" over the same 90 days a new share shows


def sessions_help(user: User, today: date) -> helped.SessionsHelp:
    """Answer "did the sessions help" over the last 90 days, as the share view and PDF do."""
    start = today - timedelta(days=HELP_DAYS - 1)
    # The same range as Today's default charts: their cached analysis, not a second read of it
    # on every visit to Today.
    inputs = cached_chart_data(user, start, today).inputs
    return helped.sessions_help(inputs.daily, inputs.sessions, start, today)


WEEKDAY_NUMBERS = {"monday": 0, "saturday": 5, "sunday": 6}


def chart_data(user: User, start: date | None, end: date | None, **options) -> ChartData:
    """Return the one analysis of the user's data in a range that every chart reads."""
    week_start = WEEKDAY_NUMBERS.get(user.week_start or "monday", 0)
    inputs = load_inputs(user, start, end, bounded=True)
    return ChartData(inputs, user_today(user), week_start=week_start, **options)


def cache_key(user: User, start: date | None, end: date | None) -> tuple:
    """Return everything one range's analysis depends on, the data revision included.

    The creation time is there because SQLite may give a deleted account's id to the next one:
    a new account at the same id and revision must never meet the old one's cached charts.
    """
    week_start = user.week_start or "monday"
    identity = (user.id, user.created_at)
    return (*identity, user.data_revision, start, end, user_today(user), week_start)


def cached_chart_data(user: User, start: date | None, end: date | None) -> ChartData:
    """Return the range's analysis, shared by every chart asked for at this data revision."""
    key = cache_key(user, start, end)
    return cache.analyses.get_or_make(key, lambda: chart_data(user, start, end))


def chart_body(user: User, name: str, start: date | None, end: date | None) -> str:
    """Return one chart as the API's JSON text (figure, name, title, caption), cached."""
    key = (name, *cache_key(user, start, end))
    return cache.bodies.get_or_make(
        key, lambda: charts.body(name, cached_chart_data(user, start, end))
    )
