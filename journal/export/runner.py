"""The export runner: a detached, low-priority process that makes queued exports, then exits.

No daemon to install: a request that queues a job starts `python -m journal run-exports` when
fewer than JOURNAL_EXPORT_RUNNERS runners are alive. A runner holds one slot lock file
(instance/exports/runner-<n>.lock, flock) while it works; the kernel drops the lock when the
process dies, however it dies, so a slot is never held by a dead runner. The request takes the
slot's lock itself and hands the locked file to the runner it starts: a runner still starting
up (Python and the app take seconds to import) already holds its slot, so polls in the
meantime start no second one.
"""

import fcntl
import logging
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..crypto import Undecryptable
from ..errors import DomainError
from ..extensions import db
from ..models import User
from . import job_files, jobs, make
from .job_models import ExportJob

log = logging.getLogger(__name__)
# Runners this process started: polled so a finished one is reaped, not left a zombie.
CHILDREN: list[subprocess.Popen] = []
# The environment variable that names the locked slot file a runner was handed.
SLOT_FD = "JOURNAL_EXPORT_SLOT_FD"


def slots() -> int:
    """Return how many runners may work at once (JOURNAL_EXPORT_RUNNERS, default 1)."""
    return int(current_app.config.get("JOURNAL_EXPORT_RUNNERS", 1))


def lock_path(slot: int) -> Path:
    """Return the lock file of one runner slot."""
    return job_files.folder() / f"runner-{slot}.lock"


def try_lock(slot: int):
    """Return an open, flock-held file for the slot, or None when a live runner holds it."""
    handle = open(lock_path(slot), "a")  # noqa: SIM115  (held open for the runner's life)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


@contextmanager
def free_slot(count: int):
    """Hold one of `count` runner slots for the block (yield None if every one is taken)."""
    handle = None
    for slot in range(count):
        handle = try_lock(slot)
        if handle is not None:
            break
    try:
        yield handle
    finally:
        if handle is not None:
            handle.close()  # closing drops the flock


@contextmanager
def handed_slot(fd: str):
    """Hold the slot the starting request locked and handed over (as an inherited descriptor)."""
    handle = open(int(fd), "a")  # noqa: SIM115
    try:
        yield handle
    finally:
        handle.close()


def shares_database(app: Flask) -> bool:
    """Tell whether another process can reach this app's database (an in-memory one cannot)."""
    url = db.engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


def ensure_runner(app: Flask) -> bool:
    """Start a runner if a slot is free; return whether one was started."""
    CHILDREN[:] = [child for child in CHILDREN if child.poll() is None]
    if slots() <= 0 or not shares_database(app):
        return False
    with free_slot(slots()) as handle:
        if handle is None:
            return False
        spawn(app, handle)
    return True


def runner_environment(app: Flask) -> dict:
    """Return the environment a runner needs to open this app's database, keys and folder."""
    env = dict(os.environ)
    env["DATABASE_URL"] = db.engine.url.render_as_string(hide_password=False)
    env["JOURNAL_INSTANCE_PATH"] = app.instance_path
    env["SECRET_KEY"] = app.config["SECRET_KEY"]
    if app.config.get("JOURNAL_MASTER_KEY"):
        env["JOURNAL_MASTER_KEY"] = app.config["JOURNAL_MASTER_KEY"]
    env["JOURNAL_EXPORT_RUNNERS"] = str(slots())
    env["JOURNAL_EXPORT_DIR"] = str(job_files.folder())
    return env


LOG_LIMIT = 1_000_000  # bytes of runner.log before it moves to runner.log.1


def open_log():
    """Open runner.log to append, first moving a full one to runner.log.1 (one old copy kept)."""
    path = job_files.folder() / "runner.log"
    try:
        if path.stat().st_size > LOG_LIMIT:
            os.replace(path, path.with_name("runner.log.1"))
    except FileNotFoundError:
        pass
    return open(path, "ab")  # noqa: SIM115


