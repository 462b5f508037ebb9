"""Many users at once, and a sign-in storm, against gunicorn with gunicorn.conf.py (issue 14).

Run: .venv/bin/python bench/load.py [--database-url URL] [--users 50] [--seconds 60]
     [--storm 50] [--storm-users 10] [--storm-rounds 3] [--gunicorn="--keep-alive 5"]
The server is gunicorn with the repository's gunicorn.conf.py as it is (its workers and
threads; WEB_CONCURRENCY, JOURNAL_THREADS (1: sync workers) and JOURNAL_HASH_CONCURRENCY pass
through from the environment; --gunicorn adds command-line settings), on a temporary SQLite file or
--database-url, with JOURNAL_TRUSTED_PROXIES=1: every simulated person sends their own
X-Forwarded-For address, as they would through the reverse proxy, so the sign-in throttle counts
each person separately (its limits stay the production ones).
1. Load: --users accounts (each with --history-years of demo data, each signed in once before
   the clock starts) send requests back to back for --seconds: 40 % check-in PUTs (a new daily
   check-in each), 30 % check-in lists, 20 % charts (one of the six, a user's cache goes cold
   with each of their writes), 10 % treatment sessions (a list, or every other time a new
   session). Afterwards every acknowledged PUT is looked up in the database (lost writes).
2. Sign-in storm: --storm-users of them keep up the same mix while, --storm-rounds times, --storm
   other accounts sign in at the same instant (GET /api/v1/csrf, then POST /api/v1/auth/login).
   The other requests that start during a storm are compared with those outside any storm, in
   the same run.
The load generator is Python: --processes processes (so the GIL does not cap it), a thread per
person, a new http.client connection per request. It shares the machine with the server: every
line carries the 1-minute load average.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import httpbench

sys.path.insert(0, str(httpbench.ROOT))

from sqlalchemy import select  # noqa: E402

from journal import create_app  # noqa: E402
from journal.accounts.passwords import hash_password  # noqa: E402
from journal.charts import CHART_NAMES  # noqa: E402
from journal.cli import load_demo  # noqa: E402
from journal.demo import generate  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.models import CheckIn, TreatmentSession, User  # noqa: E402
from journal.records import user_today  # noqa: E402

PORT = 8740
PASSWORD = "benchmark password"
SECRET = "bench-load"
MIX = {"put": 40, "list": 30, "chart": 20, "sessions": 10}
# Writes go to dates before the demo history (at most a few years), one day further back each.
FIRST_WRITE_DAYS_BACK = 5 * 366


def address(number: int) -> str:
    """Return a person's own client address (sent as X-Forwarded-For)."""
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


def prepare(url: str, users: int, storm: int, years: float) -> str:
    """Create the schema and the accounts, with demo data for the load accounts; return today."""
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        # One real (production-cost) hash for every account: creating them stays quick.
        password_hash = hash_password(PASSWORD)
        emails = [f"load-{n}@example.com" for n in range(users)]
        emails += [f"storm-{n}@example.com" for n in range(storm)]
        for email in emails:
            db.session.add(User(email=email, password_hash=password_hash, timezone="UTC"))
        db.session.commit()
        today = None
        if years > 0:
            for number, user in enumerate(db.session.scalars(select(User)).all()):
                if user.email.startswith("load-"):
                    today = user_today(user)
                    load_demo(user, generate(years, today, user.timezone, seed=number))
        today = today or datetime.now().date()
        db.engine.dispose()
    return today.isoformat()


def acknowledged_missing(url: str, written: set[str]) -> int:
    """Return how many acknowledged writes (client ids) the database does not have."""
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        stored = {str(c) for c in db.session.scalars(select(CheckIn.client_id))}
        stored |= {str(c) for c in db.session.scalars(select(TreatmentSession.client_id))}
        db.engine.dispose()
    return len(written - stored)


def request(port: int, method: str, path: str, headers: dict, body=None) -> int:
    """Send one request on its own connection; return the status (0 for a network error)."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = connection.getresponse()
        response.read()
        connection.close()
    except OSError:
        return 0
    return response.status


def next_request(person: dict, rng: random.Random, state: dict) -> tuple[str, str, str, dict]:
    """Return (kind, method, path, body) of a person's next request, drawn from MIX."""
    kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    if kind == "put":
        day = state["day"]
        state["day"] -= timedelta(days=1)
        body = {"instrument": "daily", "local_date": day.isoformat(), "answers": [1] * 9}
        return kind, "PUT", f"/api/v1/checkins/{uuid.uuid4()}", body
    if kind == "list":
        return kind, "GET", "/api/v1/checkins?limit=50", None
    if kind == "chart":
        return kind, "GET", f"/api/v1/charts/{rng.choice(CHART_NAMES)}", None
    state["sessions"] += 1
    if state["sessions"] % 2:
        return kind, "GET", "/api/v1/treatments?limit=50", None
    day = state["day"]
    state["day"] -= timedelta(days=1)
    started = datetime(day.year, day.month, day.day, 10).isoformat() + "+00:00"
    body = {"started_at": started, "route": "iv", "medication": "ketamine", "dose": 0.5}
    body["dose_unit"] = "mg/kg"
    return kind, "PUT", f"/api/v1/treatments/{uuid.uuid4()}", body


