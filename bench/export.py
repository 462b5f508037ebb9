"""Server time of the exports (PDF, chart PNG/SVG, CSV, JSON, FHIR) at 1 and 10 years of history.

Run: .venv/bin/python bench/export.py [--runs 5] [--years 1,10] [--database-url URL]
Requests go through the Flask test client (the whole WSGI stack, no network). The first image
of a process starts Chromium; that start is reported on its own ("cold"), then each figure is
the median of --runs warm requests, with GET /api/v1/me in the same run as the floor. Targets:
the one-year PDF, warm, <= 2 s (issue 10); a warm PNG well under a second, each five-year data
export in seconds (issue 6); issue 14: at most 2 s for a year and 4 s for 10 years.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journal import create_app  # noqa: E402
from journal.accounts.users import register_user  # noqa: E402
from journal.cli import load_demo  # noqa: E402
from journal.demo import generate  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.records import user_today  # noqa: E402

PASSWORD = "benchmark password"


def once(client, path: str) -> tuple[float, int]:
    """Return the milliseconds and the size in bytes of one request (body read in full)."""
    start = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code, body[:300])
    return elapsed, len(body)


def report(client, label: str, path: str, runs: int) -> None:
    """Print the median and worst of `runs` warm requests."""
    samples, size = [], 0
    for _ in range(runs):
        elapsed, size = once(client, path)
        samples.append(elapsed)
    median = statistics.median(samples)
    print(f"{label:38} {median:9.0f} {max(samples):9.0f} {size / 1000:9.1f}")


def main() -> None:
    """Build an account per history length, then time each export."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--years", default="1,10", help="history lengths, comma-separated")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    lengths = [float(y) for y in args.years.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.drop_all()
            db.create_all()
            for years in lengths:
                user = register_user(f"y{years:g}@example.com", PASSWORD, "America/Chicago")
                load_demo(user, generate(years, user_today(user), user.timezone, seed=1))
            today = user_today(user)
        year = f"from={today - timedelta(days=364)}&to={today}"
        print(f"database: {url.split(':')[0]}; {args.runs} warm runs each; load {load()}")
        print(f"{'export':44} {'median ms':>9} {'max ms':>9} {'kB':>9}")
        for n, years in enumerate(lengths):
            label = f"{years:g} y"
            paths = [("GET /api/v1/me (floor)", "/api/v1/me")]
            if n == 0:
                paths.append(
                    ("chart PNG 1200x600, cold (starts Chromium)", "/export/charts/timeline.png")
                )
            paths += [
                (f"chart PNG 1200x600, all of {label}", "/export/charts/timeline.png"),
                (f"chart SVG 1200x600, all of {label}", "/export/charts/timeline.svg"),
                (f"PDF report, last year of {label}", f"/export/report.pdf?{year}"),
                (f"PDF report, all of {label}", "/export/report.pdf?from=1990-01-01"),
                (f"data.csv (zip), {label}", "/export/data.csv"),
                (f"data.json, {label}", "/export/data.json"),
                (f"fhir.json, {label}", "/export/fhir.json"),
            ]
            client = app.test_client()
            token = client.get("/api/v1/csrf").get_json()["csrf_token"]
            login = {"email": f"y{years:g}@example.com", "password": PASSWORD}
            client.post("/api/v1/auth/login", json=login, headers={"X-CSRFToken": token})
            for name, path in paths:
                report(client, name, path, 1 if "cold" in name else args.runs)
            print(f"  load after {label}: {load()}")
        with app.app_context():
            db.drop_all()


def load() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
