"""Password reset by e-mail through a real SMTP server (aiosmtpd, started here), and the CLI."""

import re
import time
from datetime import timedelta

import pytest

from journal.accounts import clock
from tests.conftest import PASSWORD, Api, app_with_schema, csrf_from

BASE_URL = "https://journal.example.org"
NEW = "a fresh spring meadow"


@pytest.fixture
def app(smtp_server):
    """Create an app that sends mail to the test's SMTP server and builds links on BASE_URL."""
    config, _inbox = smtp_server
    yield from app_with_schema(**config, JOURNAL_BASE_URL=BASE_URL)


@pytest.fixture
def inbox(smtp_server):
    """Return the list the SMTP server puts received messages in."""
    return smtp_server[1].messages


def wait_for(inbox, count: int = 1, seconds: float = 5.0) -> list:
    """Wait until the background sender has delivered `count` messages (or fail)."""
    deadline = time.monotonic() + seconds
    while len(inbox) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(inbox) >= count, "no reset e-mail arrived"
    return inbox


def token_from(message) -> str:
    """Pull the reset token out of the e-mail's link."""
    body = message.get_payload(decode=True).decode()
    return re.search(rf"{re.escape(BASE_URL)}/auth/reset/(\S+)", body).group(1)


def request_reset(email: str, app) -> object:
    """Ask for a reset link from a fresh client; return the response."""
    return Api(app.test_client()).post("/api/v1/auth/reset-request", {"email": email})


def test_reset_request_sends_a_link_and_answers_202(app, user, inbox):
    """A known address gets a link built on JOURNAL_BASE_URL; the answer is 202."""
    response = request_reset(user.email, app)
    assert response.status_code == 202
    [message] = wait_for(inbox)
    assert message["To"] == user.email
    assert len(token_from(message)) >= 43


def test_unknown_address_gets_the_same_answer_and_no_mail(app, user, inbox):
    """No account: the same status and body, and nothing is sent."""
    known = request_reset(user.email, app)
    unknown = request_reset("nobody@example.com", app)
    assert (unknown.status_code, unknown.data) == (known.status_code, known.data)
    wait_for(inbox)
    time.sleep(0.2)  # give a wrong second message the chance to arrive
    assert [m["To"] for m in inbox] == [user.email]


def test_the_token_works_once_and_ends_every_session(app, user, inbox, auth_api):
    """Reset sets the password and signs out every device; the link then stops working."""
    request_reset(user.email, app)
    token = token_from(wait_for(inbox)[0])
    anonymous = Api(app.test_client())
    assert (
        anonymous.post("/api/v1/auth/reset", {"token": token, "new_password": NEW}).status_code
        == 204
    )
    assert auth_api.get("/api/v1/me").status_code == 401
    again = anonymous.post(
        "/api/v1/auth/reset", {"token": token, "new_password": "another new phrase"}
    )
    assert again.status_code == 422
    assert Api(app.test_client()).login(user.email, NEW).status_code == 200
    assert Api(app.test_client()).login(user.email, PASSWORD).status_code == 401


def test_the_token_expires_after_an_hour(app, user, inbox, monkeypatch):
    """An hour later the link is refused (time moved, not slept)."""
    request_reset(user.email, app)
    token = token_from(wait_for(inbox)[0])
    later = clock.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = Api(app.test_client()).post(
        "/api/v1/auth/reset", {"token": token, "new_password": NEW}
    )
    assert response.status_code == 422
    assert "token" in response.get_json()["error"]["fields"]


def test_a_newer_link_replaces_the_older(app, user, inbox):
    """Only the latest link works."""
    request_reset(user.email, app)
    first = token_from(wait_for(inbox)[0])  # each is sent on its own thread: wait, then ask again
    request_reset(user.email, app)
    second = token_from(wait_for(inbox, 2)[1])
    api = Api(app.test_client())
    assert api.post("/api/v1/auth/reset", {"token": first, "new_password": NEW}).status_code == 422
    assert api.post("/api/v1/auth/reset", {"token": second, "new_password": NEW}).status_code == 204


def test_a_weak_new_password_is_refused(app, user, inbox):
    """The reset applies the same strength rule."""
    request_reset(user.email, app)
    token = token_from(wait_for(inbox)[0])
    response = Api(app.test_client()).post(
        "/api/v1/auth/reset", {"token": token, "new_password": "12345678"}
    )
    assert response.status_code == 422
    assert "too easy to guess" in response.get_json()["error"]["fields"]["new_password"]


def test_reset_e_mails_per_account_are_limited(app, user, inbox):
    """Three e-mails an hour per account; more requests still answer 202 but send nothing."""
    statuses = [request_reset(user.email, app).status_code for _ in range(5)]
    assert statuses == [202] * 5
    wait_for(inbox, 3)
    time.sleep(0.2)
    assert len(inbox) == 3


def test_the_reset_pages(app, user, inbox, client):
    """Forgot page -> same 'check your e-mail' page; the link's page sets the password."""
    page = client.get("/auth/forgot").get_data(as_text=True)
    sent = client.post("/auth/forgot", data={"email": user.email, "csrf_token": csrf_from(page)})
    assert sent.status_code == 202 and "Check your e-mail" in sent.text
    token = token_from(wait_for(inbox)[0])
    form = client.get(f"/auth/reset/{token}")
    assert form.status_code == 200 and "Choose a new password" in form.text
    done = client.post(
        f"/auth/reset/{token}", data={"new_password": NEW, "csrf_token": csrf_from(form.text)}
    )
    assert done.status_code == 302
    assert client.get(f"/auth/reset/{token}").status_code == 404
    assert "Forgot your password?" in client.get("/auth/login").text


def test_cli_reset_password_sets_it_and_ends_sessions(app, user, auth_api):
    """`flask reset-password EMAIL` for self-hosters without mail."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-password", user.email, "--password", NEW])
    assert result.exit_code == 0, result.output
    assert auth_api.get("/api/v1/me").status_code == 401
    assert Api(app.test_client()).login(user.email, NEW).status_code == 200
    weak = runner.invoke(args=["reset-password", user.email, "--password", "password"])
    assert weak.exit_code != 0 and "too easy" in weak.output
    missing = runner.invoke(args=["reset-password", "nobody@example.com", "--password", NEW])
    assert missing.exit_code != 0


def test_requests_for_unknown_addresses_are_logged_without_a_user(app, inbox):
    """An unknown address leaves a user-less log row, the same write a known one makes."""
    from sqlalchemy import select

    from journal.accounts.models import SecurityEvent
    from journal.extensions import db

    assert request_reset("nobody@example.com", app).status_code == 202
    with app.app_context():
        rows = db.session.execute(select(SecurityEvent.kind, SecurityEvent.user_id)).all()
    assert [tuple(row) for row in rows] == [("password_reset_requested", None)]
