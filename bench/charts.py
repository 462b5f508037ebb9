"""Median server time of each chart endpoint on five years of demo data, with /api/v1/me as floor.

Run: .venv/bin/python bench/charts.py [--runs 30] [--database-url URL]
Requests go through the Flask test client (the whole WSGI stack, no network), so the numbers are
the server's own time. Target (issue 4): each chart <= 60 ms median, about 15x the floor at most.
"""

import argparse
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
PATHS = ["/api/v1/me"] + [
    f"/api/v1/charts/{name}" for name in ("timeline", "around-sessions", "session-change", "items")
]


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
        print(f"{'endpoint':34} {'median ms':>10} {'p90 ms':>8} {'x floor':>8} {'kB':>6}")
        for path in PATHS:
            samples = timed(client, path, args.runs)
            median = statistics.median(samples)
            floor = floor or median
            size = len(client.get(path).data) / 1000
            p90 = statistics.quantiles(samples, n=10)[-1]
            print(f"{path:34} {median:10.1f} {p90:8.1f} {median / floor:8.1f} {size:6.1f}")
        with app.app_context():
            db.drop_all()


if __name__ == "__main__":
    main()
