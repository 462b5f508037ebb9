"""Password strength (zxcvbn), argon2id at OWASP cost, old hashes rehashed, the bounded pool."""

import threading
import time

import pytest
from argon2 import Type
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from journal import config
from journal.accounts import passwords
from journal.extensions import db
from journal.models import User
from tests.conftest import PASSWORD, Api, app_with_schema


@pytest.mark.parametrize(
    "weak", ["password", "12345678", "aaaaaaaa", "qwertyuiop", "sam@example.com1"]
)
def test_weak_and_common_passwords_are_refused_with_a_reason(weak):
    """zxcvbn scores below 3 are refused, with a message saying why."""
    problem = passwords.problem(weak, ("sam@example.com", "sam"))
    assert problem and problem.startswith("This password is too easy to guess.")


@pytest.mark.parametrize("strong", [PASSWORD, "a fresh spring meadow", "Tr4vel-by-ferry-at-dawn"])
def test_strong_passwords_pass(strong):
    """A few unrelated words, or a long mixed phrase, pass."""
    assert passwords.problem(strong) is None


def test_long_passwords_up_to_the_limit_are_scored_without_error():
    """zxcvbn stops at 72 characters; a 128-character password is scored on its start."""
    assert passwords.problem("Tr4vel-by-ferry-at-dawn " * 5 + "x" * 8) is None
    assert passwords.problem("a" * 128) is not None


def test_registration_with_a_long_password_works(api):
    """A 100-character password registers (no 500 from the checker)."""
    body = {"email": "long@example.com", "password": "spring meadow ferry " * 5, "timezone": "UTC"}
    assert api.post("/api/v1/auth/register", body).status_code == 201


def test_length_limits_come_first():
    """Too short or too long is refused before scoring."""
    assert passwords.problem("Xk9#q") == "Use 8 to 128 characters."
    assert passwords.problem("x" * 129) == "Use 8 to 128 characters."
    assert passwords.problem(None) == "Use 8 to 128 characters."


@pytest.mark.parametrize("weak", ["password", "12345678", "aaaaaaaa"])
def test_registration_refuses_a_weak_password(api, weak):
    """The API names the password field with the clear message."""
    body = {"email": "new@example.com", "password": weak, "timezone": "UTC"}
    response = api.post("/api/v1/auth/register", body)
    assert response.status_code == 422
    assert "too easy to guess" in response.get_json()["error"]["fields"]["password"]


def test_production_parameters_are_owasp_argon2id():
    """Without the test setting, hashes are argon2id with m=19 MiB, t=2, p=1."""
    for app in app_with_schema(JOURNAL_PASSWORD_HASH_COST="production"):
        with app.app_context():
            hasher = passwords.current_hasher()
            stored = passwords.hash_password(PASSWORD)
    assert hasher.type is Type.ID
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19 * 1024, 2, 1)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.COSTS["production"]["memory_cost"] >= 19 * 1024


def test_an_old_scrypt_hash_still_signs_in_and_is_rehashed(api, app, user):
    """A Werkzeug scrypt hash from before verifies once, then is replaced by argon2id."""
    with app.app_context():
        row = db.session.get(User, user.id)
        row.password_hash = generate_password_hash(PASSWORD, method="scrypt")
        db.session.commit()
    assert api.login(user.email).status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$")
    api.post("/api/v1/auth/logout")
    api.token = None
    assert api.login(user.email).status_code == 200


def test_a_cheaper_argon2_hash_is_upgraded_at_sign_in():
    """A hash made at lower cost is rehashed with the current parameters."""
    for app in app_with_schema(JOURNAL_PASSWORD_HASH_COST="production"):
        with app.app_context():
            db.session.add(
                User(email="old@example.com", password_hash=passwords.hasher("test").hash(PASSWORD))
            )
            db.session.commit()
        assert Api(app.test_client()).login("old@example.com").status_code == 200
        with app.app_context():
            stored = db.session.scalars(select(User.password_hash)).one()
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_production_hashes_verify_through_the_pool():
    """An OWASP-cost hash made on the pool verifies, and a wrong password does not."""
    for app in app_with_schema(JOURNAL_PASSWORD_HASH_COST="production"):
        with app.app_context():
            stored = passwords.hash_password(PASSWORD)
            assert passwords.verify(stored, PASSWORD)
            assert not passwords.verify(stored, PASSWORD + "x")


def test_hashing_is_bounded_by_the_configured_concurrency(monkeypatch):
    """JOURNAL_HASH_CONCURRENCY=2: eight passwords set at once, at most two hashes together."""
    lock, running, most = threading.Lock(), [0], [0]

    class SlowHasher:
        """Count how many hashes overlap."""

        def hash(self, password):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1
            return f"hashed {password}"

    monkeypatch.setattr(passwords, "current_hasher", SlowHasher)
    results = []

    def set_password(app, n):
        with app.app_context():
            results.append(passwords.hash_password(f"password {n}"))

    for app in app_with_schema(JOURNAL_HASH_CONCURRENCY=2):
        callers = [threading.Thread(target=set_password, args=(app, n)) for n in range(8)]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(10)
    assert sorted(results) == sorted(f"hashed password {n}" for n in range(8))
    assert most[0] == 2


def test_the_hash_concurrency_comes_from_the_environment(monkeypatch):
    """JOURNAL_HASH_CONCURRENCY in the environment sets the bound; 1 without it."""
    assert config.Defaults.JOURNAL_HASH_CONCURRENCY == 1
    monkeypatch.setenv("JOURNAL_HASH_CONCURRENCY", "3")
    assert config.from_environment()["JOURNAL_HASH_CONCURRENCY"] == 3
