"""The export queue's rules: atomic claims, heartbeats, and recovery when a runner dies."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest

from journal.accounts.users import register_user
from journal.export import jobs
from journal.export.job_models import ExportJob
from journal.extensions import db
from journal.models import utcnow
from tests.conftest import PASSWORD, app_with_schema


@pytest.fixture
def app(tmp_path):
    """Create an app whose finished exports go to a temporary folder."""
    yield from app_with_schema(JOURNAL_EXPORT_DIR=str(tmp_path))


@pytest.fixture
def ctx(app):
    """Push an app context with one user for the test."""
    with app.app_context():
        user = register_user("queue@example.com", PASSWORD, "America/Chicago")
        db.session.commit()
        yield user


def queued(user, kind: str = "csv") -> str:
    """Put a job straight into the queue; return its id."""
    job = ExportJob(id=uuid.uuid4().hex, user_id=user.id, kind=kind, parameters={})
    db.session.add(job)
    db.session.commit()
    return job.id


def dead_pid() -> int:
    """Return the pid of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def state(job_id: str) -> ExportJob:
    """Read a job fresh from the database."""
    return db.session.get(ExportJob, job_id, populate_existing=True)


def test_each_job_is_claimed_by_one_runner_oldest_first(ctx):
    """Two jobs, three claims: each runner gets a different job, the third gets none."""
    first, second = queued(ctx), queued(ctx)
    assert jobs.claim_next(101).id == first
    assert jobs.claim_next(102).id == second
    assert jobs.claim_next(103) is None
    assert (state(first).runner_pid, state(first).attempts) == (101, 1)


def test_a_claim_only_wins_a_job_still_queued(ctx):
    """The claim's UPDATE is guarded by state: a job taken meanwhile is skipped, not shared."""
    job_id = queued(ctx)
    # Another runner took it between our SELECT and UPDATE: the guard must make ours miss.
    db.session.execute(
        db.update(ExportJob).where(ExportJob.id == job_id).values(state="running", runner_pid=7)
    )
    db.session.commit()
    assert jobs.claim_next(8) is None
    assert state(job_id).runner_pid == 7


def test_a_heartbeat_counts_only_for_the_runner_that_holds_the_job(ctx):
    """beat() moves progress for the holder and reports False to anyone else."""
    job_id = queued(ctx)
    jobs.claim_next(201)
    assert jobs.beat(job_id, 201, 40, "Drawing your charts")
    assert (state(job_id).progress, state(job_id).progress_text) == (40, "Drawing your charts")
    assert not jobs.beat(job_id, 202, 90, "Saving")
    assert state(job_id).progress == 40


def test_a_dead_runners_job_is_queued_again_once_then_failed(ctx):
    """Runner gone: back to the queue (attempt 1); gone again: failed, saying so."""
    job_id = queued(ctx, "pdf")
    jobs.claim_next(dead_pid())
    assert jobs.recover_stale() == 1
    assert state(job_id).state == "queued" and state(job_id).runner_pid is None
    jobs.claim_next(dead_pid())
    assert state(job_id).attempts == 2
    assert jobs.recover_stale() == 1
    failed = state(job_id)
    assert failed.state == "failed" and failed.finished_at is not None
    assert failed.error == "The report could not be made; try again."


def test_a_silent_runner_counts_as_dead_even_if_its_pid_lives(ctx):
    """No heartbeat for longer than STALE_AFTER: the job is recovered (the pid may be reused)."""
    job_id = queued(ctx)
    jobs.claim_next(os.getpid())
    assert jobs.recover_stale() == 0  # alive and beating: left alone
    old = utcnow() - jobs.STALE_AFTER - timedelta(seconds=1)
    state(job_id).heartbeat_at = old
    db.session.commit()
    assert jobs.recover_stale() == 1 and state(job_id).state == "queued"


def test_a_zombie_runner_counts_as_dead(ctx):
    """A killed runner not yet reaped by its parent still has a pid; it is dead all the same."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        for _ in range(200):
            with open(f"/proc/{child.pid}/stat", "rb") as stat:
                if stat.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    break
            time.sleep(0.01)
        assert not jobs.pid_alive(child.pid)
        assert jobs.pid_alive(os.getpid())
    finally:
        child.wait()
    assert not jobs.pid_alive(child.pid)


def test_a_recovered_job_cannot_be_finished_by_its_old_runner(ctx, tmp_path):
    """A runner that was thought dead and comes back loses the job: its finish leaves no file."""
    job_id = queued(ctx)
    job = jobs.claim_next(301)
    state(job_id).heartbeat_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    jobs.recover_stale()
    jobs.claim_next(os.getpid())
    assert not jobs.finish(job, 301, b"late", "text/csv", "late.csv")
    assert state(job_id).state == "running" and state(job_id).runner_pid == os.getpid()
    assert list(tmp_path.iterdir()) == []
