"""`flask send-reminders`: send what is due now, once, in batches.

Each run reads every preference row in one query and keeps the people whose local time has
come (and who were not looked at yet today). For those, in batches, a fixed handful of queries
gathers what is due; then the run claims each reminder by inserting its row in the sent log
(unique per person, kind and local date; ON CONFLICT DO NOTHING), commits, and sends only the
rows it won. A second run at the same moment, on another host or in another process, wins no
row twice, so nothing is delivered twice; a crash after the claim loses a reminder rather than
repeating it. A send that delivered nothing (the mail server or every push service refused) is
claimed again by a run at least RETRY_AFTER later, the same local day, up to MAX_ATTEMPTS tries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import requests
from flask import current_app
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import mail
from ..extensions import db
from ..models import CheckIn, Reflection, TreatmentSession, User, utcnow
from ..reflections import rules as reflection_rules
from ..settings import services as settings
from . import messages, push, rules, services
from .models import PushSubscription, ReminderPreference, ReminderSent

BATCH = 500
GONE = (404, 410)
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


@dataclass
class Report:
    """What one run did."""

    candidates: int = 0
    claimed: int = 0
    emails: int = 0
    pushes: int = 0
    subscriptions_removed: int = 0
    errors: list[str] = field(default_factory=list)


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


def claim(rows: list[dict]) -> list[tuple[int, int, str]]:
    """Insert sent-log rows, or take back failed ones; return (id, user, kind) of ours.

    A row another run holds, or one already sent, is skipped. A retryable failed row is updated
    in the same statement, and the update's condition clears its error, so of two runs at once
    only one takes it back.
    """
    if not rows:
        return []
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    now = rows[0]["claimed_at"]
    insert = dialect.insert(ReminderSent).values(rows)
    statement = insert.on_conflict_do_update(
        index_elements=["user_id", "kind", "local_date"],
        set_={
            "claimed_at": insert.excluded.claimed_at,
            "attempts": ReminderSent.attempts + 1,
            "error": None,
        },
        where=retryable(now),
    ).returning(ReminderSent.id, ReminderSent.user_id, ReminderSent.kind)
    won = [tuple(row) for row in db.session.execute(statement)]
    db.session.commit()  # a job step (journal/autonomous.py JOB_STEPS)
    return won


def subscriptions_of(ids: list[int]) -> dict[int, list]:
    """Return each user's push subscriptions as plain rows (1 query; they outlive the commit)."""
    found: dict[int, list] = defaultdict(list)
    query = select(
        PushSubscription.id,
        PushSubscription.user_id,
        PushSubscription.endpoint,
        PushSubscription.p256dh,
        PushSubscription.auth,
    ).where(PushSubscription.user_id.in_(ids))
    for row in db.session.execute(query):
        found[row.user_id].append(row)
    return found


class Channels:
    """What this deployment can send with, worked out once per run (push keys only if needed)."""

    def __init__(self, config, instance_path: str, report: Report):
        self.config = config
        self.instance_path = instance_path
        self.report = report
        self.base_url = (config.get("JOURNAL_BASE_URL") or "").rstrip("/")
        # The same rule as reset e-mails: a reminder whose links point at localhost is a broken
        # e-mail in the person's inbox (and an unsubscribe link that cannot work), so none is sent.
        self.email = mail.is_configured(config) and bool(self.base_url)
        if mail.is_configured(config) and not self.base_url:
            report.errors.append("JOURNAL_BASE_URL is not set: no reminder e-mail was sent")
        self.hosts = push.allowed_hosts(config)
        self.session = requests.Session()
        self._vapid: tuple | None = None

    @property
    def vapid(self):
        """Return the VAPID key pair, or None when push is not configured (noted once)."""
        if self._vapid is None:
            try:
                subject = push.vapid_subject(self.config)
                self._vapid = (push.load_vapid(self.config, self.instance_path), subject)
            except push.PushNotConfigured as exc:
                self.report.errors.append(str(exc))
                self._vapid = (None, None)
        return self._vapid[0]

    @property
    def subject(self) -> str | None:
        """Return the VAPID subject (after `vapid` was read)."""
        return self._vapid[1] if self._vapid else None


