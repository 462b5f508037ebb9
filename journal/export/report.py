"""The therapist report: one summary of a date range, drawn as a PDF, a printable page and a share.

The numbers come from `analysis` over the inputs `dashboard.services.load_inputs` reads, and the
charts from the dashboard's own builders, so the report, the dashboard and the share page never
disagree. The baseline is computed from the whole history (it is the mean before the first
session, which may be earlier than the range); every dated entry shown (points, sessions, flags,
reflections) is inside the range.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import analysis, charts, instruments, models
from ..charts import ChartData, ChartInputs, durability, medication_name
from ..dashboard import services as chart_services
from ..errors import Invalid
from ..extensions import db
from ..fields import clean_text
from ..models import CheckIn, Reflection, TreatmentSession, User
from ..records import parse_date, user_today
from ..reflections import rules as reflection_rules
from ..safety import services as safety_services
from ..treatments import rules as treatment_rules
from ..treatments import services as treatments

# The PDF's charts, in reading order: the timeline on the summary page, then the calendar, the
# before/after bars and the durability figure beside each other. The share view adds the rest.
REPORT_CHARTS = ("timeline", "calendar", "session-change", "durability")
PAPERS = {"a4": "A4", "letter": "letter"}
DEFAULT_DAYS = 90
NAME_MAX = 80


@dataclass(frozen=True)
class Limits:
    """How much of each list the report shows (None: all of it)."""

    sessions: int | None = None
    reflections: int | None = None
    reflection_chars: int | None = None
    item9_dates: int | None = None
    score_dates: int | None = None


# Two A4 pages hold about this much; the rest is in the data export and the share page.
PDF_LIMITS = Limits(sessions=6, reflections=2, reflection_chars=450, item9_dates=6, score_dates=28)
FULL = Limits()
LEVEL_LABELS = {"sedation": "sleepiness"}


@dataclass(frozen=True)
class Score:
    """A validated questionnaire's latest result."""

    title: str
    day: date
    total: int
    max_total: int
    band: str


@dataclass(frozen=True)
class Change:
    """The latest score against the baseline, with the thresholds it meets."""

    what: str
    latest: float
    latest_day: date
    change: float
    percent: float | None
    response: bool
    remission: bool
    meets_mid: bool


@dataclass(frozen=True)
class ScoreRow:
    """One validated questionnaire result in the score table."""

    day: date
    instrument: str
    total: int
    max_total: int
    band: str
    change: float | None


@dataclass(frozen=True)
class SessionRow:
    """One line of the session table."""

    day: date
    medication: str
    route: str
    dose: str
    side_effects: str
    planned: bool


@dataclass(frozen=True)
class Item9Flag:
    """A check-in whose item 9 was answered above "Not at all"."""

    day: date
    instrument: str
    answer: str


@dataclass(frozen=True)
class SharedReflection:
    """A reflection the user marked for sharing, cut to fit the page."""

    day: date
    session: str | None
    parts: list[tuple[str, str]]
    cut: bool


@dataclass(frozen=True)
class Report:
    """Everything the report shows, as plain values for the templates."""

    name: str | None
    start: date
    end: date
    drawn_from: date
    generated_at: datetime
    baseline: dict | None
    first_session: date | None
    scores: list[Score]
    score_table: list[ScoreRow]
    change: Change | None
    durability: str
    paper: str
    daily_count: int
    sessions: list[SessionRow]
    sessions_total: int
    item9: list[Item9Flag]
    include_reflections: bool
    reflections: list[SharedReflection]
    reflections_total: int
    limits: Limits
    # Whether a safety plan exists and when it changed; its lists only when the share includes it.
    safety_plan: dict | None = None

    @property
    def item9_shown(self) -> list[Item9Flag]:
        """Return the item-9 flags to list, newest first (the count is always given in full)."""
        return self.item9[::-1][: self.limits.item9_dates]

    @property
    def score_instruments(self) -> list[str]:
        """Return the questionnaires in the score table, in table order."""
        return list(dict.fromkeys(row.instrument for row in self.score_table))

    @property
    def score_dates(self) -> list[tuple[date, dict[str, "ScoreRow"]]]:
        """Return the score table as one row per date: {questionnaire: result}."""
        rows: dict[date, dict[str, ScoreRow]] = {}
        for row in self.score_table:
            rows.setdefault(row.day, {})[row.instrument] = row
        return list(rows.items())

    @property
    def score_dates_shown(self) -> list[tuple[date, dict[str, "ScoreRow"]]]:
        """Return the most recent dates of the score table that fit (all of them on screen)."""
        dates = self.score_dates
        limit = self.limits.score_dates
        return dates if limit is None else dates[-limit:]

    @property
    def days(self) -> int:
        """Return the number of days in the range."""
        return (self.end - self.start).days + 1


