"""Decrypt-on-load cost: listing ten years of check-ins with encrypted notes, and without.

Run: .venv/bin/python bench/encryption.py [--runs 7] [--years 10] [--database-url URL]
Two accounts get the same demo history; in the second, every note is then removed, so its listing
does the same queries and serialisation with nothing to decrypt. Requests go through the Flask
test client (the whole WSGI stack, no network). Also times one AES-GCM open on its own.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, update  # noqa: E402

from journal import create_app, crypto  # noqa: E402
from journal.accounts.users import register_user  # noqa: E402
from journal.cli import load_demo  # noqa: E402
from journal.demo import generate  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.models import CheckIn  # noqa: E402
from journal.records import user_today  # noqa: E402

PASSWORD = "benchmark password"


def median_ms(client, path: str, runs: int) -> tuple[float, int]:
    """Return the median milliseconds of `runs` warm requests and the body size."""
    samples, size = [], 0
    client.get(path)  # warm: the data key is unwrapped once per process
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        body = response.get_data()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, body[:200]
        size = len(body)
    return statistics.median(samples), size


def sign_in(app, email: str):
    """Return a test client signed in as `email`."""
    client = app.test_client()
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    return client


def main() -> None:
    """Build two ten-year accounts, then time the check-in list of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        config = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url}
        app = create_app({**config, "JOURNAL_MASTER_KEY": crypto.new_master_key()})
        with app.app_context():
            db.drop_all()
            db.create_all()
            ids = {}
            for email in ("encrypted@example.com", "plain@example.com"):
                user = register_user(email, PASSWORD, "America/Chicago")
                load_demo(user, generate(args.years, user_today(user), user.timezone, seed=1))
                ids[email] = user.id
            db.session.execute(
                update(CheckIn)
                .where(CheckIn.user_id == ids["plain@example.com"])
                .values(note_stored=None)
            )
            db.session.commit()
            count = db.session.scalar(select(func.count()).select_from(CheckIn))
            notes = db.session.scalar(
                select(func.count())
                .select_from(CheckIn)
                .where(CheckIn.user_id == ids["encrypted@example.com"], CheckIn.note_stored != None)  # noqa: E711
            )
            sample = db.session.scalars(
                select(CheckIn).where(CheckIn.note_stored != None)  # noqa: E711
            ).first()
            ring, stored = crypto.keyring(), sample.note_stored
            aad = sample.encryption_aad("note")
            crypto.open_sealed(ring, db.session, stored, aad)
            start = time.perf_counter()
            for _ in range(10_000):
                crypto.open_sealed(ring, db.session, stored, aad)
            open_us = (time.perf_counter() - start) * 100
        print(f"database: {url.split(':')[0]}; {args.years:g} years; {args.runs} warm runs each")
        print(f"check-ins per account: {count // 2}; encrypted notes: {notes}")
        print(f"{'GET /api/v1/checkins (all)':40} {'median ms':>9} {'kB':>8}")
        results = {}
        for email, label in (
            ("encrypted@example.com", "notes encrypted (decrypted on load)"),
            ("plain@example.com", "no notes to decrypt"),
        ):
            results[email] = median_ms(sign_in(app, email), "/api/v1/checkins", args.runs)
            print(f"{label:40} {results[email][0]:9.1f} {results[email][1] / 1000:8.1f}")
        extra = results["encrypted@example.com"][0] - results["plain@example.com"][0]
        each = extra * 1000 / max(notes, 1)
        print(f"decrypt-on-load cost: {extra:.1f} ms for {notes} notes ({each:.0f} µs each)")
        print(f"one AES-GCM open on its own: {open_us:.1f} µs")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
