"""`flask send-reminders` end to end: real SMTP (aiosmtpd), the CLI with time moved, the sent log.

Covers: one e-mail per due reminder, unsubscribe, DST either side, quiet hours, the three-day
cap, deleted accounts, and two concurrent runs delivering once (SQLite file and PostgreSQL).
"""

import os
import re
import subprocess
import sys
import threading
import uuid
from datetime import date, time

import pytest
from sqlalchemy import func, select

from journal.accounts.users import register_user
from journal.extensions import db
from journal.models import CheckIn, User
from journal.reminders import run
from journal.reminders.models import ReminderPreference, ReminderSent
from tests.app import reminder_support as support
from tests.app.reminder_support import BASE_URL, parts, reminder_config, set_reminders, utc
from tests.conftest import DATABASE_URL, PASSWORD, app_with_schema

inbox, mail_app = support.inbox, support.mail_app


@pytest.fixture
def person(mail_app):
    """Return a factory: a user in a zone with e-mail reminders at a time."""

    def make(zone: str, at: time, created, **values) -> int:
        """Create the user and their preferences; return the user id."""
        with mail_app.app_context():
            user = register_user(f"{uuid.uuid4().hex[:8]}@example.com", PASSWORD, zone)
            db.session.commit()
            user_id = user.id
        set_reminders(mail_app, user_id, at, created, **values)
        return user_id

    return make


def send(app, now: str) -> str:
    """Run `flask send-reminders --now ...` and return its output."""
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output


def sent_rows(app) -> list[tuple]:
    """Return the sent log as (user id, kind, local date, channels)."""
    with app.app_context():
        query = select(
            ReminderSent.user_id, ReminderSent.kind, ReminderSent.local_date, ReminderSent.channels
        ).order_by(ReminderSent.id)
        return [tuple(row) for row in db.session.execute(query)]


def test_one_email_per_due_reminder_and_never_twice(mail_app, inbox, person):
    """Daily plus two never-taken questionnaires: three e-mails; a second run sends none."""
    _port, box = inbox
    user_id = person("America/Chicago", time(19), utc(2026, 3, 1, 12), questionnaires=True)
    # 19:05 in Chicago (CST, UTC-6) on 2 March.
    assert "3 reminders, 3 e-mails" in send(mail_app, "2026-03-03T01:05:00Z")
    assert len(box.messages) == 3
    assert [r[1] for r in sent_rows(mail_app)] == ["daily", "phq9", "gad7"]
    assert {r[3] for r in sent_rows(mail_app)} == {"email"}
    assert "0 reminders" in send(mail_app, "2026-03-03T01:10:00Z")
    assert len(box.messages) == 3
    message = box.messages[0]
    assert message["Subject"] == "Your check-in is due"
    texts = parts(message)
    # No health data: no questionnaire names, scores or entries in either part.
    for text in texts.values():
        assert "Your check-in is due" in text
        assert not re.search(r"PHQ|GAD|phq9|gad7|score", text)
    assert set(texts) == {"text/plain", "text/html"}
    assert user_id


def test_the_unsubscribe_link_works_and_stops_the_next_run(mail_app, inbox, person):
    """The link in the body asks once, a tap stops e-mail; the next day nothing is sent."""
    _port, box = inbox
    user_id = person("Europe/London", time(8), utc(2026, 1, 1))
    send(mail_app, "2026-01-10T08:00:00Z")
    [message] = box.messages
    text = parts(message)["text/plain"]
    link = re.search(r"Stop these e-mails \(one click\): (\S+)", text).group(1)
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.startswith(f"{BASE_URL}/reminders/unsubscribe/")
    path = link.removeprefix(BASE_URL)
    client = mail_app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and b"Stop e-mail reminders" in page.data
    with mail_app.app_context():
        assert db.session.get(ReminderPreference, user_id).email is True  # a GET only asks
    assert client.post(path).status_code == 200
    with mail_app.app_context():
        assert db.session.get(ReminderPreference, user_id).email is False
    assert "0 reminders" in send(mail_app, "2026-01-11T08:00:00Z")
    assert len(box.messages) == 1


