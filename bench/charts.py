"""Median server time of each chart endpoint at 1, 5 and 10 years of demo data, warm and cold.

Run: .venv/bin/python bench/charts.py [--years 1 5 10] [--range all 1y 90d] [--mode warm cold]
     [--runs 10] [--database-url URL] [--no-freeze] [--browser]
Charts are cached by the user's data revision. Warm repeats a request (what a dashboard reload
or a second worker's request after the first costs); cold edits a check-in before every request
(not timed), so each one reads and analyses the history afresh (the first chart after a write).
Requests go through the Flask test client (the whole WSGI stack, no network), so the numbers are
the server's own time; each cell is "median/p90" wall-clock ms, and "cpu" is the slowest chart's
median CPU ms of this process (the same work, less disturbed by other processes on the machine).
The app is frozen out of the garbage collector after start-up as gunicorn.conf.py's
post_worker_init does (--no-freeze shows the full collections that cost). Targets (issue 14):
each chart <= 60 ms median cold at 10 years; (issue 10) <= 100 kB gzipped JSON. With --browser,
also the dashboard at 390 px in Chromium with one year of data: milliseconds from navigation
until every chart is drawn (median of --page-runs loads).
"""

import argparse
import gc
import gzip
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journal import create_app  # noqa: E402
from journal.accounts.users import register_user  # noqa: E402
from journal.charts import CHART_NAMES  # noqa: E402
from journal.cli import load_demo  # noqa: E402
from journal.demo import generate  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.records import user_today  # noqa: E402

PASSWORD = "benchmark password"
RANGES = {"all": None, "1y": 365, "90d": 90}
DRAWN = "() => [...document.querySelectorAll('[data-chart]')].every((c) => c.dataset.drawn)"


def timed(client, path: str, runs: int, before=None) -> tuple[list[float], list[float]]:
    """Return wall and CPU milliseconds of `runs` requests after one warm-up (`before` untimed)."""
    assert client.get(path).status_code == 200, path
    wall, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        start, used = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert response.status_code == 200
    return wall, cpu


