"""Gather the therapist report from the database and the shared chart analysis."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import instruments, models, verdict
from ..charts import ChartData, ChartInputs, medication_name, words
from ..dashboard import services as chart_services
from ..errors import Invalid
from ..extensions import db
from ..fields import clean_text
from ..models import CheckIn, Reflection, TreatmentSession, User
from ..records import parse_date, user_today
from ..reflections import rules as reflection_rules
from ..safety import services as safety_services
from ..sessions_help import sessions_help
from ..treatments import rules as treatment_rules
from ..treatments import services as treatments
from .content import (
    DEFAULT_DAYS,
    NAME_MAX,
    PDF_LIMITS,
    Item9Flag,
    Limits,
    Report,
    ScoreRow,
    SessionRow,
    SharedReflection,
)
from .summary import (
    first_shown,
    item9_grouped,
    named_baseline,
    other_scores,
    phq9_summary,
    session_series,
)

LEVEL_LABELS = {"sedation": "sleepiness"}


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


def clinician_data(
    inputs: ChartInputs, today: date, period: tuple[date, date] | None = None
) -> ChartData:
    """Return the analysis a clinician's view reads: third-person captions, ranged windows.

    Only the baseline looks before the range; session windows get the range's check-ins only,
    so no score dated before the range reaches a therapist through a window that starts
    before it. The chart's baseline line is the report's named PHQ-9 baseline, so the chart
    and page 1 draw and state the same number.
    """
    data = ChartData(inputs, today, clinician=True, ranged_sessions=True)
    start, end = inputs.start or date.min, inputs.end or today
    first = first_shown(inputs.sessions, start, end)
    base = named_baseline(inputs.validated, "phq9", first, start, period)
    data.baseline = (
        None
        if base is None
        else {
            "value": base.value,
            "source": "phq9",
            "n": len(base.scores),
            "start": base.first,
            "end": base.last,
        }
    )
    return data


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


def score_table(data: ChartData, period: tuple[date, date] | None = None) -> list[ScoreRow]:
    """Return every validated score in the range by date, with band and change from baseline.

    Each instrument's baseline follows the report's rule (page 1 states it; for the PHQ-9 the
    same baseline as the verdict); scores on or before the baseline's last day have no change.
    """
    order = {key: n for n, key in enumerate(instruments.INSTRUMENTS)}
    start, end = data.first, data.last
    first = first_shown(data.inputs.sessions, start, end)
    baselines = {
        key: named_baseline(data.inputs.validated, key, first, start, period)
        for key in {v["instrument"] for v in data.validated}
    }
    rows = []
    for v in sorted(data.validated, key=lambda v: (v["date"], order.get(v["instrument"], 99))):
        instrument = instruments.INSTRUMENTS.get(v["instrument"])
        if instrument is None:
            continue
        base = baselines[v["instrument"]]
        after = base is not None and v["date"] > base.last
        rows.append(
            ScoreRow(
                v["date"],
                instrument.short_title,
                v["total"],
                instrument.max_total,
                instrument.band_for(v["total"]) if instrument.bands else "",
                v["total"] - base.value if after else None,
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


def item9_answers(user: User, start: date, end: date) -> tuple[list, list]:
    """Return the banner's item-9 answers (the 60 days before `end`) and the range's older ones."""
    # The banner looks back 60 days even when the chosen range is shorter: "not answered above 0
    # in the 60 days before" must be true, or a clinician is falsely reassured (CHANGE.md).
    since = min(start, end - timedelta(days=verdict.ITEM9_DAYS))
    recent, older = verdict.item9_split(item9_flags(user, since, end), end)
    return recent, [flag for flag in older if flag.day >= start]


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
        flags.append(Item9Flag(day, name, value, f"{label} ({value})"))
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
                f"{treatment_rules.describe(session)}, {words.format_date(session.local_date)}"
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
    baseline_period: tuple[date, date] | None = None,
) -> tuple[Report, ChartData]:
    """Gather the report's numbers and tables; return it with the analysis its charts share."""
    # The header keeps the chosen dates; a range reaching back before the first entry is drawn
    # from that entry, so the charts are not mostly empty.
    drawn_from = min(max(start, first_entry(user) or start), end)
    inputs = chart_services.load_inputs(user, drawn_from, end)
    data = clinician_data(inputs, user_today(user), baseline_period)
    first = first_shown(inputs.sessions, drawn_from, end)
    in_range = inputs.in_range(inputs.validated)
    # Every session for the series lines; the table shows the most recent that fit.
    every_session, sessions_total = session_rows(user, drawn_from, end, None)
    sessions = every_session[-limits.sessions :] if limits.sessions else every_session
    reflections, reflections_total = (
        shared_reflections(user, start, end, limits) if include_reflections else ([], 0)
    )
    recent, older = item9_answers(user, start, end)
    done = [s for s in inputs.sessions if not s.get("planned")]
    report = Report(
        name=display_name(user, name),
        start=start,
        end=end,
        drawn_from=drawn_from,
        generated_at=(now or models.utcnow()).astimezone(ZoneInfo(user.timezone)),
        first_session=first,
        phq9=phq9_summary(inputs.validated, in_range, first, drawn_from, baseline_period),
        others=other_scores(inputs.validated, in_range, first, drawn_from, baseline_period),
        baseline_rule=verdict.baseline_rule_text(),
        series=session_series(every_session, min((s["date"] for s in done), default=None)),
        helped=sessions_help(inputs.daily, inputs.sessions, drawn_from, end),
        score_table=score_table(data, baseline_period),
        paper=paper,
        daily_count=len(inputs.in_range(inputs.daily)),
        sessions=sessions,
        sessions_total=sessions_total,
        item9_recent=recent,
        item9_older=older,
        item9_grouped=item9_grouped(recent),
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