def test_rfc8058_one_click_post_unsubscribes(mail_app, inbox, person):
    """A mail client's POST of List-Unsubscribe=One-Click needs no CSRF token and no session."""
    _port, box = inbox
    user_id = person("Europe/London", time(8), utc(2026, 1, 1))
    send(mail_app, "2026-01-10T08:00:00Z")
    path = box.messages[0]["List-Unsubscribe"].strip("<>").removeprefix(BASE_URL)
    response = mail_app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with mail_app.app_context():
        assert db.session.get(ReminderPreference, user_id).email is False


def test_a_forged_unsubscribe_token_is_a_404(mail_app):
    """A token not signed by this server unsubscribes nobody."""
    client = mail_app.test_client()
    assert client.get("/reminders/unsubscribe/WzEsImVtYWlsIl0.forged").status_code == 404
    assert client.post("/reminders/unsubscribe/WzEsImVtYWlsIl0.forged").status_code == 404


@pytest.mark.parametrize(
    ("zone", "at", "before", "after", "day"),
    [
        # New York springs forward 02:00 EST -> 03:00 EDT: 02:30 does not exist; sent at 03:00.
        ("America/New_York", time(2, 30), "2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z", 8),
        # Sydney's summer time ends 3:00 AEDT -> 2:00 AEST on 5 April; 19:00 is now UTC+10.
        ("Australia/Sydney", time(19), "2026-04-05T08:59:00Z", "2026-04-05T09:00:00Z", 5),
        # London the day after it springs forward (BST, UTC+1): 08:00 local is 07:00 UTC.
        ("Europe/London", time(8), "2026-03-30T06:59:00Z", "2026-03-30T07:00:00Z", 30),
    ],
)
def test_local_time_either_side_of_a_dst_change(
    mail_app, inbox, person, zone, at, before, after, day
):
    """Through the CLI with time moved: nothing a minute early, the reminder at local time."""
    _port, box = inbox
    person(zone, at, utc(2026, 3, 1))
    assert "0 reminders" in send(mail_app, before)
    assert "1 reminders" in send(mail_app, after)
    assert len(box.messages) == 1
    assert sent_rows(mail_app)[0][2].day == day


def test_the_repeated_hour_sends_once(mail_app, inbox, person):
    """New York falls back on 1 Nov 2026: 01:30 happens at 05:30 and 06:30 UTC; one e-mail."""
    _port, box = inbox
    user_id = person("America/New_York", time(1, 30), utc(2026, 10, 1))
    assert "1 reminders" in send(mail_app, "2026-11-01T05:30:00Z")
    with mail_app.app_context():
        # Even without the per-day skip, the sent log refuses the second 01:30.
        db.session.get(ReminderPreference, user_id).evaluated_on = None
        db.session.commit()
    assert "0 reminders" in send(mail_app, "2026-11-01T06:30:00Z")
    assert len(box.messages) == 1


def test_quiet_hours_hold_back_a_late_run(mail_app, inbox, person):
    """Time 21:00, quiet from 21:30: a run at 21:45 (cron was down) sends nothing."""
    _port, box = inbox
    person("Europe/London", time(21), utc(2026, 1, 1), quiet_start=time(21, 30), quiet_end=time(7))
    person("Europe/London", time(21), utc(2026, 1, 1))
    assert "1 reminders" in send(mail_app, "2026-01-10T21:45:00Z")
    assert "0 reminders" in send(mail_app, "2026-01-11T03:00:00Z")  # still quiet, next date
    assert len(box.messages) == 1


def test_a_missed_questionnaire_gets_three_reminders_then_stops(mail_app, inbox, person):
    """PHQ-9 taken 14 days before the 10th: reminded on the 10th, 11th and 12th only."""
    _port, box = inbox
    user_id = person("Europe/London", time(9), utc(2026, 1, 1), daily=False, questionnaires=True)
    with mail_app.app_context():
        user = db.session.get(User, user_id)
        user.gad7_enabled = False
        db.session.add(
            CheckIn(
                user_id=user_id,
                client_id=uuid.uuid4(),
                instrument="phq9",
                local_date=date(2025, 12, 27),
                answers=[0] * 9,
                total=0,
                band="minimal",
                safety=False,
            )
        )
        db.session.commit()
    for day in range(9, 15):
        send(mail_app, f"2026-01-{day:02d}T09:30:00Z")
    assert [(r[1], r[2].day) for r in sent_rows(mail_app)] == [
        ("phq9", 10),
        ("phq9", 11),
        ("phq9", 12),
    ]
    assert len(box.messages) == 3