def parse_range(args, today: date) -> tuple[date, date]:
    """Read ?from=&to= (default: the last 90 days); raise Invalid naming the faulty field."""
    end = parse_date(args["to"], "to") if args.get("to") else today
    start = (
        parse_date(args["from"], "from")
        if args.get("from")
        else end - timedelta(days=DEFAULT_DAYS - 1)
    )
    if start > end:
        raise Invalid("The start date is after the end date.", {"from": "Choose an earlier date."})
    return start, end


def clean_name(value: str | None) -> str | None:
    """Return the optional name or initials to print, trimmed; raise Invalid when too long."""
    errors: dict = {}
    name = " ".join((clean_text(value or "", "name", errors) or "").split())
    if errors:
        raise Invalid("Some fields need attention.", errors)
    if len(name) > NAME_MAX:
        raise Invalid("The name is too long.", {"name": f"At most {NAME_MAX} characters."})
    return name or None


def clinician_data(inputs: ChartInputs, today: date) -> ChartData:
    """Return the analysis a clinician's view reads: third-person captions, ranged windows.

    Only the baseline looks before the range; session windows get the range's check-ins only,
    so no score dated before the range reaches a therapist through a window that starts
    before it.
    """
    return ChartData(inputs, today, clinician=True, ranged_sessions=True)


def chart(data: ChartData, name: str) -> tuple[go.Figure, str]:
    """Build one chart of the range from the shared analysis."""
    return charts.build(name, data)


def latest_scores(validated: list[dict]) -> list[Score]:
    """Return the latest PHQ-9 and GAD-7 in the range, each with its band."""
    scores = []
    for instrument in (instruments.PHQ9, instruments.GAD7):
        taken = [v for v in validated if v["instrument"] == instrument.id]
        if taken:
            last = max(taken, key=lambda v: v["date"])
            scores.append(
                Score(
                    instrument.short_title,
                    last["date"],
                    last["total"],
                    instrument.max_total,
                    instrument.band_for(last["total"]),
                )
            )
    return scores


def change_since_baseline(inputs: ChartInputs, info: dict | None) -> Change | None:
    """Compare the latest score of the baseline's kind (in range, after it) with the baseline."""
    if info is None:
        return None
    if info["source"] == "phq9":
        later = [
            v
            for v in inputs.in_range(inputs.validated)
            if v["instrument"] == "phq9" and v["date"] > info["end"]
        ]
        if not later:
            return None
        last = max(later, key=lambda v: v["date"])
        what, latest, day = "PHQ-9", float(last["total"]), last["date"]
    else:
        daily = inputs.in_range(inputs.daily)
        if not daily:
            return None
        day, average = analysis.rolling_mean([(c["date"], c["total"]) for c in daily])[-1]
        if average is None or day <= info["end"]:
            return None
        what, latest = "7-day average daily PHQ-9-style score", average
    state = analysis.status(info["value"], latest)
    return Change(what, latest, day, **state)


