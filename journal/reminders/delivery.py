"""Deliver claimed reminders by e-mail and Web Push, and note what each delivered."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import requests
from flask import current_app
from sqlalchemy import delete, select, update

from .. import mail
from ..extensions import db
from . import messages, push, services
from .candidates import Candidate, form_path
from .models import PushSubscription, ReminderSent

GONE = (404, 410)


@dataclass
class Report:
    """What one run did."""

    candidates: int = 0
    claimed: int = 0
    emails: int = 0
    pushes: int = 0
    subscriptions_removed: int = 0
    errors: list[str] = field(default_factory=list)


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


class Delivery:
    """One batch's sending: e-mails gathered for one SMTP session, pushes sent one by one."""

    def __init__(self, channels: Channels, subscriptions: dict[int, list], report: Report):
        self.channels = channels
        self.subscriptions = subscriptions
        self.report = report
        self.outcomes: dict[int, dict] = {}
        self.emails: list = []
        self.email_rows: list[int] = []
        self.gone: set[int] = set()
        self.pushed: set[int] = set()

    def can_push(self, c: Candidate) -> bool:
        """Tell whether this person can get a push (wants it, has a subscription, keys exist)."""
        return bool(
            c.wants_push and self.subscriptions.get(c.user_id) and self.channels.vapid is not None
        )

    def can_email(self, c: Candidate) -> bool:
        """Tell whether this person can get an e-mail (wants it, and mail is set up)."""
        return bool(c.wants_email and self.channels.email)

    def deliver(self, row_id: int, c: Candidate, kind: str) -> None:
        """Queue the e-mail and send the pushes of one claimed reminder; note the outcome."""
        delivered: list[str] = []
        error = None
        if self.can_email(c):
            self.queue_email(row_id, c)
        if self.can_push(c):
            error = self.push_all(c, kind, delivered)
        if error:
            self.report.errors.append(f"user {c.user_id}: {error}")
        self.outcomes[row_id] = {"id": row_id, "channels": delivered, "error": error}

    def queue_email(self, row_id: int, c: Candidate) -> None:
        """Add one reminder e-mail (with its unsubscribe link) to the batch's SMTP session."""
        token = services.unsubscribe_token(current_app.config["SECRET_KEY"], c.user_id)
        config, base_url = self.channels.config, self.channels.base_url
        self.emails.append(messages.reminder_email(config, c.email, base_url, token))
        self.email_rows.append(row_id)

    def push_all(self, c: Candidate, kind: str, delivered: list[str]) -> str | None:
        """Push to each of the person's allowed subscriptions; return the last error, if any."""
        payload = messages.push_payload(kind, form_path(c, kind))
        error = None
        for sub in self.subscriptions.get(c.user_id, []):
            if sub.id in self.gone or not push.endpoint_allowed(sub.endpoint, self.channels.hosts):
                continue
            error = self.push_one(sub, payload, delivered) or error
        return error

    def push_one(self, sub, payload, delivered: list[str]) -> str | None:
        """Send one push; forget a subscription the service says is gone; return an error."""
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        channels = self.channels
        try:
            status = push.send(info, payload, channels.vapid, channels.subject, channels.session)
        except Exception as exc:  # noqa: BLE001  (one dead service must not stop the run)
            return f"push: {exc.__class__.__name__}: {exc}"[:500]
        if status in GONE:
            # The browser unsubscribed or the subscription expired: forget it.
            self.gone.add(sub.id)
            return None
        if 200 <= status < 300:
            self.report.pushes += 1
            self.pushed.add(sub.id)
            if "push" not in delivered:
                delivered.append("push")
            return None
        return f"push: HTTP {status}"

    def send_emails(self) -> None:
        """Send the batch's e-mails in one SMTP session; a failure marks each of their rows."""
        if not self.emails:
            return
        try:
            mail.send(self.channels.config, self.emails)
        except (OSError, mail.MailNotConfigured) as exc:  # smtplib's errors are OSErrors
            for row_id in self.email_rows:
                self.outcomes[row_id]["error"] = f"email: {exc.__class__.__name__}"
        else:
            self.report.emails += len(self.emails)
            for row_id in self.email_rows:
                self.outcomes[row_id]["channels"].append("email")

    def record(self, now: datetime) -> None:
        """Write what was delivered: push times, gone subscriptions, each row's outcome."""
        if self.pushed:
            db.session.execute(
                update(PushSubscription)
                .where(PushSubscription.id.in_(self.pushed - self.gone))
                .values(last_sent_at=now)
            )
        if self.gone:
            db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(self.gone)))
            self.report.subscriptions_removed += len(self.gone)
        if self.outcomes:
            db.session.execute(
                update(ReminderSent),
                [
                    {
                        "id": o["id"],
                        "sent_at": now if o["channels"] else None,
                        "channels": ",".join(sorted(o["channels"])) or None,
                        "error": o["error"],
                    }
                    for o in self.outcomes.values()
                ],
            )
