"""Median server time of each chart endpoint on five years of demo data, with /api/v1/me as floor.

Run: .venv/bin/python bench/charts.py [--runs 30] [--database-url URL] [--browser]
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
DRAWN = "() => [...document.querySelectorAll('[data-chart]')].every((c) => c.dataset.drawn)"


def timed(client, path: str, runs: int) -> list[float]:
    """Return the milliseconds of `runs` requests after one warm-up."""
    assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(runs):
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
        print(
            f"data: {len(data['checkins'])} check-ins "
            f"({sum(c['instrument'] == 'phq9' for c in data['checkins'])} PHQ-9), "
            f"{len(data['treatments'])} sessions; {args.runs} runs each; {url.split(':')[0]}"
        )
        client = app.test_client()
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        login = {"email": "bench@example.com", "password": PASSWORD}
        client.post("/api/v1/auth/login", json=login, headers={"X-CSRFToken": token})
        floor = None
        print(
            f"{'endpoint':34} {'median ms':>10} {'p90 ms':>8} {'x floor':>8} {'kB':>6} {'gz kB':>6}"
        )
        for path in PATHS:
            samples = timed(client, path, args.runs)
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
