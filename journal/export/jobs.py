"""The export queue: a request adds a job, a runner claims it, a dead runner's job is recovered.

Every change of state is one UPDATE guarded by the state it expects (and, for a running job, by
the runner's pid), so two runners, or a runner and a recovery, never both win the same job on
SQLite or PostgreSQL.
"""

import logging
import os
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from .. import autonomous, paging
from ..crypto import Undecryptable
from ..errors import DomainError, Invalid, NotFound
from ..extensions import db
from ..models import User, utcnow
from . import job_files, options
from .job_models import KINDS, ExportJob

log = logging.getLogger(__name__)

# A runner beats every 2 s; one silent for 30 s (or whose pid is gone) has died.
HEARTBEAT_EVERY = 2.0
STALE_AFTER = timedelta(seconds=30)
MAX_ATTEMPTS = 2  # the first claim and one retry after a runner died
KEEP_FOR = timedelta(hours=1)
MAX_ACTIVE_PER_USER = 3
JOB_ORDER = (ExportJob.created_at, ExportJob.id)
LABELS = {
    "pdf": "report",
    "png": "chart picture",
    "svg": "chart picture",
    "csv": "spreadsheet",
    "json": "JSON file",
    "fhir": "FHIR file",
}


class TooManyJobs(DomainError):
    """A person already has as many exports in the queue as one may."""

    status = 429
    code = "too_many_exports"


class NotReady(DomainError):
    """The job's file is not made (yet, or ever: see its state)."""

    status = 409
    code = "not_ready"


def failed_message(kind: str) -> str:
    """Say, in the person's words, that an export could not be made."""
    return f"The {LABELS.get(kind, 'export')} could not be made; try again."


def create_job(user: User, kind: object, args: object, base_url: str) -> ExportJob:
    """Check an export's parameters as its sync route would, then queue it."""
    if kind not in KINDS:
        raise Invalid("Some fields need attention.", {"kind": f"One of {', '.join(KINDS)}."})
    if not isinstance(args, dict):
        raise Invalid("Some fields need attention.", {"parameters": "An object of text values."})
    parameters = options.job_parameters(kind, args, user)
    if kind == "fhir":
        parameters["base"] = base_url  # the Bundle's URLs name this server
    active = db.session.scalar(
        select(func.count())
        .select_from(ExportJob)
        .where(ExportJob.user_id == user.id, ExportJob.state.in_(("queued", "running")))
    )
    if active >= MAX_ACTIVE_PER_USER:
        raise TooManyJobs(f"You have {active} exports on the way; wait for one to finish.")
    job = ExportJob(id=uuid.uuid4().hex, user_id=user.id, kind=kind, parameters=parameters)
    db.session.add(job)
    return job


def get_job(user: User, job_id: str) -> ExportJob:
    """Return one of the user's jobs (another person's is not found)."""
    job = db.session.scalar(
        select(ExportJob).where(ExportJob.id == job_id, ExportJob.user_id == user.id)
    )
    if job is None:
        raise NotFound("No such export.")
    return job


def list_jobs(user: User, limit: int, after: tuple | None = None) -> list[ExportJob]:
    """Return up to `limit` of the user's jobs, newest first."""
    query = select(ExportJob).where(ExportJob.user_id == user.id)
    if after is not None:
        query = query.where(paging.after(JOB_ORDER, after, descending=True))
    order = (column.desc() for column in JOB_ORDER)
    return list(db.session.scalars(query.order_by(*order).limit(limit)))


def ahead_of(job: ExportJob) -> int:
    """Count the exports a queued job waits behind (queued before it, or being made)."""
    if job.state != "queued":
        return 0
    return db.session.scalar(
        select(func.count())
        .select_from(ExportJob)
        .where(
            (ExportJob.state == "running")
            | ((ExportJob.state == "queued") & (ExportJob.created_at < job.created_at))
        )
    )


def job_to_dict(job: ExportJob) -> dict:
    """Return the API's view of a job (named fields only; the stored base URL stays inside)."""
    return {
        "id": job.id,
        "kind": job.kind,
        "parameters": {k: v for k, v in job.parameters.items() if k != "base"},
        "state": job.state,
        "progress": job.progress,
        "progress_text": job.progress_text,
        "ahead": ahead_of(job),
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "file_name": job.file_name,
        "file_size": job.file_size,
    }


@autonomous.alone("export_queue")
def claim_next(pid: int, now: datetime | None = None) -> ExportJob | None:
    """Take the oldest queued job for runner `pid`, or return None when the queue is empty."""
    now = now or utcnow()
    while True:
        job_id = db.session.scalar(
            select(ExportJob.id).where(ExportJob.state == "queued").order_by(*JOB_ORDER).limit(1)
        )
        if job_id is None:
            return None
        claimed = db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.state == "queued")
            .values(
                state="running",
                runner_pid=pid,
                attempts=ExportJob.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                progress=5,
                progress_text="Starting",
            )
        )
        if claimed.rowcount == 1:  # else another runner took it first: try the next one
            return db.session.get(ExportJob, job_id, populate_existing=True)


