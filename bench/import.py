"""Time and peak memory of importing 10 years of daily Daylio rows through POST /api/v1/imports.

Run: .venv/bin/python bench/import.py [--days 3660] [--runs 3] [--database-url URL]
Each run signs a fresh account in and uploads the same Daylio CSV (one entry a day, newest
first, a note on every third day, two activities on every other) through the Flask test client
(the whole WSGI stack: multipart parsing, CSRF, parsing, merging, validation, encryption, one
transaction). Reported: the dry run and the import, wall time (median and max over runs) and
the peak of Python allocations during the import (tracemalloc, in its own run: tracing slows
the code it watches), plus the process's peak resident size. Target (issue 22): <= 5 s.
"""

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.datastructures import FileStorage, MultiDict  # noqa: E402
from werkzeug.test import encode_multipart  # noqa: E402

from journal import create_app  # noqa: E402
from journal.accounts.users import register_user  # noqa: E402
from journal.extensions import db  # noqa: E402
from tests.import_samples import daylio_years  # noqa: E402

PASSWORD = "benchmark password"


def signed_in(app, email: str):
    """Return a test client signed in as a new account, and its CSRF token."""
    with app.app_context():
        register_user(email, PASSWORD, "America/Chicago")
    client = app.test_client()
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    login = {"email": email, "password": PASSWORD}
    token = client.post("/api/v1/auth/login", json=login, headers={"X-CSRFToken": token})
    return client, token.get_json()["csrf_token"]


def post(client, token: str, data: bytes, dry_run: bool) -> tuple[float, dict]:
    """Upload the file once; return the seconds taken and the response body."""
    fields = MultiDict({"file": FileStorage(io.BytesIO(data), "daylio.csv")})
    if dry_run:
        fields["dry_run"] = "1"
    boundary, body = encode_multipart(fields)
    start = time.perf_counter()
    response = client.post(
        "/api/v1/imports",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"X-CSRFToken": token},
    )
    elapsed = time.perf_counter() - start
    assert response.status_code in (200, 201), response.get_json()
    return elapsed, response.get_json()


def main() -> None:
    """Upload the file into fresh accounts and report times and memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3660)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    data = daylio_years(args.days)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.drop_all()
            db.create_all()
        dry, full = [], []
        for run in range(args.runs):
            client, token = signed_in(app, f"run{run}@example.com")
            dry.append(post(client, token, data, dry_run=True)[0])
            seconds, body = post(client, token, data, dry_run=False)
            assert body["checkins"]["created"] == args.days, body["checkins"]
            full.append(seconds)
        client, token = signed_in(app, "traced@example.com")
        tracemalloc.start()
        post(client, token, data, dry_run=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        with app.app_context():
            db.drop_all()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {url.split(':')[0]}; {args.days} Daylio rows, {len(data) / 1e6:.2f} MB")
    print(f"load {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for name, times in (("dry run (preview)", dry), ("import (201)", full)):
        print(f"{name:20} median {statistics.median(times):6.2f} s   max {max(times):6.2f} s")
    print(f"peak Python allocations during an import: {peak / 1e6:.1f} MB (tracemalloc)")
    print(f"peak resident size of the process: {rss:.0f} MB (getrusage)")


if __name__ == "__main__":
    main()
