"""Who is due a reminder now, and what the rules need to decide which ones (few queries a batch)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import CheckIn, Reflection, TreatmentSession, User
from ..reflections import rules as reflection_rules
from ..settings import services as settings
from . import rules
from .models import ReminderPreference, ReminderSent

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)


@dataclass
class Candidate:
    """A person whose reminder time has come, with what the rules need."""

    user_id: int
    email: str
    timezone: str
    prefs: rules.Preferences
    wants_push: bool
    wants_email: bool
    today: date
    since: date
    schedules: dict | None
    gad7_enabled: bool
    reflection_paths: list[str] = field(default_factory=list)
    # Schedule key -> the instrument its form asks (pcl5 may mean the past-week pcl5w).
    instruments: dict[str, str] = field(default_factory=dict)


def candidates(now: datetime) -> list[Candidate]:
    """Return the people with a channel on whose local reminder time has come today (1 query)."""
    query = (
        select(
            ReminderPreference,
            User.email,
            User.timezone,
            User.schedules,
            User.gad7_enabled,
        )
        .join(User, User.id == ReminderPreference.user_id)
        .where((ReminderPreference.push.is_(True)) | (ReminderPreference.email.is_(True)))
    )
    failed = select(ReminderSent.user_id).where(retryable(now)).distinct()
    retrying = set(db.session.scalars(failed))
    found = []
    for pref, email, zone, schedules, gad7_enabled in db.session.execute(query):
        prefs = rules.Preferences(
            time=pref.time,
            quiet_start=pref.quiet_start,
            quiet_end=pref.quiet_end,
            daily=pref.daily,
            questionnaires=pref.questionnaires,
            reflections=pref.reflections,
        )
        local = rules.local_now(now, zone)
        looked_at = pref.evaluated_on == local.date() and pref.user_id not in retrying
        if looked_at or not rules.window_open(prefs, local):
            continue
        since = rules.local_now(pref.created_at, zone).date()
        found.append(
            Candidate(
                user_id=pref.user_id,
                email=email,
                timezone=zone,
                prefs=prefs,
                wants_push=pref.push,
                wants_email=pref.email,
                today=local.date(),
                since=since,
                schedules=schedules,
                gad7_enabled=gad7_enabled,
            )
        )
    return found


def gather_states(batch: list[Candidate]) -> dict[int, rules.State]:
    """Return each candidate's due state, with a fixed number of queries for the whole batch."""
    ids = [c.user_id for c in batch]
    days = {c.today for c in batch}
    latest_today = max(days)
    done = {
        (user_id, day)
        for user_id, day in db.session.execute(
            select(CheckIn.user_id, CheckIn.local_date).where(
                CheckIn.user_id.in_(ids),
                CheckIn.instrument == "daily",
                CheckIn.local_date.in_(days),
            )
        )
    }
    last_taken = {
        (user_id, instrument): day
        for user_id, instrument, day in db.session.execute(
            select(CheckIn.user_id, CheckIn.instrument, func.max(CheckIn.local_date))
            .where(CheckIn.user_id.in_(ids), CheckIn.instrument != "daily")
            .group_by(CheckIn.user_id, CheckIn.instrument)
        )
    }
    # Sessions that happened (not planned). A logged session is never after its owner's today
    # (the kernel refuses that), so the batch's latest today bounds everyone's.
    last_session = dict(
        db.session.execute(
            select(TreatmentSession.user_id, func.max(TreatmentSession.local_date))
            .where(
                TreatmentSession.user_id.in_(ids),
                TreatmentSession.planned.is_(False),
                TreatmentSession.local_date <= latest_today,
            )
            .group_by(TreatmentSession.user_id)
        ).all()
    )
    prompts = open_prompts_today(batch, ids, days)
    states = {}
    for c in batch:
        user = User(id=c.user_id, schedules=c.schedules, gad7_enabled=c.gad7_enabled)
        due = {}
        for key, schedule in settings.schedules_for(user).items():
            if not schedule["enabled"]:
                continue
            instrument = settings.schedule_instrument(key, schedule)
            c.instruments[key] = instrument.id
            last = last_taken.get((c.user_id, instrument.id))
            when = settings.due_from(last, last_session.get(c.user_id), schedule, c.today)
            # Today's rule says "due today" forever for one never taken; the three-day cap
            # then counts from the day reminders were turned on.
            due[key] = c.since if last is None else max(when, c.since)
        c.reflection_paths = prompts.get(c.user_id, [])
        states[c.user_id] = rules.State(
            daily_done=(c.user_id, c.today) in done,
            questionnaires=due,
            open_prompts=len(c.reflection_paths),
        )
    return states


def open_prompts_today(batch: list[Candidate], ids: list[int], days: set[date]) -> dict:
    """Return user id -> reflection form paths whose follow-up prompt day is today (2 queries)."""
    offsets = {
        key: timedelta(days=offset)
        for key, offset, _label in reflection_rules.FOLLOW_UPS
        if key in rules.REFLECTION_PROMPTS
    }
    earliest = min(days) - max(offsets.values())
    sessions = db.session.execute(
        select(
            TreatmentSession.id,
            TreatmentSession.user_id,
            TreatmentSession.client_id,
            TreatmentSession.local_date,
        ).where(
            TreatmentSession.user_id.in_(ids),
            TreatmentSession.planned.is_(False),
            TreatmentSession.local_date >= earliest,
            TreatmentSession.local_date <= max(days) - min(offsets.values()),
        )
    ).all()
    if not sessions:
        return {}
    linked: dict[int, list[date]] = defaultdict(list)
    for treatment_id, day in db.session.execute(
        select(Reflection.treatment_id, Reflection.local_date).where(
            Reflection.treatment_id.in_([s.id for s in sessions])
        )
    ):
        linked[treatment_id].append(day)
    today_of = {c.user_id: c.today for c in batch}
    paths: dict[int, list[str]] = defaultdict(list)
    for session_id, user_id, client_id, day in sessions:
        today = today_of[user_id]
        for prompt in reflection_rules.prompt_schedule(day, linked[session_id], today):
            if prompt.key in offsets and prompt.day == today and prompt.state == "open":
                paths[user_id].append(f"/reflections/new?session={client_id}&prompt={prompt.key}")
    return paths


def form_path(c: Candidate, kind: str) -> str:
    """Return the page a reminder of this kind opens for this person."""
    if kind == "reflection":
        return c.reflection_paths[0] if c.reflection_paths else "/"
    if kind in c.instruments:
        return f"/checkins/new?instrument={c.instruments[kind]}"
    return "/checkins/new"


def retryable(now: datetime):
    """Return the condition on a sent-log row that delivered nothing and may be tried again."""
    return and_(
        ReminderSent.sent_at.is_(None),
        ReminderSent.error.is_not(None),
        ReminderSent.attempts < MAX_ATTEMPTS,
        ReminderSent.claimed_at <= now - RETRY_AFTER,
        # A day-old failure is not today's reminder any more.
        ReminderSent.claimed_at > now - timedelta(days=1),
    )