def spawn(app: Flask, slot) -> subprocess.Popen:
    """Start a detached runner holding `slot` (its own session: a worker's restart spares it)."""
    env = runner_environment(app)
    env[SLOT_FD] = str(slot.fileno())
    with open_log() as log_file:
        child = subprocess.Popen(
            [sys.executable, "-m", "journal", "run-exports"],
            env=env,
            pass_fds=(slot.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    CHILDREN.append(child)
    return child


class Heartbeat(threading.Thread):
    """Beat for a job every few seconds while it is made (one chart render can take seconds)."""

    def __init__(self, app: Flask, job_id: str, pid: int):
        super().__init__(daemon=True)
        self.app, self.job_id, self.pid = app, job_id, pid
        self.stopped = threading.Event()

    def run(self) -> None:
        """Beat until stopped (its own app context, so its own database session)."""
        with self.app.app_context():
            while not self.stopped.wait(jobs.HEARTBEAT_EVERY):
                try:
                    jobs.beat(self.job_id, self.pid)
                except SQLAlchemyError as exc:
                    # A busy database (SQLite's lock) skips one beat; a dead thread would let
                    # the job look abandoned after STALE_AFTER while it is still being made.
                    db.session.rollback()
                    log.warning("export job %s: heartbeat skipped: %s", self.job_id, exc)
            db.session.remove()


def run_one(job: ExportJob, pid: int) -> str:
    """Make one claimed job's file; return the state it ended in."""
    user = db.session.get(User, job.user_id)
    if user is None:  # the account was deleted since: its job row went with it
        return "gone"
    heart = Heartbeat(current_app._get_current_object(), job.id, pid)
    heart.start()
    try:
        made = make.make_job(
            user, job.kind, job.parameters, lambda p, t: jobs.beat(job.id, pid, p, t)
        )
        jobs.beat(job.id, pid, 90, "Saving the file")
        done = jobs.finish(job, pid, made.body, made.mimetype, made.filename)
        return "done" if done else "lost"
    except (DomainError, Undecryptable) as exc:
        db.session.rollback()
        message = getattr(exc, "message", None) or jobs.failed_message(job.kind)
        jobs.fail(job.id, pid, message)
        return "failed"
    except Exception:
        db.session.rollback()
        log.exception("export job %s failed", job.id)
        jobs.fail(job.id, pid, jobs.failed_message(job.kind))
        return "failed"
    finally:
        heart.stopped.set()
        heart.join()


def queued() -> int:
    """Count the jobs waiting for a runner."""
    query = select(func.count()).select_from(ExportJob).where(ExportJob.state == "queued")
    return db.session.scalar(query)


def run_queue(pid: int | None = None) -> int:
    """Make queued jobs while holding a slot, until none is left; return how many were made."""
    pid = pid or os.getpid()
    made = 0
    handed = os.environ.pop(SLOT_FD, None)
    while True:
        # At least one slot: `flask run-exports` by hand works even with JOURNAL_EXPORT_RUNNERS=0.
        with handed_slot(handed) if handed else free_slot(max(1, slots())) as handle:
            handed = None
            if handle is None:
                return made  # another runner has every slot: the queue is in hand
            jobs.recover_stale()
            jobs.sweep()
            while (job := jobs.claim_next(pid)) is not None:
                run_one(job, pid)
                made += 1
        # A job queued after the last claim, while we still held the slot, found no free
        # slot and started no runner: look once more after letting go.
        if not queued():
            return made


@click.command("run-exports")
@click.option("--nice", default=10, show_default=True, help="Lower priority, so check-ins win.")
@with_appcontext
def run_exports(nice: int) -> None:
    """Make the queued exports (started by the app when needed), then exit."""
    if nice:
        os.nice(nice)
    made = run_queue()
    click.echo(f"run-exports {os.getpid()}: exports made: {made}")
