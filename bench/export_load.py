"""Check-in latency while ten people ask for a PDF at once: the sync route against export jobs.

Run: .venv/bin/python bench/export_load.py [--seconds 6] [--connections 4] [--years 1]
                                           [--runners 1] [--port 8750]
gunicorn serves the app with gunicorn.conf.py as shipped (2 x cores + 1 workers, each of
JOURNAL_THREADS threads) on a temporary SQLite file. A steady check-in load (--connections
clients, each PUTting a daily check-in and waiting for the answer) runs through four phases:
  1. check-ins alone;
  2. ten PDFs at once on the old synchronous route (GET /export/report.pdf, one account each);
  3. check-ins alone again;
  4. ten PDFs at once as jobs (POST /api/v1/exports, poll every 0.5 s, GET the file).
A PDF phase lasts until its last PDF is in hand (at least --seconds); check-in p50/p99 are of
the requests sent in that window. Each PDF's time is from asking to having the file. The
1-minute load average is printed with each phase (the machine is shared: compare within a run).
Issue 14: a web worker is never busy for more than a few seconds, and ten PDFs at once do not
stall everyone else's check-ins.
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from journal import create_app  # noqa: E402
from journal.accounts.users import register_user  # noqa: E402
from journal.cli import load_demo  # noqa: E402
from journal.demo import generate  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.records import user_today  # noqa: E402

PASSWORD = "benchmark password"
MASTER_KEY = "kQbTNl1yf96sPMMXzk8lEpGxakZPh72jQIxrf5DaxiY"
PDFS = 10


def prepare(url: str, years: float) -> str:
    """Create the schema, the check-in account and ten accounts with history; return today."""
    config = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
    app = create_app({**config, "JOURNAL_MASTER_KEY": MASTER_KEY})
    with app.app_context():
        db.drop_all()
        db.create_all()
        register_user("checkins@example.com", PASSWORD, "UTC")
        for n in range(PDFS):
            user = register_user(f"pdf{n}@example.com", PASSWORD, "UTC")
            load_demo(user, generate(years, user_today(user), "UTC", seed=n + 1))
        today = user_today(user).isoformat()
        db.engine.dispose()
    return today


def serve(url: str, port: int, folder: str, runners: int) -> subprocess.Popen:
    """Start gunicorn with the repository's config; wait until it answers."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "JOURNAL_MASTER_KEY": MASTER_KEY,
        "JOURNAL_INSTANCE_PATH": folder,
        "JOURNAL_BIND": f"127.0.0.1:{port}",
        "JOURNAL_EXPORT_RUNNERS": str(runners),
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "-c", str(ROOT / "gunicorn.conf.py")],
        env=env,
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            request(port, "GET", "/healthz", {})
            return process
        except OSError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit(f"gunicorn on port {port} did not start")