def send_batch(batch: list[Candidate], channels: Channels, now: datetime, report: Report) -> None:
    """Work out, claim and send one batch's reminders; record what each delivered."""
    states = gather_states(batch)
    ids = [c.user_id for c in batch]
    subscriptions = subscriptions_of([c.user_id for c in batch if c.wants_push])
    by_id = {c.user_id: c for c in batch}
    rows = []
    for c in batch:
        can_push = c.wants_push and subscriptions.get(c.user_id) and channels.vapid is not None
        can_email = c.wants_email and channels.email
        if not (can_push or can_email):
            continue
        for kind in rules.due_kinds(c.prefs, states[c.user_id], c.today):
            rows.append(
                {"user_id": c.user_id, "kind": kind, "local_date": c.today, "claimed_at": now}
            )
    # Looked at for today: later runs skip these people until their next local day.
    for day in {c.today for c in batch}:
        db.session.execute(
            update(ReminderPreference)
            .where(ReminderPreference.user_id.in_([c.user_id for c in batch if c.today == day]))
            .values(evaluated_on=day)
        )
    won = claim(rows)
    report.candidates += len(ids)
    report.claimed += len(won)
    outcomes: dict[int, dict] = {}
    emails, email_rows = [], []
    gone: set[int] = set()
    pushed: set[int] = set()
    for row_id, user_id, kind in won:
        c = by_id[user_id]
        delivered, error = [], None
        if c.wants_email and channels.email:
            token = services.unsubscribe_token(current_app.config["SECRET_KEY"], user_id)
            message = messages.reminder_email(channels.config, c.email, channels.base_url, token)
            emails.append(message)
            email_rows.append(row_id)
        if c.wants_push and subscriptions.get(user_id) and channels.vapid is not None:
            payload = messages.push_payload(kind, form_path(c, kind))
            for sub in subscriptions.get(user_id, []):
                if sub.id in gone or not push.endpoint_allowed(sub.endpoint, channels.hosts):
                    continue
                info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
                try:
                    status = push.send(
                        info, payload, channels.vapid, channels.subject, channels.session
                    )
                except Exception as exc:  # noqa: BLE001  (one dead service must not stop the run)
                    error = f"push: {exc.__class__.__name__}: {exc}"[:500]
                    continue
                if status in GONE:
                    # The browser unsubscribed or the subscription expired: forget it.
                    gone.add(sub.id)
                elif 200 <= status < 300:
                    report.pushes += 1
                    pushed.add(sub.id)
                    if "push" not in delivered:
                        delivered.append("push")
                else:
                    error = f"push: HTTP {status}"
        if error:
            report.errors.append(f"user {user_id}: {error}")
        outcomes[row_id] = {"id": row_id, "channels": delivered, "error": error}
    if emails:
        try:
            mail.send(channels.config, emails)
        except (OSError, mail.MailNotConfigured) as exc:  # smtplib's errors are OSErrors
            for row_id in email_rows:
                outcomes[row_id]["error"] = f"email: {exc.__class__.__name__}"
        else:
            report.emails += len(emails)
            for row_id in email_rows:
                outcomes[row_id]["channels"].append("email")
    if pushed:
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_(pushed - gone))
            .values(last_sent_at=now)
        )
    if gone:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        report.subscriptions_removed += len(gone)
    if outcomes:
        db.session.execute(
            update(ReminderSent),
            [
                {
                    "id": o["id"],
                    "sent_at": now if o["channels"] else None,
                    "channels": ",".join(sorted(o["channels"])) or None,
                    "error": o["error"],
                }
                for o in outcomes.values()
            ],
        )
    db.session.commit()


def send_due(now: datetime | None = None, batch_size: int = BATCH) -> Report:
    """Send every reminder due at `now` (default: the current time) and return what was done."""
    now = now or utcnow()
    report = Report()
    channels = Channels(current_app.config, current_app.instance_path, report)
    found = candidates(now)
    db.session.commit()  # end the read, so no long transaction spans the sending
    for start in range(0, len(found), batch_size):
        send_batch(found[start : start + batch_size], channels, now, report)
    channels.session.close()
    return report