def run_person(job: dict, person: dict, out: list, written: list) -> None:
    """Send one person's requests back to back from job start to end; record each one."""
    rng = random.Random(person["number"])
    headers = {
        "Cookie": person["cookie"],
        "X-CSRFToken": person["token"],
        "Content-Type": "application/json",
        "X-Forwarded-For": address(person["number"]),
    }
    days_back = FIRST_WRITE_DAYS_BACK + person["number"] * job["days_each"] + job["offset"]
    state = {"day": date.fromisoformat(job["today"]) - timedelta(days=days_back), "sessions": 0}
    time.sleep(max(0, job["start"] - time.time()))
    while time.time() < job["end"]:
        kind, method, path, body = next_request(person, rng, state)
        started = time.time()
        status = request(job["port"], method, path, headers, body)
        out.append((kind, started, (time.time() - started) * 1000, status))
        if method == "PUT" and status in (200, 201):
            written.append(path.rsplit("/", 1)[1])


def run_storm_account(job: dict, number: int, out: list) -> None:
    """Sign one storm account in at each storm instant; record each sign-in."""
    email = f"storm-{number}@example.com"
    forwarded = {"X-Forwarded-For": address(100_000 + number)}
    for instant in job["storms"]:
        time.sleep(max(0, instant - time.time()))
        started = time.time()
        try:
            httpbench.sign_in(job["port"], email, PASSWORD, forwarded)
            status = 200
        except (OSError, RuntimeError, ValueError, AttributeError):
            status = 0
        out.append(("sign-in", started, (time.time() - started) * 1000, status))


def run_process(job: dict) -> tuple[list, list]:
    """Run this process's people and storm accounts as threads; return records and writes."""
    out, written = [], []
    threads = [
        threading.Thread(target=run_person, args=(job, person, out, written))
        for person in job["people"]
    ]
    threads += [
        threading.Thread(target=run_storm_account, args=(job, number, out))
        for number in job["storm_accounts"]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out, written


def run(pool, processes: int, base: dict, people: list, storm_accounts: list) -> tuple:
    """Split people and storm accounts over the processes, run them; return records, writes."""
    jobs = [
        {**base, "people": people[n::processes], "storm_accounts": storm_accounts[n::processes]}
        for n in range(processes)
    ]
    results = pool.map(run_process, jobs)
    return [r for out, _ in results for r in out], [w for _, ws in results for w in ws]


def stats(records: list) -> dict:
    """Return count, p50/p95/p99 (ms) and errors of some records."""
    latencies = sorted(ms for _kind, _start, ms, _status in records)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies) if latencies else 0,
        "p95": cuts[94],
        "p99": cuts[98],
        "errors": sum(not 200 <= status < 300 for *_rest, status in records),
        "statuses": Counter(status for *_rest, status in records if not 200 <= status < 300),
    }


def line(name: str, result: dict, seconds: float | None = None) -> str:
    """Format one table row."""
    rate = f"{result['n'] / seconds:7.1f}" if seconds else f"{'':7}"
    return (
        f"{name:22} {result['n']:6d} {rate} {result['p50']:8.0f} {result['p95']:8.0f} "
        f"{result['p99']:8.0f} {result['errors']:6d}"
        + (f" by status (0: no answer): {dict(result['statuses'])}" if result["errors"] else "")
    )


HEADER = f"{'':22} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} errors"


def load_phase(pool, args, base: dict, people: list) -> tuple[list, list]:
    """Run the mix for every person; print per kind and overall."""
    start = time.time() + 1
    job = {**base, "start": start, "end": start + args.seconds, "storms": []}
    before = os.getloadavg()[0]
    records, written = run(pool, args.processes, job, people, [])
    print(
        f"\n1. {len(people)} users for {args.seconds:g} s "
        f"(load average 1 min: {before:.2f} before, {os.getloadavg()[0]:.2f} after)"
    )
    print(HEADER)
    for kind in MIX:
        print(line(kind, stats([r for r in records if r[0] == kind]), args.seconds))
    print(line("all", stats(records), args.seconds))
    return records, written


