"""`flask send-reminders`: send what is due now, once, in batches.

Each run reads every preference row in one query and keeps the people whose local time has
come (and who were not looked at yet today). For those, in batches, a fixed handful of queries
gathers what is due; then the run claims each reminder by inserting its row in the sent log
(unique per person, kind and local date; ON CONFLICT DO NOTHING), commits, and sends only the
rows it won. A second run at the same moment, on another host or in another process, wins no
row twice, so nothing is delivered twice; a crash after the claim loses a reminder rather than
repeating it. A send that delivered nothing (the mail server or every push service refused) is
claimed again by a run at least RETRY_AFTER later, the same local day, up to MAX_ATTEMPTS tries
(both in candidates.py). Who is due comes from candidates.py, the sending from delivery.py.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import utcnow
from . import rules
from .candidates import Candidate, candidates, gather_states, retryable
from .delivery import Channels, Delivery, Report, subscriptions_of
from .models import ReminderPreference, ReminderSent

BATCH = 500


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


def due_rows(batch: list[Candidate], delivery: Delivery, now: datetime) -> list[dict]:
    """Return a sent-log row for each reminder due to someone who can be reached."""
    states = gather_states(batch)
    rows = []
    for c in batch:
        if not (delivery.can_push(c) or delivery.can_email(c)):
            continue
        for kind in rules.due_kinds(c.prefs, states[c.user_id], c.today):
            rows.append(
                {"user_id": c.user_id, "kind": kind, "local_date": c.today, "claimed_at": now}
            )
    return rows


def mark_evaluated(batch: list[Candidate]) -> None:
    """Note the batch as looked at for today: later runs skip them until their next local day."""
    for day in {c.today for c in batch}:
        db.session.execute(
            update(ReminderPreference)
            .where(ReminderPreference.user_id.in_([c.user_id for c in batch if c.today == day]))
            .values(evaluated_on=day)
        )


def send_batch(batch: list[Candidate], channels: Channels, now: datetime, report: Report) -> None:
    """Work out, claim and send one batch's reminders; record what each delivered."""
    subscriptions = subscriptions_of([c.user_id for c in batch if c.wants_push])
    delivery = Delivery(channels, subscriptions, report)
    rows = due_rows(batch, delivery, now)
    mark_evaluated(batch)
    won = claim(rows)
    report.candidates += len(batch)
    report.claimed += len(won)
    by_id = {c.user_id: c for c in batch}
    for row_id, user_id, kind in won:
        delivery.deliver(row_id, by_id[user_id], kind)
    delivery.send_emails()
    delivery.record(now)
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
