"""Key rotation under a live gunicorn (2 workers, real processes) while people read and write.

Client threads write reflections and read them back the whole time; `flask rotate-keys` runs as
separate processes, exactly as the README says: a new master key, new data keys, the old master
key retired, new data keys again (which deletes the first run's retired keys). Every request
must succeed and every read must give back the text last written; no server is restarted.
"""

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from journal import create_app, crypto
from journal.accounts.users import register_user
from journal.extensions import db
from journal.models import Reflection
from tests.conftest import DATABASE_URL, PASSWORD, test_config
from tests.live_server import ROOT, free_port, request, sign_in, start_gunicorn

WRITERS = 4  # people writing from the start
LATECOMERS = 3  # people whose first entry (and first data key) lands mid-rotation
STEPS = (
    ["--new-master-key"],
    ["--data-keys"],
    ["--retire-old-keys"],
    ["--data-keys"],
)


def email(n: int) -> str:
    """Return the address of test person n."""
    return f"rotate{n}@example.com"


@pytest.fixture
def server_env(tmp_path, monkeypatch):
    """A database with the people, an instance folder with its key file; the server's env."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", str(instance))
    url = DATABASE_URL if DATABASE_URL.startswith("postgresql") else None
    url = url or f"sqlite:///{tmp_path / 'rotate.sqlite'}"
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=url, JOURNAL_MASTER_KEY=None))
    with app.app_context():
        db.drop_all()
        db.create_all()
        for n in range(WRITERS + LATECOMERS):
            register_user(email(n), PASSWORD, "UTC", "US")
        db.session.commit()
        crypto.keyring().masters(db.session)  # no data key yet: this writes instance/master_key
        db.session.remove()
        db.engine.dispose()
    env = {k: v for k, v in os.environ.items() if k != "JOURNAL_MASTER_KEY"}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="rotation-test",
        JOURNAL_INSTANCE_PATH=str(instance),
        JOURNAL_WARM_CHARTS="0",
        JOURNAL_EXPORT_RUNNERS="0",
    )
    yield env, instance, app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


class Traffic:
    """Counts of the requests the clients sent, and every failure with what went wrong."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors: list[str] = []

    def call(self, port: int, method: str, path: str, body=None, headers=None):
        """Send one request and count it; a non-2xx or a dropped connection is an error."""
        try:
            status, _response, data = request(port, method, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            status, data = None, repr(exc)
        with self.lock:
            self.requests += 1
            if status is None or status >= 300:
                self.errors.append(f"{method} {path} -> {status}: {str(data)[:200]}")
        return data if status and status < 300 else None

    def fail(self, problem: str) -> None:
        """Count a wrong answer (a 2xx with the wrong text)."""
        with self.lock:
            self.errors.append(problem)


def write_and_read(traffic: Traffic, port: int, headers: dict, stop: threading.Event) -> None:
    """Write reflections (new and edited) and read each back until told to stop."""
    today = datetime.now(UTC).date().isoformat()
    revisions = {str(uuid.uuid4()): None for _ in range(3)}
    ids = list(revisions)
    turn = 0
    while not stop.is_set():
        client_id = ids[turn % len(ids)]
        text = f"rotation {client_id[:8]} turn {turn}"
        body = {"local_date": today, "text": text, "tags": [f"t{turn % 5}"]}
        if revisions[client_id] is not None:
            body["base_revision"] = revisions[client_id]  # an edit of what this client last saw
        path = f"/api/v1/reflections/{client_id}"
        if (saved := traffic.call(port, "PUT", path, body, headers)) is not None:
            revisions[client_id] = saved["revision"]
            read = traffic.call(port, "GET", path, None, headers)
            if read is not None and read.get("text") != text:
                traffic.fail(f"GET {path} gave {read.get('text')!r}, not {text!r}")
        if turn % 4 == 0:
            listed = traffic.call(port, "GET", "/api/v1/reflections", None, headers)
            if listed is not None and any(
                item.get("text") == crypto.UNREADABLE for item in listed["items"]
            ):
                traffic.fail("the list showed an undecryptable reflection")
        turn += 1


def rotate(env: dict, arguments: list[str]) -> str:
    """Run `flask rotate-keys` as its own process, as an operator would; return its output."""
    flask = str(Path(sys.executable).with_name("flask"))
    done = subprocess.run(
        [flask, "--app", "journal", "rotate-keys", *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_rotation_under_live_gunicorn_loses_no_request(server_env, tmp_path):
    """Four rotation steps while 4+3 people write and read: 0 errors, every text reads back."""
    env, instance, app = server_env
    first_key = (instance / "master_key").read_text().split()
    port = free_port()
    server = start_gunicorn({**env, "WEB_CONCURRENCY": "2", "JOURNAL_THREADS": "4"}, tmp_path, port)
    traffic, stop, threads, outputs = Traffic(), threading.Event(), [], []
    try:
        people = [sign_in(port, email(n)) for n in range(WRITERS + LATECOMERS)]

        def start(headers: dict) -> None:
            """Start one person's writer thread."""
            thread = threading.Thread(target=write_and_read, args=(traffic, port, headers, stop))
            thread.start()
            threads.append(thread)

        for headers in people[:WRITERS]:
            start(headers)
        time.sleep(2)
        for step, arguments in enumerate(STEPS):
            outputs.append(rotate(env, arguments))
            if step < LATECOMERS:
                start(people[WRITERS + step])  # a first data key, wrapped mid-rotation
            time.sleep(1.5)
        time.sleep(1.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        health = request(port, "GET", "/healthz")[0]
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\nlive rotation: {traffic.requests} requests, {len(traffic.errors)} errors")
    print("".join(outputs))
    assert traffic.errors == [], traffic.errors[:10]
    assert traffic.requests > 200, "too little traffic to test anything"
    assert health == 200
    final_key = (instance / "master_key").read_text().split()
    assert len(final_key) == 1 and final_key != first_key
    # What a restarted server would see: only the final master key, every value readable.
    fresh = create_app(
        test_config(SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"], JOURNAL_MASTER_KEY=final_key[0])
    )
    with fresh.app_context():
        keys = db.session.scalars(select(crypto.UserKey)).all()
        assert {key.master_id for key in keys} == {crypto.master_id(crypto.unb64(final_key[0]))}
        assert len({key.user_id for key in keys}) == WRITERS + LATECOMERS
        texts = [row.text for row in db.session.scalars(select(Reflection))]
        assert len(texts) == 3 * (WRITERS + LATECOMERS)
        assert crypto.UNREADABLE not in texts
        db.session.remove()
        db.engine.dispose()
