"""Behind a reverse proxy: which forwarded headers count, and where the instance folder is."""

import os

import pytest
from flask import request

from journal import config, create_app
from tests.conftest import PASSWORD, app_with_schema, test_config

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def proxies():
    """Return how many proxies the app trusts; tests parametrize it."""
    return 0


@pytest.fixture
def app(proxies):
    """Create an app trusting `proxies` proxies, with an empty schema (as conftest's app)."""
    for app in app_with_schema(JOURNAL_TRUSTED_PROXIES=proxies):
        app.add_url_rule("/test-remote-addr", "remote_addr", lambda: request.remote_addr)
        yield app


def login_through_proxy(client, email):
    """Sign in over plain http with the headers an https proxy adds; return the response."""
    token = client.get("/api/v1/csrf", headers=FORWARDED).get_json()["csrf_token"]
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={**FORWARDED, "X-CSRFToken": token, "Referer": "https://localhost/"},
    )


def test_forwarded_headers_are_ignored_by_default(client, user):
    """With no trusted proxy a client can claim neither https nor another address."""
    assert client.get("/test-remote-addr", headers=FORWARDED).text == "127.0.0.1"
    response = login_through_proxy(client, user.email)
    assert response.status_code == 200
    assert "Secure" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("proxies", [1])
def test_a_trusted_proxy_makes_the_request_https(client, user):
    """JOURNAL_TRUSTED_PROXIES=1 believes the proxy: Secure cookie, the client's own address."""
    assert client.get("/test-remote-addr", headers=FORWARDED).text == "203.0.113.7"
    response = login_through_proxy(client, user.email)
    assert response.status_code == 200
    assert "Secure" in response.headers["Set-Cookie"]


def test_trusted_proxies_and_instance_path_come_from_the_environment(monkeypatch, tmp_path):
    """JOURNAL_TRUSTED_PROXIES is a number; a relative JOURNAL_INSTANCE_PATH is made absolute."""
    monkeypatch.setenv("JOURNAL_TRUSTED_PROXIES", "2")
    monkeypatch.setenv("JOURNAL_INSTANCE_PATH", "instance-here")
    monkeypatch.chdir(tmp_path)
    assert config.from_environment()["JOURNAL_TRUSTED_PROXIES"] == 2
    app = create_app(test_config())
    assert app.instance_path == os.path.join(str(tmp_path), "instance-here")
    assert (tmp_path / "instance-here").is_dir()