def test_a_done_check_in_is_not_reminded(mail_app, inbox, person):
    """Today's daily check-in already saved: no reminder for it."""
    _port, box = inbox
    user_id = person("Europe/London", time(9), utc(2026, 1, 1))
    with mail_app.app_context():
        db.session.add(
            CheckIn(
                user_id=user_id,
                client_id=uuid.uuid4(),
                instrument="daily",
                local_date=date(2026, 1, 10),
                answers=[None] * 9,
                mood=6,
                safety=False,
            )
        )
        db.session.commit()
    assert "0 reminders" in send(mail_app, "2026-01-10T10:00:00Z")
    assert box.messages == []


def test_nothing_goes_to_a_deleted_account_or_a_channel_turned_off(mail_app, inbox, person):
    """The account's rows go with it; e-mail off means no e-mail."""
    _port, box = inbox
    gone = person("Europe/London", time(9), utc(2026, 1, 1))
    person("Europe/London", time(9), utc(2026, 1, 1), email=False)
    with mail_app.app_context():
        db.session.delete(db.session.get(User, gone))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ReminderPreference)) == 1
    assert "0 people looked at, 0 reminders" in send(mail_app, "2026-01-10T10:00:00Z")
    assert box.messages == []


@pytest.fixture
def shared_app(inbox, tmp_path):
    """Create an app on a database several connections share: a SQLite file or PostgreSQL."""
    url = DATABASE_URL
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
    yield from app_with_schema(**reminder_config(inbox[0], SQLALCHEMY_DATABASE_URI=url))


def test_two_concurrent_runs_deliver_each_reminder_once(shared_app, inbox):
    """Two runs started together, in small batches so they interleave: 40 e-mails, not 80."""
    _port, box = inbox
    with shared_app.app_context():
        for n in range(40):
            user = register_user(f"c{n}@example.com", PASSWORD, "Europe/London")
            db.session.add(
                ReminderPreference(
                    user_id=user.id,
                    time=time(9),
                    email=True,
                    push=False,
                    calendar=False,
                    daily=True,
                    questionnaires=False,
                    reflections=False,
                    created_at=utc(2026, 1, 1),
                )
            )
        db.session.commit()
    start = threading.Barrier(2)
    reports, failures = [], []

    def one_run():
        """Run send-reminders in its own app context once both threads are ready."""
        try:
            with shared_app.app_context():
                start.wait()
                reports.append(run.send_due(utc(2026, 1, 10, 9, 15), batch_size=4))
        except Exception as exc:  # noqa: BLE001  (reported below, in the test's thread)
            failures.append(exc)

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert sum(r.claimed for r in reports) == 40
    assert len(box.messages) == 40
    assert len({m["To"] for m in box.messages}) == 40
    assert len(sent_rows(shared_app)) == 40


def test_a_bad_now_is_a_usage_error(mail_app):
    """--now must be ISO 8601."""
    result = mail_app.test_cli_runner().invoke(args=["send-reminders", "--now", "tomorrow"])
    assert result.exit_code == 2 and "ISO 8601" in result.output


def test_a_mail_server_that_is_down_is_recorded_not_raised(person, mail_app, inbox):
    """SMTP refusing: the run finishes, the log row says why (and it is not resent)."""
    person("Europe/London", time(9), utc(2026, 1, 1))
    mail_app.config["JOURNAL_SMTP_PORT"] = "1"  # nothing listens on port 1
    assert "1 reminders, 0 e-mails" in send(mail_app, "2026-01-10T10:00:00Z")
    with mail_app.app_context():
        row = db.session.scalars(select(ReminderSent)).one()
        assert row.sent_at is None and row.error.startswith("email:")


def attempts(app) -> list[tuple]:
    """Return each sent-log row as (attempts, delivered, error prefix)."""
    with app.app_context():
        rows = db.session.execute(
            select(ReminderSent.attempts, ReminderSent.sent_at, ReminderSent.error)
        ).all()
    return [(n, sent is not None, (error or "")[:5]) for n, sent, error in rows]