def request(port: int, method: str, path: str, headers: dict, body=None):
    """Send one request on a new connection; return (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(method, path, body, headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response, data


def sign_in(port: int, email: str) -> dict:
    """Sign in; return the headers (cookie, CSRF token) its requests send."""
    _, response, data = request(port, "GET", "/api/v1/csrf", {})
    token = json.loads(data)["csrf_token"]
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Cookie": cookie}
    body = json.dumps({"email": email, "password": PASSWORD})
    _, response, data = request(port, "POST", "/api/v1/auth/login", headers, body)
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = json.loads(data)["csrf_token"]
    return {"Content-Type": "application/json", "X-CSRFToken": token, "Cookie": cookie}


class CheckinLoad:
    """Clients that PUT daily check-ins back to back, each walking back through its own dates."""

    def __init__(self, port: int, headers: dict, today: str, connections: int):
        self.port, self.headers = port, headers
        self.samples: list[tuple[float, float]] = []  # (sent at, milliseconds)
        self.errors: list = []
        self.stopped = threading.Event()
        start = date.fromisoformat(today)
        # Each client walks back through its own slice of the dates the journal accepts (from
        # 1900): no two clash, even at 20,000 check-ins a run (a clash is a 409, not a save).
        width = (start - date(1901, 1, 1)).days // connections
        self.threads = [
            threading.Thread(target=self.run, args=(start - timedelta(days=width * n),))
            for n in range(connections)
        ]

    def run(self, day: date) -> None:
        """Send check-ins until stopped."""
        while not self.stopped.is_set():
            body = json.dumps(
                {"instrument": "daily", "local_date": day.isoformat(), "answers": [1] * 9}
            )
            day -= timedelta(days=1)
            sent = time.perf_counter()
            try:
                status, _, _ = request(
                    self.port, "PUT", f"/api/v1/checkins/{uuid.uuid4()}", self.headers, body
                )
            except OSError as exc:
                self.errors.append(repr(exc))
                continue
            self.samples.append((sent, (time.perf_counter() - sent) * 1000))
            if status >= 300:
                self.errors.append(status)

    def between(self, start: float, end: float) -> list[float]:
        """Return the latencies of check-ins sent in [start, end)."""
        return sorted(ms for sent, ms in self.samples if start <= sent < end)


def pdf_sync(port: int, headers: dict, query: str) -> float:
    """Download the report on the synchronous route; return seconds to the file."""
    start = time.perf_counter()
    status, _, data = request(port, "GET", f"/export/report.pdf?{query}", headers)
    assert status == 200 and data.startswith(b"%PDF"), (status, data[:200])
    return time.perf_counter() - start


# The job phase's requests by kind, in seconds (a web worker is busy for no longer than each).
JOB_REQUESTS: dict[str, list[float]] = {"POST": [], "status": [], "file": []}


def timed(kind: str, port: int, method: str, path: str, headers: dict, body=None):
    """Send a request, keeping its time under `kind`; return (status, body)."""
    start = time.perf_counter()
    status, _, data = request(port, method, path, headers, body)
    JOB_REQUESTS[kind].append(time.perf_counter() - start)
    return status, data


def pdf_job(port: int, headers: dict, params: dict) -> float:
    """Start a PDF job, poll it every 0.5 s, fetch the file; return seconds to the file."""
    start = time.perf_counter()
    body = json.dumps({"kind": "pdf", "parameters": params})
    status, data = timed("POST", port, "POST", "/api/v1/exports", headers, body)
    assert status == 202, (status, data[:300])
    job = json.loads(data)
    while job["state"] in ("queued", "running"):
        time.sleep(0.5)
        job = json.loads(timed("status", port, "GET", job["status_url"], headers)[1])
    assert job["state"] == "done", job
    status, data = timed("file", port, "GET", job["file_url"], headers)
    assert status == 200 and data.startswith(b"%PDF"), status
    return time.perf_counter() - start


def measure(load: CheckinLoad, seconds: float, pdfs=None) -> dict:
    """Run one phase (with ten PDF requests at its start, if given); return its numbers."""
    loadavg = os.getloadavg()[0]
    start = time.perf_counter()
    times: list[float] = []
    if pdfs:
        threads = [threading.Thread(target=lambda f=f: times.append(f())) for f in pdfs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    time.sleep(max(0.0, start + seconds - time.perf_counter()))
    end = time.perf_counter()
    latencies = load.between(start, end)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {
        "window": end - start,
        "count": len(latencies),
        "p50": statistics.median(latencies) if latencies else 0,
        "p99": cuts[98],
        "max": latencies[-1] if latencies else 0,
        "pdfs": sorted(times),
        "load": loadavg,
        "load_after": os.getloadavg()[0],
    }


def main() -> None:
    """Prepare, serve, run the four phases, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--years", type=float, default=1)
    parser.add_argument("--port", type=int, default=8750)
    parser.add_argument("--runners", type=int, default=1, help="JOURNAL_EXPORT_RUNNERS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite"
        today = prepare(url, args.years)
        server = serve(url, args.port, folder, args.runners)
        try:
            run(args, today, folder)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def run(args, today: str, folder: str) -> None:
    """Sign everyone in, warm up, and measure."""
    port = args.port
    people = [sign_in(port, f"pdf{n}@example.com") for n in range(PDFS)]
    year_ago = (date.fromisoformat(today) - timedelta(days=364)).isoformat()
    params = {"from": year_ago, "to": today}
    query = f"from={year_ago}&to={today}"
    time.sleep(8)  # every worker's chart browser starts (gunicorn.conf.py warms it)
    pdf_sync(port, people[0], query)  # one of each first, so neither phase pays a cold start
    pdf_job(port, people[0], params)
    for times in JOB_REQUESTS.values():
        times.clear()
    load = CheckinLoad(port, sign_in(port, "checkins@example.com"), today, args.connections)
    for thread in load.threads:
        thread.start()
    time.sleep(1)
    phases = [
        ("check-ins alone", None),
        ("+ 10 PDFs, sync route", [lambda h=h: pdf_sync(port, h, query) for h in people]),
        ("check-ins alone again", None),
        ("+ 10 PDFs, export jobs", [lambda h=h: pdf_job(port, h, params) for h in people]),
    ]
    results = [(name, measure(load, args.seconds, pdfs)) for name, pdfs in phases]
    load.stopped.set()
    for thread in load.threads:
        thread.join()
    workers = 2 * len(os.sched_getaffinity(0)) + 1
    threads = os.environ.get("JOURNAL_THREADS", "16 (default)")
    print(
        f"gunicorn workers: {workers} x {threads} threads; check-in clients: {args.connections}; "
        f"PDF: last {args.years:g} year(s); SQLite"
    )
    print(
        f"{'phase':24} {'window s':>8} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'PDF s (min/median/max)':>24} {'load1':>6}"
    )
    for name, r in results:
        pdf = "-"
        if r["pdfs"]:
            pdf = f"{r['pdfs'][0]:.1f}/{statistics.median(r['pdfs']):.1f}/{r['pdfs'][-1]:.1f}"
        print(
            f"{name:24} {r['window']:8.1f} {r['count']:5} {r['p50']:8.0f} {r['p99']:8.0f} "
            f"{r['max']:8.0f} {pdf:>24} {r['load']:6.2f}"
        )
    for kind, times in JOB_REQUESTS.items():
        times.sort()
        print(
            f"job phase {kind} requests: {len(times)}, median {statistics.median(times) * 1000:.0f}"
            f" ms, max {times[-1] * 1000:.0f} ms"
        )
    print(f"check-in errors: {len(load.errors)} {sorted(set(map(str, load.errors)))[:3]}")


if __name__ == "__main__":
    main()