def side_effects_text(effects: dict | None) -> str:
    """Name the side effects that were noted, most telling first ("dissociation 6/10, ...")."""
    if not effects:
        return ""
    parts = []
    if effects.get("dissociation"):
        parts.append(f"dissociation {effects['dissociation']}/10")
    for name in treatment_rules.LEVEL_EFFECTS:
        level = effects.get(name)
        if level and level != "none":
            parts.append(f"{LEVEL_LABELS.get(name, name)} {level}")
    return ", ".join(parts)


def route_text(route: str, label: str | None) -> str:
    """Name a session's route for the table ("IV infusion", "Other: TMS")."""
    name = treatment_rules.ROUTES.get(route, route)
    return f"{name}: {label}" if label else name


def score_table(data: ChartData) -> list[ScoreRow]:
    """Return every validated score in the range by date, with band and change from baseline.

    Each instrument's baseline is the mean of its own scores in the 14 days before the first
    session (for the PHQ-9 the same number as the report's baseline); scores on or before the
    baseline's last day have no change to show.
    """
    order = {key: n for n, key in enumerate(instruments.INSTRUMENTS)}
    baselines = {
        key: analysis.instrument_baseline(data.inputs.validated, data.inputs.sessions, key)
        for key in {v["instrument"] for v in data.validated}
    }
    rows = []
    for v in sorted(data.validated, key=lambda v: (v["date"], order.get(v["instrument"], 99))):
        instrument = instruments.INSTRUMENTS.get(v["instrument"])
        if instrument is None:
            continue
        base = baselines[v["instrument"]]
        after = base is not None and v["date"] > base["end"]
        rows.append(
            ScoreRow(
                v["date"],
                instrument.short_title,
                v["total"],
                instrument.max_total,
                instrument.band_for(v["total"]) if instrument.bands else "",
                v["total"] - base["value"] if after else None,
            )
        )
    return rows


def display_name(user: User, given: str | None) -> str | None:
    """Return the name to print: the one given for this report, else the user's display name.

    Never the e-mail address: with no name set the report carries no identifier at all.
    """
    own = " ".join(str(getattr(user, "display_name", None) or "").split())[:NAME_MAX]
    return given or own or None


def session_rows(
    user: User, start: date, end: date, limit: int | None
) -> tuple[list[SessionRow], int]:
    """Return the most recent sessions in the range (oldest first) and how many there are."""
    rows = treatments.list_treatments(user, start, end, newest_first=True, limit=limit)
    count = select(func.count()).where(
        TreatmentSession.user_id == user.id,
        TreatmentSession.local_date.between(start, end),
    )
    return [
        SessionRow(
            t.local_date,
            medication_name(t) or "",
            route_text(t.route, t.route_label),
            f"{t.dose:g} {t.dose_unit}" if t.dose is not None else "",
            side_effects_text(t.side_effects),
            t.planned,
        )
        for t in reversed(rows)
    ], db.session.scalar(count)


def item9_flags(user: User, start: date, end: date) -> list[Item9Flag]:
    """Return every check-in in the range whose item 9 was above "Not at all", oldest first."""
    query = (
        select(CheckIn.local_date, CheckIn.instrument, CheckIn.answers)
        .where(
            CheckIn.user_id == user.id,
            CheckIn.safety.is_(True),
            CheckIn.local_date.between(start, end),
        )
        .order_by(CheckIn.local_date, CheckIn.instrument)
    )
    flags = []
    for day, instrument_id, answers in db.session.execute(query):
        instrument = instruments.INSTRUMENTS[instrument_id]
        value = answers[instrument.safety_item]
        label = next(o.label for o in instrument.options if o.value == value)
        name = "daily check-in" if instrument.id == "daily" else instrument.short_title
        flags.append(Item9Flag(day, name, f"{label} ({value})"))
    return flags


