"""`send-reminders` for many people with a mix of channels, against local SMTP and push servers.

Run: .venv/bin/python bench/reminders.py [--users 10000] [--database-url URL]
Needs node and `npm ci` (web-push-testing). Mail goes to an aiosmtpd server in this process,
pushes to web-push-testing on a free loopback port (VAPID checked, payloads decrypted). Three
runs are timed, each with its SQL statement count:
  catch-up the day's first run (or after an outage): everyone whose time has passed is due
  slot     five minutes later, a typical cron run: only those whose time fell in between
  repeat   the same instant again: nothing is due (the idempotent case)
Queries should follow the number of due reminders (about 10 per batch of 500 people past their
time, plus one scan), not the number of accounts.
"""

import argparse
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path

import requests
from aiosmtpd.controller import Controller
from py_vapid import Vapid
from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from journal import create_app  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.models import User  # noqa: E402
from journal.reminders import push, run  # noqa: E402
from journal.reminders.models import PushSubscription, ReminderPreference  # noqa: E402

ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London",
         "Europe/Berlin", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"]  # fmt: skip
SERVER = ROOT / "node_modules" / "web-push-testing" / "src" / "bin" / "server.js"


class Counter:
    """Count messages an SMTP server receives."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        """Accept one message."""
        self.count += 1
        return "250 OK"


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_push_service() -> tuple[subprocess.Popen, str]:
    """Start web-push-testing; return the process and its base URL."""
    port = free_port()
    process = subprocess.Popen(["node", str(SERVER), str(port)], stdout=subprocess.DEVNULL)
    base = f"http://localhost:{port}"
    for _ in range(100):
        try:
            requests.post(f"{base}/status", timeout=1)
            return process, base
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("web-push-testing did not start (run npm ci)")


def populate(app, users: int, push_base: str, public_key: str, seed: int) -> dict:
    """Insert people, preferences and push subscriptions in bulk; return the channel mix."""
    rng = random.Random(seed)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    mix = {"email": 0, "push": 0, "both": 0, "none": 0}
    session = requests.Session()
    with app.app_context():
        db.drop_all()
        db.create_all()
        # One scrypt hash for everyone: hashing 10,000 passwords is not what is measured.
        hashed = "scrypt:32768:8:1$bench$" + "0" * 128
        db.session.execute(
            insert(User),
            [
                {"email": f"p{n}@example.com", "password_hash": hashed,
                 "timezone": ZONES[n % len(ZONES)], "created_at": created}
                for n in range(users)
            ],
        )  # fmt: skip
        prefs, subs = [], []
        for n in range(users):
            channel = rng.choices(list(mix), weights=[40, 30, 20, 10])[0]
            mix[channel] += 1
            # Times on five-minute marks across the waking day, so each cron slot has a few.
            minutes = rng.randrange(6 * 12, 23 * 12) * 5
            prefs.append(
                {
                    "user_id": n + 1, "time": wall_time(minutes // 60, minutes % 60),
                    "email": channel in ("email", "both"), "push": channel in ("push", "both"),
                    "calendar": False, "daily": True, "questionnaires": n % 3 == 0,
                    "reflections": False, "created_at": created,
                }
            )  # fmt: skip
            if channel in ("push", "both"):
                answer = session.post(
                    f"{push_base}/subscribe",
                    data={"userVisibleOnly": "true", "applicationServerKey": public_key},
                    timeout=10,
                ).json()["data"]
                subs.append(
                    {"user_id": n + 1, "endpoint": answer["endpoint"], "created_at": created,
                     "p256dh": answer["keys"]["p256dh"], "auth": answer["keys"]["auth"]}
                )  # fmt: skip
        db.session.execute(insert(ReminderPreference), prefs)
        db.session.execute(insert(PushSubscription), subs)
        db.session.commit()
    return mix


def timed_run(app, now: datetime, inbox: Counter) -> dict:
    """Run send-reminders once at `now`; return its time, statements and deliveries."""
    statements = 0

    def count(*_args):
        nonlocal statements
        statements += 1

    mails_before = inbox.count
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        start = time.perf_counter()
        report = run.send_due(now)
        elapsed = time.perf_counter() - start
        event.remove(db.engine, "before_cursor_execute", count)
    return {
        "seconds": elapsed,
        "statements": statements,
        "looked_at": report.candidates,
        "reminders": report.claimed,
        "emails": inbox.count - mails_before,
        "pushes": report.pushes,
        "errors": len(report.errors),
    }


def main() -> None:
    """Build the population, time the three runs and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    inbox = Counter()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    process, push_base = start_push_service()
    vapid = Vapid()
    vapid.generate_keys()
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
            app = create_app(
                {
                    "SECRET_KEY": "bench",
                    "SQLALCHEMY_DATABASE_URI": url,
                    "JOURNAL_SMTP_HOST": "127.0.0.1",
                    "JOURNAL_SMTP_PORT": str(smtp_port),
                    "JOURNAL_SMTP_SECURITY": "none",
                    "JOURNAL_MAIL_FROM": "Mood Journal <bench@example.org>",
                    "JOURNAL_VAPID_PRIVATE_KEY": vapid.private_pem().decode(),
                    "JOURNAL_PUSH_HOSTS": push_base.removeprefix("http://"),
                }
            )
            start = time.perf_counter()
            mix = populate(app, args.users, push_base, push.public_key(vapid), args.seed)
            print(f"{args.users} people ({mix}) ready in {time.perf_counter() - start:.1f} s")
            print(f"database: {url.split(':')[0]}")
            # 12:02 UTC on 10 March: a few people in each zone reach their time in this slot.
            slot = datetime(2026, 3, 10, 12, 2, tzinfo=UTC)
            rows = [
                # The day's first run: everyone whose time has passed today is due at once.
                ("catch-up", timed_run(app, slot - timedelta(minutes=5), inbox)),
                ("slot", timed_run(app, slot, inbox)),
                ("repeat", timed_run(app, slot, inbox)),
            ]
            header = ("run", "seconds", "statements", "looked_at", "reminders", "emails",
                      "pushes", "errors")  # fmt: skip
            print(" | ".join(header))
            for name, row in rows:
                print(
                    " | ".join([name, f"{row['seconds']:.2f}"] + [str(row[k]) for k in header[2:]])
                )
            with app.app_context():
                db.drop_all()
                db.engine.dispose()
    finally:
        controller.stop()
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
