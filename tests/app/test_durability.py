"""An acknowledged check-in survives kill -9 of all server processes (real gunicorn, database)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
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

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "durable@example.com"


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body=None, headers=None):
    """Send one request on its own connection; return (status, headers, parsed body or None)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        payload = json.dumps(body) if body is not None else None
        connection.request(method, path, payload, headers or {})
        response = connection.getresponse()
        raw = response.read()
    finally:
        # Also when the server is killed mid-request: an unclosed socket is a ResourceWarning,
        # which the suite turns into an error at the end of the session.
        connection.close()
    return response.status, response, (json.loads(raw) if raw else None)


def sign_in(port: int) -> dict:
    """Sign in through the API; return the headers every write sends (cookie and CSRF token)."""
    _, response, data = request(port, "GET", "/api/v1/csrf")
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    headers = {"Content-Type": "application/json", "X-CSRFToken": data["csrf_token"]}
    headers["Cookie"] = cookie
    credentials = {"email": EMAIL, "password": PASSWORD}
    status, response, data = request(port, "POST", "/api/v1/auth/login", credentials, headers)
    assert status == 200, data
    headers["Cookie"] = response.getheader("Set-Cookie").split(";", 1)[0]
    headers["X-CSRFToken"] = data["csrf_token"]
    return headers


def start_server(url: str, port: int, folder: Path) -> subprocess.Popen:
    """Start gunicorn (2 sync workers, the repository's config) in its own process group."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "durability-test",
        "WEB_CONCURRENCY": "2",
        "JOURNAL_BIND": f"127.0.0.1:{port}",
        "JOURNAL_WARM_CHARTS": "0",
        "PYTHONPATH": str(ROOT),
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), "journal:create_app()"],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    pytest.fail("gunicorn did not start")


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
        headers = sign_in(port)

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