def signed_in(app, years: float, seed: int = 1):
    """Load `years` of demo history for a new user; return a signed-in client, token and today."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = register_user("bench@example.com", PASSWORD, "America/Chicago")
        data = generate(years, user_today(user), user.timezone, seed=seed)
        load_demo(user, data)
        today = user_today(user)
    client = app.test_client()
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    login = {"email": "bench@example.com", "password": PASSWORD}
    response = client.post("/api/v1/auth/login", json=login, headers={"X-CSRFToken": token})
    summary = (
        f"{years:g} years: {len(data['checkins'])} check-ins "
        f"({sum(c['instrument'] == 'phq9' for c in data['checkins'])} PHQ-9), "
        f"{len(data['treatments'])} sessions"
    )
    return client, response.get_json()["csrf_token"], today, summary


def main() -> None:
    """Build each data set, then print one line per range and mode, one cell per chart."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--years", type=float, nargs="+", default=[1, 5, 10])
    parser.add_argument("--range", nargs="+", default=["all", "1y", "90d"], choices=RANGES)
    parser.add_argument("--mode", nargs="+", default=["cold", "warm"], choices=["cold", "warm"])
    parser.add_argument(
        "--cold", dest="mode", action="store_const", const=["cold"], help="--mode cold"
    )
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--no-freeze", action="store_true", help="leave the app to the GC")
    parser.add_argument("--browser", action="store_true", help="also time the dashboard")
    parser.add_argument("--page-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        if not args.no_freeze:
            gc.collect()
            gc.freeze()
        print(
            f"{url.split(':')[0]}, {args.runs} runs per cell, "
            f"{'no freeze' if args.no_freeze else 'app frozen out of the GC'}; "
            "cells: wall median/p90 ms; cpu: slowest chart's median CPU ms"
        )
        header = f"{'years range mode':18}" + "".join(f"{n[:9]:>11}" for n in CHART_NAMES)
        for years in args.years:
            client, token, today, summary = signed_in(app, years)
            print(f"\n{summary}\n{header} {'/me':>6} {'cpu':>5}")
            for key in args.range:
                days = RANGES[key]
                start = today - timedelta(days=(days or 1) - 1)
                query = "" if days is None else f"?from={start}&to={today}"
                for mode in args.mode:
                    before = writer(client, token, today) if mode == "cold" else None
                    print(f"{years:>5g} {key:>5} {mode:6}" + measure(client, query, args, before))
                print(f"{years:>5g} {key:>5} kB/gz " + sizes(client, query))
        with app.app_context():
            db.drop_all()
    if args.browser:
        dashboard(args.page_runs)


def measure(client, query: str, args, before) -> str:
    """Return one line's cells: each chart's median/p90, the /me floor, the slowest CPU median."""
    floor = statistics.median(timed(client, "/api/v1/me", args.runs, before)[0])
    cells, cpus = "", []
    for name in CHART_NAMES:
        wall, cpu = timed(client, f"/api/v1/charts/{name}{query}", args.runs, before)
        p90 = statistics.quantiles(wall, n=10)[-1]
        cells += f"{f'{statistics.median(wall):.0f}/{p90:.0f}':>11}"
        cpus.append(statistics.median(cpu))
    return f"{cells} {floor:6.1f} {max(cpus):5.0f}"


def sizes(client, query: str) -> str:
    """Return each chart's JSON size and gzipped size in kB."""
    cells = ""
    for name in CHART_NAMES:
        body = client.get(f"/api/v1/charts/{name}{query}").data
        cells += f"{f'{len(body) / 1000:.0f}/{len(gzip.compress(body)) / 1000:.0f}':>11}"
    return cells


def writer(client, token: str, today):
    """Return a function that edits the newest check-in's note (a new data revision) per call."""
    recent = client.get(f"/api/v1/checkins?from={today - timedelta(days=7)}&instrument=daily")
    row = recent.get_json()["items"][-1]
    keep = ("instrument", "local_date", "answers", "mood")
    state = {"body": {k: row[k] for k in keep}, "revision": row["revision"]}

    def write() -> None:
        """Change the note, based on the revision the last edit returned."""
        note = str(time.perf_counter())
        payload = dict(state["body"], note=note, base_revision=state["revision"])
        path = f"/api/v1/checkins/{row['client_id']}"
        response = client.put(path, json=payload, headers={"X-CSRFToken": token})
        assert response.status_code == 200, response.get_json()
        state["revision"] = response.get_json()["revision"]

    return write


def dashboard(runs: int) -> None:
    """Print the median time from navigation to every chart drawn, 390 px, one year of data."""
    from tests.browser.harness import (
        MOBILE,
        launch_chromium,
        new_context,
        on_path,
        serve_app,
    )

    with (
        tempfile.TemporaryDirectory() as folder,
        serve_app(f"sqlite:///{folder}/b.sqlite") as server,
    ):
        with server.app.app_context():
            user = register_user("page@example.com", PASSWORD, "America/Chicago")
            load_demo(user, generate(1, user_today(user), user.timezone, seed=1))
            db.session.commit()
        with launch_chromium() as browser:
            context = new_context(browser, server.url, MOBILE)
            page = context.new_page()
            page.goto("/auth/login")
            page.get_by_label("Email").fill("page@example.com")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(on_path("/"))
            samples = []
            for _ in range(runs + 1):
                start = time.perf_counter()
                page.goto("/?range=1y")
                page.wait_for_function(DRAWN, timeout=60_000)
                samples.append((time.perf_counter() - start) * 1000)
            context.close()
    warm = samples[1:]
    print(
        f"dashboard 390 px, 1 year, navigation to all charts drawn: median "
        f"{statistics.median(warm):.0f} ms, max {max(warm):.0f} ms ({runs} loads after one warm-up)"
    )


if __name__ == "__main__":
    main()
