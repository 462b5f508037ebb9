"""Chart data: query once, analyse once (`charts.ChartData`), build figures and captions."""

import json
from datetime import date, timedelta

import plotly.graph_objects as go
from sqlalchemy import case, or_, select, type_coerce

from .. import analysis, charts
from ..charts import CHART_NAMES, CHART_TITLES, ChartData, ChartInputs
from ..extensions import db
from ..models import CheckIn, TreatmentSession, User
from ..records import user_today
from . import cache

__all__ = [
    "CHART_NAMES",
    "CHART_TITLES",
    "ChartInputs",
    "build_chart",
    "chart_body",
    "chart_data",
    "load_inputs",
]

SESSION_COLUMNS = (
    "local_date",
    "started_at",
    "route",
    "route_label",
    "dose",
    "dose_unit",
    "clinic",
    "planned",
    "medication",
    "medication_label",
)


def session_row(session: TreatmentSession) -> dict:
    """Return the session fields the charts read (labels and clinic decrypted on load)."""
    return {
        "date": session.local_date,
        **{name: getattr(session, name) for name in SESSION_COLUMNS},
    }


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


def load_inputs(
    user: User, start: date | None, end: date | None, bounded: bool = False
) -> ChartInputs:
    """Query check-ins and sessions up to `end` in two statements (columns, not objects).

    The baseline and session windows look before the range, so history before `start` is read
    too (totals, not item answers); the range only decides what is drawn. With `bounded` (the
    charts) a range with a start reads only what its analysis uses: from a week before the start
    on, plus the baseline's 14 days, so its cost follows the range, not the years of history.
    """
    answers = CheckIn.answers
    if start is not None:
        # Item answers are drawn only inside the range (the windows and baseline read totals),
        # and decoding years of them cost more than the rest of the query: NULL before start.
        in_range = case((CheckIn.local_date >= start, CheckIn.answers))
        answers = type_coerce(in_range, CheckIn.answers.type).label("answers")
    checkins = select(
        CheckIn.instrument, CheckIn.local_date, CheckIn.total, CheckIn.mood, answers
    ).where(CheckIn.user_id == user.id)
    if bounded and start is not None:
        near = CheckIn.local_date >= start - LOOKBACK
        if (window := baseline_window(user)) is not None:
            near = or_(near, CheckIn.local_date.between(*window))
        checkins = checkins.where(near)
    # Whole rows, not columns: the clinic and labels are encrypted, bound to each row's identity.
    sessions = select(TreatmentSession).where(TreatmentSession.user_id == user.id)
    if end is not None:
        checkins = checkins.where(CheckIn.local_date <= end)
        sessions = sessions.where(TreatmentSession.local_date <= end)
    daily, validated = [], []
    for row in db.session.execute(checkins):
        if row.instrument == "daily":
            if row.total is None:
                # A mood-only or partly answered day: the analysis takes complete days only.
                continue
            daily.append(
                {
                    "date": row.local_date,
                    "total": row.total,
                    "mood": row.mood,
                    "answers": row.answers,
                }
            )
        else:
            validated.append(
                {"date": row.local_date, "instrument": row.instrument, "total": row.total}
            )
    session_rows = [session_row(row) for row in db.session.scalars(sessions)]
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
        select(CheckIn.local_date, CheckIn.total).where(
            CheckIn.user_id == user.id,
            CheckIn.instrument == "daily",
            CheckIn.local_date.between(today - timedelta(days=5), today),
        )
    )
    daily = [{"date": row.local_date, "total": row.total} for row in recent]
    session = {"date": last.local_date, "started_at": last.started_at, "planned": False}
    return analysis.since_last_session(daily, [session], today)


WEEKDAY_NUMBERS = {"monday": 0, "saturday": 5, "sunday": 6}


def chart_data(user: User, start: date | None, end: date | None, **options) -> ChartData:
    """Return the one analysis of the user's data in a range that every chart reads."""
    week_start = WEEKDAY_NUMBERS.get(user.week_start or "monday", 0)
    inputs = load_inputs(user, start, end, bounded=True)
    return ChartData(inputs, user_today(user), week_start=week_start, **options)


def build_chart(
    user: User, name: str, start: date | None, end: date | None
) -> tuple[go.Figure, str]:
    """Return (figure, caption) for one chart of the user's data in a date range."""
    return charts.build(name, cached_chart_data(user, start, end))


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

    def make() -> str:
        """Build the figure and splice the caption into Plotly's own JSON."""
        figure, caption = charts.build(name, cached_chart_data(user, start, end))
        # Plotly's encoder writes the figure; splice the caption into that object rather than
        # decoding and re-encoding ~100 kB of JSON.
        extra = json.dumps({"name": name, "title": CHART_TITLES[name], "caption": caption})
        return figure.to_json()[:-1] + ", " + extra[1:]

    return cache.bodies.get_or_make((name, *cache_key(user, start, end)), make)