def mine(job_id: str, pid: int):
    """Return the condition "this job, still running in runner `pid`"."""
    return (ExportJob.id == job_id) & (ExportJob.state == "running") & (ExportJob.runner_pid == pid)


@autonomous.alone("export_queue")
def beat(job_id: str, pid: int, percent: int | None = None, text: str | None = None) -> bool:
    """Record that runner `pid` is alive (and its progress); False if the job is no longer its."""
    values = {"heartbeat_at": utcnow()}
    if percent is not None:
        values |= {"progress": percent, "progress_text": text}
    done = db.session.execute(update(ExportJob).where(mine(job_id, pid)).values(**values))
    return done.rowcount == 1


@autonomous.alone("export_queue")
def finish(job: ExportJob, pid: int, body: bytes, mimetype: str, filename: str) -> bool:
    """Store a made file and mark the job done (False if the job was taken from this runner)."""
    draft = job_files.write(job.user_id, job.id, body)
    try:
        done = db.session.execute(
            update(ExportJob)
            .where(mine(job.id, pid))
            .values(
                state="done",
                progress=100,
                progress_text="Ready",
                finished_at=utcnow(),
                file_name=filename,
                file_size=len(body),
                mimetype=mimetype,
            )
        )
        if done.rowcount == 1:
            job_files.publish(draft, job.id)
            return True
        # A runner thought dead that came back: the job is another's now; keep its file.
        db.session.rollback()
        return False
    finally:
        draft.unlink(missing_ok=True)  # published (renamed away), or not to be


@autonomous.alone("export_queue")
def fail(job_id: str, pid: int | None, message: str) -> bool:
    """Mark a job failed with a message the person can read."""
    condition = mine(job_id, pid) if pid is not None else ExportJob.id == job_id
    done = db.session.execute(
        update(ExportJob)
        .where(condition)
        .values(state="failed", error=message, finished_at=utcnow(), progress_text="Failed")
    )
    return done.rowcount == 1


def pid_alive(pid: int | None) -> bool:
    """Tell whether a process of this host runs with that pid (a zombie counts as dead)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # The state follows the parenthesised name; Z is a dead child not yet reaped.
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True  # no /proc (macOS): the heartbeat still catches a dead runner


def is_stale(job: ExportJob, now: datetime) -> bool:
    """Tell whether a running job's runner has died (pid gone, or silent too long)."""
    beat_at = job.heartbeat_at or job.started_at or job.created_at
    return now - beat_at > STALE_AFTER or not pid_alive(job.runner_pid)


@autonomous.alone("export_queue")
def recover_stale(now: datetime | None = None) -> int:
    """Queue again, once, each job whose runner died; fail it the second time. Return how many."""
    now = now or utcnow()
    running = db.session.scalars(select(ExportJob).where(ExportJob.state == "running")).all()
    recovered = 0
    for job in running:
        if not is_stale(job, now):
            continue
        guard = mine(job.id, job.runner_pid)
        if job.attempts < MAX_ATTEMPTS:
            values = {"state": "queued", "runner_pid": None, "progress": 0}
            values["progress_text"] = "Waiting to start again"
        else:
            values = {"state": "failed", "error": failed_message(job.kind), "finished_at": now}
            values["progress_text"] = "Failed"
        done = db.session.execute(update(ExportJob).where(guard).values(**values))
        recovered += done.rowcount
        log.warning(
            "export job %s: runner %s died; now %s", job.id, job.runner_pid, values["state"]
        )
    return recovered


def sweep(now: datetime | None = None) -> int:
    """Delete jobs (and files) finished over an hour ago, and files whose job is gone."""
    cutoff = (now or utcnow()) - KEEP_FOR
    old = ExportJob.state.in_(("done", "failed")) & (ExportJob.finished_at < cutoff)
    expired = list(db.session.scalars(select(ExportJob.id).where(old)))
    if expired:
        with autonomous.alone("export_queue"):
            db.session.execute(delete(ExportJob).where(ExportJob.id.in_(expired)))
    files = job_files.stored_ids()
    # A file with no row: its job expired, or its account was deleted (rows go, files stay).
    known = set(db.session.scalars(select(ExportJob.id).where(ExportJob.id.in_(files))))
    gone = (files - known) | set(expired)
    for job_id in gone:
        job_files.remove(job_id)
    return len(gone)


def fetch(user: User, job_id: str) -> tuple[ExportJob, bytes]:
    """Return a done job of the user's and its file; NotFound if it is not, or no longer, there."""
    job = get_job(user, job_id)
    if job.state != "done":
        raise NotReady("The export is not ready yet.", {"state": job.state})
    try:
        body = job_files.read(user.id, job.id)
    except Undecryptable as exc:  # missing, altered or its key gone: one answer to the person
        log.error("export job %s: cannot open its file: %s", job.id, exc)
        raise NotFound("This export's file is gone; make it again.") from None
    job.fetched_at = utcnow()
    return job, body
