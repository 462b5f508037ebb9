"""Password hashing (argon2id) and strength (zxcvbn), used by every way a password is set.

argon2id at OWASP's minimum (m=19 MiB, t=2, p=1) or stronger; tests lower the cost through
JOURNAL_PASSWORD_HASH_COST = "test". Old Werkzeug scrypt hashes still verify and are replaced
at the next sign-in. Every argon2 hash and verification runs on the bounded, low-priority pool of
journal/accounts/hashing.py.
"""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

from .hashing import POOL

COSTS = {
    "production": {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},
    # Only for the test suite: the same algorithm at a cost that keeps tests fast.
    "test": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}
PASSWORD_MIN, PASSWORD_MAX = 8, 128
MIN_SCORE = 3
ZXCVBN_MAX = 72


@cache
def hasher(cost: str) -> PasswordHasher:
    """Return the argon2id hasher for a cost level."""
    return PasswordHasher(**COSTS[cost])


def current_hasher() -> PasswordHasher:
    """Return the hasher the app is configured for."""
    return hasher(current_app.config.get("JOURNAL_PASSWORD_HASH_COST", "production"))


def hash_concurrency() -> int:
    """Return how many hashes this worker process may compute at once."""
    return current_app.config["JOURNAL_HASH_CONCURRENCY"]


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return POOL.run(hash_concurrency(), current_hasher().hash, password)


def verify(stored: str, password: str) -> bool:
    """Tell whether the password matches a stored argon2id or legacy scrypt hash."""
    if stored.startswith("scrypt:") or stored.startswith("pbkdf2:"):
        return POOL.run(hash_concurrency(), check_password_hash, stored, password)
    try:
        return POOL.run(hash_concurrency(), current_hasher().verify, stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Tell whether a stored hash is older or cheaper than the current parameters."""
    if not stored.startswith("$argon2id$"):
        return True
    return current_hasher().check_needs_rehash(stored)


@cache
def dummy_hash(cost: str) -> str:
    """Return a hash to check unknown e-mails against, so both paths take as long."""
    return POOL.run(hash_concurrency(), hasher(cost).hash, "not a real password")


def burn_time(password: str) -> None:
    """Spend one verification's time on a password that cannot match."""
    cost = current_app.config.get("JOURNAL_PASSWORD_HASH_COST", "production")
    verify(dummy_hash(cost), password)


def problem(password: object, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Return why a new password is refused (length, or weak by zxcvbn), or None when fine."""
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."
    # zxcvbn refuses more than 72 characters and grows slow past them (0.5 s at 128); the first
    # 72 decide: a long password of guessable words is still refused.
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=[value for value in user_inputs if value])
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    hint = " ".join([feedback.get("warning") or "", *(feedback.get("suggestions") or [])]).strip()
    base = "This password is too easy to guess."
    return f"{base} {hint}" if hint else f"{base} Try a few unrelated words together."