def storm_phase(pool, args, base: dict, people: list) -> tuple[list, list]:
    """Run the mix for a few people while storms of sign-ins come; compare inside and outside."""
    gap = args.storm_gap
    start = time.time() + 1
    storms = [start + gap * (n + 1) for n in range(args.storm_rounds)]
    job = {**base, "start": start, "end": storms[-1] + gap, "storms": storms}
    before = os.getloadavg()[0]
    records, written = run(pool, args.processes, job, people, list(range(args.storm)))
    after = os.getloadavg()[0]
    signins = [r for r in records if r[0] == "sign-in"]
    others = [r for r in records if r[0] != "sign-in"]
    windows = []
    for instant in storms:
        ends = [s + ms / 1000 for _k, s, ms, _st in signins if abs(s - instant) < gap / 2]
        windows.append((instant, max(ends, default=instant)))
    # A request that starts up to a second after a storm may still queue behind its tail.
    inside = [r for r in others if any(a <= r[1] <= b for a, b in windows)]
    outside = [r for r in others if not any(a <= r[1] <= b + 1 for a, b in windows)]
    lasted = ", ".join(f"{b - a:.1f}" for a, b in windows)
    print(
        f"\n2. sign-in storm: {args.storm} sign-ins at once, {args.storm_rounds} times, while "
        f"{len(people)} users keep up the mix (storms lasted {lasted} s; load average 1 min: "
        f"{before:.2f} before, {after:.2f} after)"
    )
    stormy = sum(b - a for a, b in windows)
    calm = max(0.1, job["end"] - start - sum(b + 1 - a for a, b in windows))
    print(HEADER)
    print(line("sign-ins", stats(signins)))
    print(line("others during storms", stats(inside), stormy))
    print(line("others without storm", stats(outside), calm))
    ratio = stats(inside)["p99"] / max(1, stats(outside)["p99"])
    print(f"p99 of the other requests during storms / without: {ratio:.2f}x")
    return records, written


def main() -> None:
    """Prepare, serve, run the load and the storm, check the writes, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--history-years", type=float, default=0.5)
    parser.add_argument("--storm", type=int, default=50, help="sign-ins at once")
    parser.add_argument("--storm-users", type=int, default=10, help="others meanwhile")
    parser.add_argument("--storm-rounds", type=int, default=3)
    parser.add_argument("--storm-gap", type=float, default=12, help="seconds between storms")
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--gunicorn", default="", help='extra settings, e.g. "--threads 8"')
    parser.add_argument("--skip-load", action="store_true", help="only the storm")
    args = parser.parse_args()
    # Stopped from outside (timeout, Ctrl-C): still stop the server in `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/load.sqlite"
        today = prepare(url, args.users, args.storm, args.history_years)
        env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "JOURNAL_TRUSTED_PROXIES": "1"}
        server = httpbench.serve("journal:create_app()", PORT, env, folder, args.gunicorn.split())
        try:
            with ThreadPoolExecutor(10) as signers:
                sessions = list(
                    signers.map(
                        lambda n: httpbench.sign_in(
                            PORT, f"load-{n}@example.com", PASSWORD, {"X-Forwarded-For": address(n)}
                        ),
                        range(args.users),
                    )
                )
            people = [
                {"number": n, "cookie": cookie, "token": token}
                for n, (cookie, token) in enumerate(sessions)
            ]
            # Each person's writes walk back through their own slice of dates (not before 1901),
            # the load phase through its first half, the storm phase through the second.
            days = (date.fromisoformat(today) - date(1901, 1, 1)).days - FIRST_WRITE_DAYS_BACK
            base = {"port": PORT, "today": today, "days_each": days // args.users, "offset": 0}
            print(
                f"{url.split(':')[0]}, gunicorn.conf.py {args.gunicorn or '(as it is)'}, "
                f"WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', 'default')}, "
                f"JOURNAL_THREADS={os.environ.get('JOURNAL_THREADS', 'default')}, "
                f"JOURNAL_HASH_CONCURRENCY={os.environ.get('JOURNAL_HASH_CONCURRENCY', 'default')}"
                f"; {args.processes} client processes"
            )
            written = []
            context = multiprocessing.get_context("fork")
            # The client processes must not inherit the SIGTERM handler: Pool stops them with it.
            reset = (signal.SIGTERM, signal.SIG_DFL)
            with context.Pool(args.processes, signal.signal, reset) as pool:
                if not args.skip_load:
                    written += load_phase(pool, args, base, people)[1]
                base["offset"] = base["days_each"] // 2
                written += storm_phase(pool, args, base, people[: args.storm_users])[1]
        finally:
            httpbench.stop(server)
        missing = acknowledged_missing(url, set(written))
        print(f"\nacknowledged writes: {len(written)}, missing from the database: {missing}")
        if args.database_url:
            prepare(url, 0, 0, 0)  # leave the benchmark database empty


if __name__ == "__main__":
    main()