def shared_reflections(
    user: User, start: date, end: date, limits: Limits
) -> tuple[list[SharedReflection], int]:
    """Return the newest reflections marked for sharing in the range, cut to fit, and the count."""
    query = (
        select(Reflection)
        .where(
            Reflection.user_id == user.id,
            Reflection.share.is_(True),
            Reflection.local_date.between(start, end),
        )
        .options(joinedload(Reflection.treatment))
        .order_by(Reflection.local_date.desc(), Reflection.id.desc())
    )
    rows = list(db.session.scalars(query))
    shown = []
    for reflection in rows[: limits.reflections]:
        parts = [
            (label, reflection.prompts[key])
            for key, label in reflection_rules.PROMPTS.items()
            if reflection.prompts and reflection.prompts.get(key)
        ]
        if reflection.text:
            parts.append(("Notes" if parts else "", reflection.text))
        parts, cut = cut_parts(parts, limits.reflection_chars)
        session = reflection.treatment
        shown.append(
            SharedReflection(
                reflection.local_date,
                f"{treatment_rules.describe(session)}, {analysis.format_date(session.local_date)}"
                if session is not None
                else None,
                parts,
                cut,
            )
        )
    return shown, len(rows)


def cut_parts(
    parts: list[tuple[str, str]], limit: int | None
) -> tuple[list[tuple[str, str]], bool]:
    """Keep at most `limit` characters of text over the parts, ending a cut one with "…"."""
    if limit is None:
        return parts, False
    kept, left = [], limit
    for label, text in parts:
        if left <= 0:
            return kept, True
        if len(text) > left:
            kept.append((label, text[:left].rstrip() + "…"))
            return kept, True
        kept.append((label, text))
        left -= len(text)
    return kept, False


def first_entry(user: User) -> date | None:
    """Return the date of the user's first check-in or session (a range shown starts there)."""
    firsts = (
        select(func.min(CheckIn.local_date)).where(CheckIn.user_id == user.id),
        select(func.min(TreatmentSession.local_date)).where(TreatmentSession.user_id == user.id),
    )
    days = [day for day in map(db.session.scalar, firsts) if day is not None]
    return min(days) if days else None


def build_report(
    user: User,
    start: date,
    end: date,
    include_reflections: bool,
    name: str | None = None,
    now: datetime | None = None,
    limits: Limits = PDF_LIMITS,
    paper: str = "a4",
    include_safety_plan: bool = False,
) -> tuple[Report, ChartData]:
    """Gather the report's numbers and tables; return it with the analysis its charts share."""
    # The header keeps the chosen dates; a range reaching back before the first entry is drawn
    # from that entry, so the charts are not mostly empty.
    drawn_from = min(max(start, first_entry(user) or start), end)
    inputs = chart_services.load_inputs(user, drawn_from, end)
    data = clinician_data(inputs, user_today(user))
    info = data.baseline
    done = analysis.done_sessions(inputs.sessions)
    sessions, sessions_total = session_rows(user, drawn_from, end, limits.sessions)
    reflections, reflections_total = (
        shared_reflections(user, start, end, limits) if include_reflections else ([], 0)
    )
    report = Report(
        name=display_name(user, name),
        start=start,
        end=end,
        drawn_from=drawn_from,
        generated_at=(now or models.utcnow()).astimezone(ZoneInfo(user.timezone)),
        baseline=info,
        first_session=done[0]["date"] if done else None,
        scores=latest_scores(inputs.in_range(inputs.validated)),
        score_table=score_table(data),
        change=change_since_baseline(inputs, info),
        durability=durability.headline(data),
        paper=paper,
        daily_count=len(inputs.in_range(inputs.daily)),
        sessions=sessions,
        sessions_total=sessions_total,
        item9=item9_flags(user, start, end),
        include_reflections=include_reflections,
        reflections=reflections,
        reflections_total=reflections_total,
        limits=limits,
        safety_plan=safety_services.report_part(user, include_safety_plan),
    )
    return report, data


def default_range(user: User) -> tuple[date, date]:
    """Return the range the export page proposes: the last 90 days."""
    today = user_today(user)
    return today - timedelta(days=DEFAULT_DAYS - 1), today
