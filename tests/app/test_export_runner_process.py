"""A real runner process: it makes a queued PDF; killed mid-job, its job is made again or fails.

The app here uses a database another process can open (a SQLite file, or TEST_DATABASE_URL),
and JOURNAL_EXPORT_RUNNERS=1, so a POST starts `python -m journal run-exports` as in production.
"""

import io
import os
import signal
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from journal.cli import load_demo
from journal.demo import generate
from journal.export import runner
from journal.export.job_models import ExportJob
from journal.extensions import db
from journal.models import User
from journal.records import user_today
from tests.conftest import DATABASE_URL, app_with_schema

WHOLE_YEAR = {"kind": "pdf", "parameters": {"from": "2000-01-01", "reflections": "1"}}
TIMEOUT = 90  # seconds: a runner starts Python and Chromium, on a busy 2-core machine


@pytest.fixture
def app(tmp_path):
    """Create an app on a shared database whose exports start real runners."""
    url = f"sqlite:///{tmp_path}/jobs.sqlite" if DATABASE_URL == "sqlite://" else DATABASE_URL
    yield from app_with_schema(
        SQLALCHEMY_DATABASE_URI=url,
        JOURNAL_EXPORT_DIR=str(tmp_path / "exports"),
        JOURNAL_EXPORT_RUNNERS=1,
    )
    for child in runner.CHILDREN:  # never leave a runner behind the test
        if child.poll() is None:
            child.kill()
        child.wait()
    runner.CHILDREN.clear()


@pytest.fixture
def history(app, user):
    """Give the user a year of demo history (the report takes a second or more to draw)."""
    with app.app_context():
        person = db.session.get(User, user.id)
        load_demo(person, generate(1, user_today(person), person.timezone, seed=3))


def job_row(app, job_id: str) -> ExportJob:
    """Read a job straight from the database."""
    with app.app_context():
        job = db.session.scalar(select(ExportJob).where(ExportJob.id == job_id))
        db.session.expunge(job)
        return job


def wait_for(api, url: str, states: tuple[str, ...]) -> dict:
    """Poll a job's status (as the page does, which also recovers it) until it is in `states`."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        job = api.get(url).get_json()
        if job["state"] in states:
            return job
        time.sleep(0.02)
    raise AssertionError(f"still {job['state']} after {TIMEOUT} s: {job}")


def kill_runner_mid_job(app, api, job: dict, previous: int | None = None) -> int:
    """Wait until a runner is making the job, kill -9 it, and check it died mid-job."""
    while True:
        wait_for(api, job["status_url"], ("running",))
        pid = job_row(app, job["id"]).runner_pid
        if pid and pid != previous:
            break
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    for child in runner.CHILDREN:
        if child.pid == pid:
            child.wait(timeout=10)  # reap it, as gunicorn's worker would not
    row = job_row(app, job["id"])
    assert row.state == "running" and row.progress < 100, "the runner finished before the kill"
    return pid


def test_a_runner_process_makes_the_queued_pdf(auth_api, app, history):
    """POST starts a runner; the job goes queued, running, done; the file is a PDF."""
    job = auth_api.post("/api/v1/exports", WHOLE_YEAR).get_json()
    assert len(runner.CHILDREN) == 1
    done = wait_for(auth_api, job["status_url"], ("done", "failed"))
    assert done["state"] == "done", done
    # The runner held its slot while Python started: a hundred polls meanwhile started no other.
    assert len(runner.CHILDREN) == 1
    body = auth_api.get(done["file_url"]).data
    assert len(PdfReader(io.BytesIO(body)).pages) >= 1
    assert runner.CHILDREN[0].wait(timeout=TIMEOUT) == 0  # it exits when the queue is empty


def test_a_job_whose_runner_was_killed_is_made_by_a_new_runner(auth_api, app, history):
    """kill -9 mid-job: the next status poll queues it again and starts a runner that makes it."""
    job = auth_api.post("/api/v1/exports", WHOLE_YEAR).get_json()
    first = kill_runner_mid_job(app, auth_api, job)
    done = wait_for(auth_api, job["status_url"], ("done", "failed"))
    assert done["state"] == "done", done
    row = job_row(app, job["id"])
    assert row.attempts == 2 and row.runner_pid != first
    assert auth_api.get(done["file_url"]).data.startswith(b"%PDF")


def test_a_job_whose_runner_was_killed_twice_says_it_failed(auth_api, app, history):
    """Killed on both attempts: the job is failed with words for the person, never stuck."""
    job = auth_api.post("/api/v1/exports", WHOLE_YEAR).get_json()
    first = kill_runner_mid_job(app, auth_api, job)
    kill_runner_mid_job(app, auth_api, job, previous=first)
    failed = wait_for(auth_api, job["status_url"], ("done", "failed"))
    assert failed["state"] == "failed"
    assert failed["error"] == "The report could not be made; try again."
    assert auth_api.get(f"{job['status_url']}/file").status_code == 409


def test_a_full_runner_log_moves_aside_and_one_old_copy_is_kept(app):
    """Past the limit runner.log becomes runner.log.1 (replacing the older one); small ones grow."""
    with app.app_context():
        log = runner.job_files.folder() / "runner.log"
        log.write_bytes(b"x" * (runner.LOG_LIMIT + 1))
        log.with_name("runner.log.1").write_bytes(b"oldest")
        with runner.open_log() as handle:
            handle.write(b"new\n")
        with runner.open_log() as handle:
            handle.write(b"next\n")
        assert log.read_bytes() == b"new\nnext\n"
        assert log.with_name("runner.log.1").stat().st_size == runner.LOG_LIMIT + 1
