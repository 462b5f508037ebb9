"""An acknowledged check-in survives kill -9 of all server processes (real gunicorn, database)."""

import http.client
import os
import signal
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from journal import create_app
from journal.accounts.users import register_user
from journal.extensions import db
from journal.models import CheckIn
from journal.records import user_today
from tests.conftest import DATABASE_URL, PASSWORD, test_config
from tests.live_server import free_port, request, sign_in, start_gunicorn

EMAIL = "durable@example.com"


def start_server(url: str, port: int, folder: Path):
    """Start gunicorn (2 sync workers, the repository's config) on this database."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "durability-test"}
    env.update(WEB_CONCURRENCY="2", JOURNAL_WARM_CHARTS="0")
    return start_gunicorn(env, folder, port, seconds=30)


@pytest.fixture
def database_url(tmp_path):
    """A database a server process can reach: a SQLite file, or the PostgreSQL test database."""
    url = DATABASE_URL if not DATABASE_URL.startswith("sqlite") else None
    url = url or f"sqlite:///{tmp_path / 'durable.sqlite'}"
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = register_user(EMAIL, PASSWORD, "UTC", "US")
        app.config["BENCH_TODAY"] = user_today(user)
        db.session.commit()
        db.engine.dispose()
    yield url, app.config["BENCH_TODAY"]
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_acknowledged_checkins_survive_kill_9(database_url, tmp_path):
    """PUT check-ins from four clients, SIGKILL gunicorn's master and workers mid-write, reopen."""
    url, today = database_url
    port = free_port()
    server = start_server(url, port, tmp_path)
    acknowledged: dict[str, str] = {}
    stop = threading.Event()
    try:
        headers = sign_in(port, EMAIL)

        def write(slot: int) -> None:
            """PUT a daily check-in on a new date until told to stop; keep the 2xx ones."""
            day = today - timedelta(days=slot * 5000)
            while not stop.is_set():
                record_id = str(uuid.uuid4())
                body = {"instrument": "daily", "local_date": day.isoformat(), "answers": [1] * 9}
                day -= timedelta(days=1)
                try:
                    status = request(port, "PUT", f"/api/v1/checkins/{record_id}", body, headers)[0]
                except (OSError, http.client.HTTPException):
                    # The server is gone, or died between the status line and the body (an
                    # IncompleteRead): either way this write was never acknowledged.
                    continue
                if status in (200, 201):
                    acknowledged[record_id] = day.isoformat()

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        # kill -9 every process of the server at once while the writers are mid-request.
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    assert len(acknowledged) > 20, "too few writes were acknowledged to test anything"
    # A fresh engine in this process: what a restarted server would read.
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if url.startswith("sqlite"):
                assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            rows = connection.execute(select(CheckIn.__table__.c.client_id)).scalars()
            stored = {str(value) for value in rows}
    finally:
        engine.dispose()
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged writes lost"


def test_sqlite_file_runs_wal_with_synchronous_normal(tmp_path):
    """A SQLite file connection: WAL, synchronous=NORMAL (1), foreign keys on, 30 s busy wait."""
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite'}"))
    with app.app_context():
        connection = db.session.connection()
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
        db.session.remove()
        db.engine.dispose()
