"""Guess limits shared by every instance: per address, per account, on the database and Redis."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from journal import create_app
from journal.accounts import clock
from journal.accounts.models import ThrottleCounter
from journal.accounts.users import register_user
from journal.extensions import db
from tests.conftest import DATABASE_URL, PASSWORD, Api, test_config

EMAIL = "sam@example.com"
REDIS_URL = "redis://127.0.0.1:6379/1"  # database 1 only: the others belong to other work


def redis_available() -> bool:
    """Tell whether the local Redis answers."""
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001  (any failure means: not here)
        return False


@pytest.fixture(params=["database", "redis"])
def storage(request):
    """Return the extra config for each kind of shared storage."""
    if request.param == "database":
        return {}
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    return {"RATELIMIT_STORAGE_URI": REDIS_URL, "JOURNAL_THROTTLE_PREFIX": f"t{uuid.uuid4().hex}:"}


@pytest.fixture
def apps(tmp_path, storage):
    """Yield two app instances (two workers or hosts) sharing one database and one user."""
    # In-memory SQLite is private to a process: the instances share a file instead.
    uri = DATABASE_URL if DATABASE_URL != "sqlite://" else f"sqlite:///{tmp_path}/shared.sqlite"
    instances = [create_app(test_config(SQLALCHEMY_DATABASE_URI=uri, **storage)) for _ in range(2)]
    with instances[0].app_context():
        db.create_all()
        register_user(EMAIL, PASSWORD, "Europe/London")
        db.session.commit()
    yield instances
    with instances[0].app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    with instances[1].app_context():
        db.engine.dispose()


def sign_in(app, password: str, address: str = "198.51.100.1", email: str = EMAIL):
    """Try one sign-in from an address through one instance; return the response."""
    api = Api(app.test_client())
    api.client.environ_base["REMOTE_ADDR"] = address
    return api.login(email, password)


def test_the_address_limit_holds_across_instances(apps):
    """10 failures per address in all, alternating instances; then even the right password waits."""
    statuses = [sign_in(apps[n % 2], "wrong password").status_code for n in range(14)]
    assert statuses == [401] * 10 + [429] * 4
    refused = sign_in(apps[0], PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Too many attempts" in refused.get_json()["error"]["message"]
    # Another address is not affected.
    assert sign_in(apps[1], PASSWORD, address="198.51.100.2").status_code == 200


def test_the_account_limit_holds_across_many_addresses(apps):
    """120 guesses from 12 addresses check at most 20 passwords; the owner waits, then gets in."""
    statuses = [
        sign_in(apps[n % 2], f"guess {n}", address=f"203.0.113.{n // 10 + 1}").status_code
        for n in range(120)
    ]
    assert statuses.count(401) == 20 and statuses.count(429) == 100
    assert sign_in(apps[0], PASSWORD, address="192.0.2.50").status_code == 429


def test_the_account_limit_expires(apps, storage, monkeypatch):
    """An account under attack is slowed for the window, never locked for good."""
    if storage:
        pytest.skip("Redis expires keys on its own clock; the database case moves time")
    for n in range(25):
        sign_in(apps[n % 2], "wrong", address=f"203.0.113.{n + 1}")
    assert sign_in(apps[0], PASSWORD, address="192.0.2.50").status_code == 429
    later = clock.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert sign_in(apps[1], PASSWORD, address="192.0.2.50").status_code == 200


def test_unknown_addresses_are_throttled_alike(apps):
    """Guessing at an address with no account is counted the same way (nothing to learn)."""
    statuses = [
        sign_in(apps[0], "x" * 8, email="nobody@example.com").status_code for _ in range(11)
    ]
    assert statuses == [401] * 10 + [429]


def test_successful_sign_ins_give_their_attempt_back(apps):
    """Only failures use up the limit."""
    for n in range(30):
        assert sign_in(apps[n % 2], PASSWORD).status_code == 200


def test_counters_store_no_email_or_address(apps, storage):
    """Keys are hashed: the counters table holds neither the address nor the e-mail."""
    if storage:
        pytest.skip("the table is the database storage")
    sign_in(apps[0], "wrong")
    with apps[0].app_context():
        keys = db.session.scalars(select(ThrottleCounter.key)).all()
    assert len(keys) == 2
    assert not any(EMAIL in key or "198.51.100.1" in key for key in keys)


def test_behind_a_proxy_one_client_does_not_lock_out_others(tmp_path):
    """JOURNAL_TRUSTED_PROXIES=1: the limit is per forwarded client, not per proxy."""
    uri = DATABASE_URL if DATABASE_URL != "sqlite://" else f"sqlite:///{tmp_path}/proxy.sqlite"
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=uri, JOURNAL_TRUSTED_PROXIES=1))
    with app.app_context():
        db.create_all()
        register_user(EMAIL, PASSWORD, "Europe/London")
        db.session.commit()
    try:

        def through_proxy(client_address: str, password: str) -> int:
            """Sign in as the proxy would forward it."""
            api = Api(app.test_client())
            headers = {"X-Forwarded-For": client_address}
            token = api.client.get("/api/v1/csrf", headers=headers).get_json()["csrf_token"]
            body = {"email": EMAIL, "password": password}
            headers["X-CSRFToken"] = token
            return api.client.post("/api/v1/auth/login", json=body, headers=headers).status_code

        assert [through_proxy("203.0.113.9", "wrong") for _ in range(11)][-1] == 429
        assert through_proxy("203.0.113.10", PASSWORD) == 200
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_sign_up_is_throttled_per_address(app):
    """20 sign-ups an hour per address; the 21st is 429."""
    statuses = [
        Api(app.test_client())
        .post(
            "/api/v1/auth/register",
            {"email": f"new{n}@example.com", "password": PASSWORD, "timezone": "UTC"},
        )
        .status_code
        for n in range(21)
    ]
    assert statuses[-1] == 429 and statuses.count(429) == 1
