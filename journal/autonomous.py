"""The only writes below the views that commit on their own, each with the reason it must.

Everything else joins its request's (or command's, or job's) unit of work, which commits once at
the end or rolls back (journal/database.py). A write named here runs inside `alone(name)`: it
starts only when the session holds no other writes, and commits just its own, so it can never
commit, or roll back, a caller's half-done work (on the same connection: SQLite has one writer).
"""

from collections.abc import Iterator
from contextlib import ContextDecorator, contextmanager

from .database import has_writes
from .extensions import db

WHY = {
    # journal/accounts/throttle.py DatabaseCounters.hit and refund
    "throttle_counter": "an attempt counts, or is given back, even if its request then fails",
    # journal/accounts/events.py record (the kinds in events.KEPT_ON_FAILURE)
    "security_log": "a failed or refused sign-in is logged although its request fails",
    # journal/accounts/totp.py verify
    "two_step_code": "an accepted code stays used even if its request then fails (no replay)",
    # journal/accounts/users.py authenticate
    "password_rehash": "an upgraded hash is kept even if the sign-in stops at its second step",
    # journal/accounts/sessions.py check (joins the request's unit if that has written first)
    "session_touch": "a session's last use is kept without holding a write lock for the request",
    # journal/export/jobs.py claim_next, beat, finish, fail, recover_stale, sweep
    "export_queue": "each change of a job's state is one guarded UPDATE others must see at once",
}

# Background jobs whose steps commit one by one, each step its own unit of work (no request or
# caller shares their session); the test of commit() sites allows these modules.
JOB_STEPS = {
    "journal/reminders/run.py": "a batch is claimed before it is sent (two runs never send it "
    "twice), and what was sent is recorded batch by batch",
    "journal/crypto/rotation.py": "key rotation runs beside live servers: each person's keys are "
    "rewrapped and resealed in a transaction of their own, so no request waits on one long lock "
    "and a stop at any point leaves every step done or undone",
}


class alone(ContextDecorator):  # noqa: N801 (used as `with alone(...)` and `@alone(...)`)
    """Run a named write as its own transaction: refuse if the caller has written, then commit."""

    def __init__(self, name: str):
        """Name the write; only the names in WHY may commit on their own."""
        if name not in WHY:
            raise ValueError(f"{name!r} is not an autonomous write (journal/autonomous.py)")
        self.name = name

    def __enter__(self) -> "alone":
        """Refuse to start inside a unit of work that has already written."""
        if has_writes(db.session):
            raise RuntimeError(
                f"{self.name}: the session holds uncommitted writes; committing now would "
                "commit them too (do this write before the others, or in the request's unit)"
            )
        return self

    def __exit__(self, exc_type, _exc, _tb) -> bool:
        """Commit the write, or roll it back if it raised."""
        if exc_type is None:
            db.session.commit()
        else:
            db.session.rollback()
        return False


@contextmanager
def alone_or_joined(name: str) -> Iterator[None]:
    """Run a named write alone; inside a unit that has already written, join that unit instead."""
    if has_writes(db.session):
        yield  # stands or falls with the caller's changes: never commits them early
    else:
        with alone(name):
            yield
