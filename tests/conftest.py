"""Fixtures shared by every test: the app, its database, clients and small factories."""

import os
import re
import uuid
from types import SimpleNamespace

import pytest

from journal import create_app
from journal.accounts.users import register_user
from journal.extensions import db
from tests.smtp import running_smtp, smtp_config

# CI runs the suite twice: on SQLite (the default) and on PostgreSQL through this variable.
DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
PASSWORD = "correct horse battery"
# A fixed master key so tests never write instance/master_key (journal.crypto).
MASTER_KEY = "dGVzdC1tYXN0ZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmc"


def test_config(**overrides) -> dict:
    """Return the configuration every test app starts from."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        # The same argon2id at a tiny cost; test_passwords checks the production parameters.
        "JOURNAL_PASSWORD_HASH_COST": "test",
        "JOURNAL_MASTER_KEY": MASTER_KEY,
        # No background export runner: tests run the queue themselves (tests/app/test_export_jobs).
        "JOURNAL_EXPORT_RUNNERS": 0,
        **overrides,
    }


test_config.__test__ = False  # a helper, not a test, despite its name


def app_with_schema(**overrides):
    """Yield an app with an empty schema, and drop it afterwards (for fixtures)."""
    app = create_app(test_config(**overrides))
    with app.app_context():
        db.create_all()
    # No app context stays pushed during the test: requests would reuse it, and its `g`
    # (which caches the CSRF token) would leak between two test clients.
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        # Close pooled connections, or PostgreSQL runs leak one per test (a ResourceWarning).
        db.engine.dispose()


@pytest.fixture
def smtp_server():
    """Start a real SMTP server (aiosmtpd) for the test; yield (mail settings, inbox)."""
    with running_smtp() as (port, inbox):
        yield smtp_config(port), inbox


@pytest.fixture
def app():
    """Create an app with an empty schema, and drop it afterwards."""
    yield from app_with_schema()


@pytest.fixture
def client(app):
    """Return a test client with cookies."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner for flask commands."""
    return app.test_cli_runner()


class Api:
    """A JSON client that sends the CSRF header the way the PWA does."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def csrf(self) -> str:
        """Fetch a CSRF token bound to this client's session."""
        self.token = self.client.get("/api/v1/csrf").get_json()["csrf_token"]
        return self.token

    def request(self, method: str, path: str, json=None, csrf: bool = True, **kwargs):
        """Send a request, adding X-CSRFToken to unsafe ones."""
        headers = kwargs.pop("headers", {})
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE"):
            headers.setdefault("X-CSRFToken", self.token or self.csrf())
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        """GET a path."""
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        """POST JSON."""
        return self.request("POST", path, json, **kwargs)

    def put(self, path, json=None, **kwargs):
        """PUT JSON."""
        return self.request("PUT", path, json, **kwargs)

    def delete(self, path, **kwargs):
        """DELETE a path."""
        return self.request("DELETE", path, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        """Sign in through the API and keep the new CSRF token."""
        response = self.post("/api/v1/auth/login", {"email": email, "password": password})
        if response.status_code == 200:
            self.token = response.get_json()["csrf_token"]
        return response


@pytest.fixture
def api(client):
    """Return a JSON API client (not signed in)."""
    return Api(client)


@pytest.fixture
def make_user(app):
    """Return a factory that creates users directly through the service."""

    def make(email: str | None = None, timezone: str = "America/Chicago", region: str = "US"):
        """Create a user and return its plain attributes (the row outlives no session)."""
        with app.app_context():
            user = register_user(
                email or f"{uuid.uuid4().hex[:8]}@example.com", PASSWORD, timezone, region
            )
            db.session.commit()  # services never commit: the caller's unit of work does
            return SimpleNamespace(id=user.id, email=user.email, timezone=timezone, region=region)

    return make


@pytest.fixture
def user(make_user):
    """Return a user in Chicago with US crisis resources."""
    return make_user("sam@example.com")


@pytest.fixture
def auth_api(api, user):
    """Return an API client signed in as `user`."""
    assert api.login(user.email).status_code == 200
    return api


@pytest.fixture
def other_api(app, make_user):
    """Return an API client signed in as a second user."""
    other = make_user("alex@example.com")
    client = Api(app.test_client())
    assert client.login(other.email).status_code == 200
    return client


@pytest.fixture
def logged_in(client, auth_api):
    """Return the test client signed in as `user` (HTML pages share the session)."""
    return client


def new_id() -> str:
    """Return a fresh client id."""
    return str(uuid.uuid4())


def csrf_from(html: str) -> str:
    """Pull the CSRF token out of a rendered form."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