def test_a_failed_send_is_tried_again_later_the_same_day(mail_app, inbox, person):
    """Mail server down at 10:00: not resent at 10:05, sent at 10:15 once it is back, then never."""
    person("Europe/London", time(9), utc(2026, 1, 1))
    port = mail_app.config["JOURNAL_SMTP_PORT"]
    mail_app.config["JOURNAL_SMTP_PORT"] = "1"  # nothing listens on port 1
    assert "1 reminders, 0 e-mails" in send(mail_app, "2026-01-10T10:00:00Z")
    mail_app.config["JOURNAL_SMTP_PORT"] = port
    assert "0 reminders" in send(mail_app, "2026-01-10T10:05:00Z")  # too soon
    assert "1 reminders, 1 e-mails" in send(mail_app, "2026-01-10T10:15:00Z")
    assert attempts(mail_app) == [(2, True, "")]
    assert "0 reminders" in send(mail_app, "2026-01-10T10:30:00Z")
    assert len(inbox[1].messages) == 1


def test_a_send_that_keeps_failing_stops_after_three_tries(mail_app, inbox, person):
    """Three failures 10 minutes apart, then the run leaves it (and the next day starts anew)."""
    person("Europe/London", time(9), utc(2026, 1, 1))
    mail_app.config["JOURNAL_SMTP_PORT"] = "1"
    for minute in ("00", "10", "20"):
        assert "1 reminders, 0 e-mails" in send(mail_app, f"2026-01-10T10:{minute}:00Z")
    assert "0 reminders" in send(mail_app, "2026-01-10T10:40:00Z")
    assert attempts(mail_app) == [(3, False, "email")]
    assert "1 reminders" in send(mail_app, "2026-01-11T10:00:00Z")  # the next local day


def test_a_crash_after_the_claim_is_not_retried(mail_app, inbox, person):
    """A claimed row with no error (the run died before sending) is never sent twice."""
    user_id = person("Europe/London", time(9), utc(2026, 1, 1))
    with mail_app.app_context():
        db.session.add(
            ReminderSent(
                user_id=user_id,
                kind="daily",
                local_date=date(2026, 1, 10),
                claimed_at=utc(2026, 1, 10, 9, 30),
            )
        )
        db.session.commit()
    assert "0 reminders" in send(mail_app, "2026-01-10T10:00:00Z")
    assert inbox[1].messages == []


def test_without_a_base_url_no_email_goes_out_and_the_run_says_why(person, mail_app, inbox):
    """No JOURNAL_BASE_URL: a reminder with links to localhost is never mailed (as with resets)."""
    person("Europe/London", time(9), utc(2026, 1, 1))
    mail_app.config["JOURNAL_BASE_URL"] = ""
    output = send(mail_app, "2026-01-10T10:00:00Z")
    assert "JOURNAL_BASE_URL is not set" in output
    assert inbox[1].messages == [] and sent_rows(mail_app) == []


def test_two_cron_processes_at_once_deliver_each_reminder_once(shared_app, inbox, tmp_path):
    """Two `flask send-reminders` processes (as two hosts' cron would start) send 30, not 60."""
    port, box = inbox
    with shared_app.app_context():
        for n in range(30):
            user = register_user(f"p{n}@example.com", PASSWORD, "Asia/Tokyo")
            db.session.add(
                ReminderPreference(
                    user_id=user.id,
                    time=time(0, 0),
                    email=True,
                    push=False,
                    calendar=False,
                    daily=True,
                    questionnaires=False,
                    reflections=False,
                    created_at=utc(2026, 1, 1),
                )
            )
        db.session.commit()
        url = shared_app.config["SQLALCHEMY_DATABASE_URI"]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "JOURNAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "JOURNAL_SMTP_HOST": "127.0.0.1",
        "JOURNAL_SMTP_PORT": str(port),
        "JOURNAL_SMTP_SECURITY": "none",
        "JOURNAL_BASE_URL": BASE_URL,
    }
    command = [sys.executable, "-m", "flask", "--app", "journal", "send-reminders"]
    command += ["--now", "2026-01-10T03:00:00Z", "--batch-size", "3"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in runs]
    assert [process.returncode for process in runs] == [0, 0], outputs
    assert len(box.messages) == 30, outputs
    assert len({m["To"] for m in box.messages}) == 30
    assert len(sent_rows(shared_app)) == 30
