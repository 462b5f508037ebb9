"""Guess limits counted where every worker and host sees them: the database, or Redis.

A counter's window starts at its first hit and ends `seconds` later (no boundary doubling).
An attempt is counted before the password is checked, and given back when it succeeds, so
concurrent requests can never check more than `limit` passwords in a window.
RATELIMIT_STORAGE_URI = redis://... (or rediss://) uses Redis; anything else the database.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import autonomous
from ..errors import DomainError
from ..extensions import db
from ..models import UTCDateTime
from . import clock
from .models import ThrottleCounter


@dataclass(frozen=True)
class Limit:
    """At most `limit` hits per `seconds` for one key in one scope."""

    scope: str
    limit: int
    seconds: int


class Throttled(DomainError):
    """Too many attempts; try again after `retry_after` seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int):
        super().__init__("Too many attempts. Please wait a few minutes and try again.")
        self.retry_after = max(1, retry_after)


def limits(config) -> dict[str, Limit]:
    """Return the configured limits by name."""
    return {
        name: Limit(name, *config["JOURNAL_THROTTLE"][name]) for name in config["JOURNAL_THROTTLE"]
    }


class DatabaseCounters:
    """Counters in the throttle_counters table, one atomic upsert per hit."""

    @autonomous.alone("throttle_counter")
    def hit(self, key: str, seconds: int) -> tuple[int, int]:
        """Count one hit; return (hits in the window, seconds until it ends)."""
        now = clock.now()
        ends = now + timedelta(seconds=seconds)
        table = ThrottleCounter.__table__
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        expired = table.c.expires_at <= literal(now, UTCDateTime)
        statement = (
            insert(table)
            .values(key=key, hits=1, expires_at=ends)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "hits": case((expired, 1), else_=table.c.hits + 1),
                    "expires_at": case(
                        (expired, literal(ends, UTCDateTime)), else_=table.c.expires_at
                    ),
                },
            )
            .returning(table.c.hits, table.c.expires_at)
        )
        hits, expires_at = db.session.execute(statement).one()
        # Old counters go with the next hit: one indexed delete keeps the table small.
        db.session.execute(delete(ThrottleCounter).where(ThrottleCounter.expires_at < now))
        return hits, int((expires_at - now).total_seconds()) + 1

    @autonomous.alone("throttle_counter")
    def refund(self, key: str) -> None:
        """Give back one hit (the attempt succeeded)."""
        db.session.execute(
            update(ThrottleCounter)
            .where(ThrottleCounter.key == key, ThrottleCounter.hits > 0)
            .values(hits=ThrottleCounter.hits - 1)
        )

    def peek(self, key: str) -> int:
        """Return the hits in the key's current window."""
        row = db.session.scalar(
            select(ThrottleCounter).where(
                ThrottleCounter.key == key, ThrottleCounter.expires_at > clock.now()
            )
        )
        return row.hits if row else 0


REFUND = (
    "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0"
)


class RedisCounters:
    """Counters in Redis: SET NX with the window's expiry, then INCR, in one transaction."""

    def __init__(self, url: str, prefix: str):
        import redis  # only needed when configured (the `redis` extra)

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def hit(self, key: str, seconds: int) -> tuple[int, int]:
        """Count one hit; return (hits in the window, seconds until it ends)."""
        name = self.prefix + key
        pipe = self.client.pipeline(transaction=True)
        pipe.set(name, 0, ex=seconds, nx=True)
        pipe.incr(name)
        pipe.ttl(name)
        _created, hits, ttl = pipe.execute()
        return int(hits), max(1, int(ttl))

    def refund(self, key: str) -> None:
        """Give back one hit (the attempt succeeded)."""
        self.client.eval(REFUND, 1, self.prefix + key)

    def peek(self, key: str) -> int:
        """Return the hits in the key's current window."""
        return int(self.client.get(self.prefix + key) or 0)


@cache
def redis_counters(url: str, prefix: str) -> RedisCounters:
    """Return one Redis client per URL (it pools its connections)."""
    return RedisCounters(url, prefix)


def counters(config):
    """Return the storage RATELIMIT_STORAGE_URI names."""
    url = config.get("RATELIMIT_STORAGE_URI") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return redis_counters(url, config.get("JOURNAL_THROTTLE_PREFIX", "mj:throttle:"))
    return DatabaseCounters()


def key(limit: Limit, subject: str) -> str:
    """Return the counter key of a subject (an address, or an e-mail address) in a scope."""
    # Hashed, so the counters table holds no e-mail addresses.
    return f"{limit.scope}:{hashlib.sha256(subject.encode()).hexdigest()[:40]}"


def take(config, limit: Limit, subject: str) -> None:
    """Count one attempt, or raise Throttled when the window's attempts are used up."""
    store = counters(config)
    hits, retry_after = store.hit(key(limit, subject), limit.seconds)
    if hits > limit.limit:
        raise Throttled(retry_after)


def give_back(config, limit: Limit, subject: str) -> None:
    """Return one attempt (it succeeded, or another limit refused it)."""
    counters(config).refund(key(limit, subject))


def begin_sign_in(config, address: str, email: str) -> None:
    """Count a sign-in attempt per address and per account; raise Throttled when over."""
    named = limits(config)
    take(config, named["login_address"], address)
    try:
        take(config, named["login_account"], email)
    except Throttled:
        give_back(config, named["login_address"], address)
        raise


def sign_in_succeeded(config, address: str, email: str) -> None:
    """Give back the attempts a successful sign-in counted: only failures use up the limit."""
    named = limits(config)
    give_back(config, named["login_address"], address)
    give_back(config, named["login_account"], email)
