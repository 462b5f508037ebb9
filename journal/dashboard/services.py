"""Chart data: query once, analyse with pure functions, build the Plotly figure."""

from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
from sqlalchemy import select

from .. import analysis, charts
from ..extensions import db
from ..models import CheckIn, TreatmentSession, User
from ..treatments.rules import medication_name

CHART_NAMES = ("timeline", "around-sessions", "session-change", "items")
CHART_TITLES = {
    "timeline": "Your scores over time",
    "around-sessions": "Days since each session",
    "session-change": "Before and after each session",
    "items": "Which questions moved",
}


@dataclass(frozen=True)
class ChartInputs:
    """Everything the charts need, as plain data: the whole history up to `end`."""

    daily: list[dict]
    validated: list[dict]
    sessions: list[dict]
    start: date | None
    end: date | None

    def in_range(self, records: list[dict]) -> list[dict]:
        """Keep records dated inside the chosen range."""
        return [
            r
            for r in records
            if (self.start is None or r["date"] >= self.start)
            and (self.end is None or r["date"] <= self.end)
        ]


def load_inputs(user: User, start: date | None, end: date | None) -> ChartInputs:
    """Query check-ins and sessions up to `end` in two statements (columns, not objects).

    The baseline and session windows look before the range, so history before `start` is read
    too; the range only decides what is drawn.
    """
    checkins = select(
        CheckIn.instrument, CheckIn.local_date, CheckIn.total, CheckIn.mood, CheckIn.answers
    ).where(CheckIn.user_id == user.id)
    sessions = select(
        TreatmentSession.local_date,
        TreatmentSession.started_at,
        TreatmentSession.medication,
        TreatmentSession.medication_label,
        TreatmentSession.route,
        TreatmentSession.route_label,
        TreatmentSession.dose,
        TreatmentSession.dose_unit,
        TreatmentSession.clinic,
        TreatmentSession.planned,
    ).where(TreatmentSession.user_id == user.id)
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
    session_rows = [
        {"date": row.local_date, "drug": medication_name(row), **row._asdict()}
        for row in db.session.execute(sessions)
    ]
    return ChartInputs(daily, validated, session_rows, start, end)


def timeline(inputs: ChartInputs) -> tuple[go.Figure, str]:
    """Build the timeline: totals, mood, rolling mean, PHQ-9s, sessions, baseline lines."""
    info = analysis.baseline(inputs.daily, inputs.validated, inputs.sessions)
    daily, validated = inputs.in_range(inputs.daily), inputs.in_range(inputs.validated)
    figure = charts.timeline_figure(daily, validated, inputs.in_range(inputs.sessions), info)
    return figure, analysis.caption_timeline(daily, validated, info)


def sessions_in_range(inputs: ChartInputs, rows: list[dict]) -> list[dict]:
    """Keep per-session rows whose session falls inside the range."""
    return [row for row in rows if inputs.in_range([row["session"]])]


def around_sessions(inputs: ChartInputs) -> tuple[go.Figure, str]:
    """Build the days-since-session chart (windows cut at the next session)."""
    windows = analysis.session_windows(inputs.daily, inputs.sessions)
    windows = sessions_in_range(inputs, windows)
    figure = charts.around_sessions_figure(windows, analysis.mean_by_offset(windows))
    return figure, analysis.caption_around_sessions(windows)


def session_change(inputs: ChartInputs) -> tuple[go.Figure, str]:
    """Build the before/after bar per session."""
    changes = sessions_in_range(inputs, analysis.session_change(inputs.daily, inputs.sessions))
    return charts.session_change_figure(changes), analysis.caption_session_change(changes)


def items(inputs: ChartInputs) -> tuple[go.Figure, str]:
    """Build the weekly item chart."""
    weekly = analysis.weekly_item_means(inputs.in_range(inputs.daily))
    return charts.items_figure(weekly), analysis.caption_items(weekly)


BUILDERS = {
    "timeline": timeline,
    "around-sessions": around_sessions,
    "session-change": session_change,
    "items": items,
}


def build_chart(user: User, name: str, start: date | None, end: date | None):
    """Return (figure, caption) for one chart of the user's data in a date range."""
    return BUILDERS[name](load_inputs(user, start, end))
