"""Median server time of each chart endpoint on five years of demo data, with /api/v1/me as floor.

Run: .venv/bin/python bench/charts.py [--runs 30] [--years 10] [--range all|1y|90d] [--cold]
     [--database-url URL] [--browser]
Charts are cached by the user's data revision: by default a run measures repeats (warm, what a
dashboard reload or a second worker's request after the first costs); --cold edits a check-in
before every request (not timed), so each one reads and analyses the history afresh (what the
first chart after a write costs).
Requests go through the Flask test client (the whole WSGI stack, no network), so the numbers are
the server's own time. Targets (issue 10): each chart <= 60 ms median and <= 100 kB gzipped JSON
on five years ("all"). With --browser, also the dashboard at 390 px in Chromium with one year of
data: milliseconds from navigation until every chart is drawn (median of --page-runs loads).
"""

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journal import create_app  # noqa: E402
from journal.auth.services import register_user  # noqa: E402
from journal.cli import load_demo  # noqa: E402
from journal.demo import generate  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.records import user_today  # noqa: E402

PASSWORD = "benchmark password"
from journal.charts import CHART_NAMES  # noqa: E402

PATHS = ["/api/v1/me"] + [f"/api/v1/charts/{name}" for name in CHART_NAMES]
RANGES = {"all": None, "1y": 365, "90d": 90}
DRAWN = "() => [...document.querySelectorAll('[data-chart]')].every((c) => c.dataset.drawn)"


def timed(client, path: str, runs: int, before=None) -> list[float]:
    """Return the milliseconds of `runs` requests after one warm-up (`before` runs untimed)."""
    assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return samples


def main() -> None:
    """Build the data set, then print one line per endpoint."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--browser", action="store_true", help="also time the dashboard")
    parser.add_argument("--page-runs", type=int, default=5)
    parser.add_argument("--range", default="all", choices=sorted(RANGES))
    parser.add_argument("--cold", action="store_true", help="write before every request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.drop_all()
            db.create_all()
            user = register_user("bench@example.com", PASSWORD, "America/Chicago")
            data = generate(args.years, user_today(user), user.timezone, seed=1)
            load_demo(user, data)
            today = user_today(user)
        print(
            f"data: {len(data['checkins'])} check-ins "
            f"({sum(c['instrument'] == 'phq9' for c in data['checkins'])} PHQ-9), "
            f"{len(data['treatments'])} sessions; {args.runs} runs each; {url.split(':')[0]}"
        )
        client = app.test_client()
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        login = {"email": "bench@example.com", "password": PASSWORD}
        response = client.post("/api/v1/auth/login", json=login, headers={"X-CSRFToken": token})
        token = response.get_json()["csrf_token"]
        days = RANGES[args.range]
        query = "" if days is None else f"?from={today - timedelta(days=days - 1)}&to={today}"
        before = writer(client, token, today) if args.cold else None
        print(f"range {args.range}; {'cold (a write before each request)' if before else 'warm'}")
        floor = None
        print(
            f"{'endpoint':34} {'median ms':>10} {'p90 ms':>8} {'x floor':>8} {'kB':>6} {'gz kB':>6}"
        )
        for path in PATHS:
            path = path if path.endswith("/me") else path + query
            samples = timed(client, path, args.runs, before)
            median = statistics.median(samples)
            floor = floor or median
            body = client.get(path).data
            size, packed = len(body) / 1000, len(gzip.compress(body)) / 1000
            p90 = statistics.quantiles(samples, n=10)[-1]
            ratio = median / floor
            print(f"{path:34} {median:10.1f} {p90:8.1f} {ratio:8.1f} {size:6.1f} {packed:6.1f}")
        with app.app_context():
            db.drop_all()
    if args.browser:
        dashboard(args.page_runs)


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
