"""Server-side sessions: a copied cookie stops working once its session ends on the server."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from journal.accounts import clock
from journal.accounts.models import LoginSession
from journal.extensions import db
from tests.conftest import PASSWORD, Api, csrf_from


def copy_of(api: Api, app) -> Api:
    """Return a second client carrying a copy of api's session cookie (a stolen cookie)."""
    thief = Api(app.test_client())
    cookie = api.client.get_cookie("session")
    thief.client.set_cookie("session", cookie.value)
    return thief


def reads_data(api: Api) -> bool:
    """Tell whether a client can read the journal (the export the audit used)."""
    return api.get("/export/data.json").status_code == 200


def test_the_cookie_holds_a_session_id_the_table_only_its_hash(auth_api, app):
    """The table stores a SHA-256, not the id the cookie carries."""
    with auth_api.client.session_transaction() as session:
        token = session["sid"]
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    with app.app_context():
        stored = db.session.scalars(select(LoginSession.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_copied_cookie_is_refused_after_sign_out(auth_api, app):
    """Signing out ends the session on the server: a copy of the cookie reads nothing."""
    thief = copy_of(auth_api, app)
    assert reads_data(thief)
    assert auth_api.post("/api/v1/auth/logout").status_code == 204
    assert not reads_data(thief)
    assert thief.get("/api/v1/me").status_code == 401


def test_copied_cookie_is_refused_after_html_sign_out(auth_api, app):
    """The sign-out button ends the server session too."""
    thief = copy_of(auth_api, app)
    page = auth_api.client.get("/settings/").get_data(as_text=True)
    auth_api.client.post("/auth/logout", data={"csrf_token": csrf_from(page)})
    assert not reads_data(thief)


def test_copied_cookie_is_refused_after_end_all_sessions(auth_api, app, user):
    """'Sign out every other device' from a second sign-in ends the copied one."""
    thief = copy_of(auth_api, app)
    phone = Api(app.test_client())
    assert phone.login(user.email).status_code == 200
    assert phone.delete("/api/v1/auth/sessions").status_code == 204
    assert not reads_data(thief) and not reads_data(auth_api)
    assert reads_data(phone)


def test_copied_cookie_is_refused_after_a_password_change(auth_api, app, user):
    """A password change on another device ends every other session, the copy included."""
    thief = copy_of(auth_api, app)
    phone = Api(app.test_client())
    phone.login(user.email)
    body = {"current_password": PASSWORD, "new_password": "a fresh spring meadow"}
    assert phone.post("/api/v1/auth/password", body).status_code == 204
    assert not reads_data(thief)
    assert reads_data(phone)


@pytest.mark.parametrize(
    ("remember", "idle"), [(False, timedelta(hours=2)), (True, timedelta(days=14))]
)
def test_copied_cookie_is_refused_after_the_idle_limit(api, app, user, monkeypatch, remember, idle):
    """Unused past the idle limit, the session ends; used just before it, it lives on."""
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    api.post(
        "/api/v1/auth/login", {"email": user.email, "password": PASSWORD, "remember": remember}
    )
    thief = copy_of(api, app)
    monkeypatch.setattr(clock, "now", lambda: start + idle - timedelta(minutes=1))
    assert reads_data(thief)  # a use moves the idle limit on
    later = start + 2 * idle - timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later + timedelta(minutes=2))
    assert not reads_data(thief)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_the_absolute_limit_ends_even_a_busy_session(auth_api, app, monkeypatch):
    """Used every hour, a one-visit session still ends 12 hours after sign-in."""
    start = clock.now()
    for hour in range(1, 12):
        monkeypatch.setattr(clock, "now", lambda hour=hour: start + timedelta(hours=hour))
        assert reads_data(auth_api)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=12, minutes=1))
    assert not reads_data(auth_api)


def test_last_used_is_written_at_most_once_a_minute(auth_api, app, monkeypatch):
    """Reads within a minute do not write; the first after a minute does."""
    start = clock.now()

    def last_used():
        """Return the session's stored last use."""
        with app.app_context():
            return db.session.scalars(select(LoginSession.last_used_at)).one()

    first = last_used()
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=50))
    auth_api.get("/api/v1/me")
    assert last_used() == first
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=70))
    auth_api.get("/api/v1/me")
    assert last_used() > first


def test_sign_in_gives_a_new_session_and_csrf_token(api, user):
    """The CSRF token and session id from before sign-in do not survive it."""
    before = api.csrf()
    with api.client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = api.login(user.email)
    after = response.get_json()["csrf_token"]
    assert after != before
    with api.client.session_transaction() as session:
        assert "planted" not in session and session["sid"]
    # The old token no longer passes CSRF.
    refused = api.post("/api/v1/auth/sessions", headers={"X-CSRFToken": before})
    assert refused.status_code in (400, 405)


def test_sessions_are_listed_and_one_can_be_ended(auth_api, app, user):
    """The list shows each device; ending one by id signs that one out."""
    phone = Api(app.test_client())
    android = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/140.0"}
    body = {"email": user.email, "password": PASSWORD}
    assert phone.post("/api/v1/auth/login", body, headers=android).status_code == 200
    items = auth_api.get("/api/v1/auth/sessions").get_json()["items"]
    assert len(items) == 2
    other = next(item for item in items if not item["current"])
    assert other["device"] == "Chrome on Android"
    assert auth_api.delete(f"/api/v1/auth/sessions/{other['id']}").status_code == 204
    assert phone.get("/api/v1/me").status_code == 401
    assert auth_api.get("/api/v1/me").status_code == 200


def test_another_persons_session_is_not_found(auth_api, other_api):
    """A session id of another account is a 404 and stays signed in."""
    theirs = other_api.get("/api/v1/auth/sessions").get_json()["items"][0]["id"]
    assert auth_api.delete(f"/api/v1/auth/sessions/{theirs}").status_code == 404
    assert other_api.get("/api/v1/me").status_code == 200


def test_remember_sets_a_lasting_cookie_and_not_remembering_a_browser_session_one(api, user):
    """'Keep me signed in' gives a cookie with an expiry; otherwise it ends with the browser."""
    kept = api.post(
        "/api/v1/auth/login", {"email": user.email, "password": PASSWORD, "remember": True}
    )
    assert "Expires=" in kept.headers["Set-Cookie"]
    api.post("/api/v1/auth/logout")
    api.token = None  # sign-out ends the session its token was bound to
    once = api.post("/api/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert once.status_code == 200
    assert "Expires=" not in once.headers["Set-Cookie"]


def test_html_sign_in_with_keep_me_signed_in(client, app, user):
    """The sign-in page's checkbox makes a remembered session."""
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Keep me signed in on this device" in page
    client.post(
        "/auth/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": csrf_from(page),
        },
    )
    with app.app_context():
        assert db.session.scalars(select(LoginSession.remember)).one() is True


def test_https_uses_a_host_prefixed_cookie_and_hsts(app, user):
    """Over https the cookie is __Host-session (Secure, Path=/, no Domain) and HSTS is sent."""
    client = app.test_client()
    base = "https://localhost"
    token = client.get(f"{base}/api/v1/csrf").get_json()["csrf_token"]
    response = client.post(
        f"{base}/api/v1/auth/login",
        json={"email": user.email, "password": PASSWORD},
        headers={"X-CSRFToken": token, "Referer": f"{base}/"},
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert client.get(f"{base}/api/v1/me").status_code == 200
    assert "Strict-Transport-Security" not in app.test_client().get("/auth/login").headers


def test_signing_in_clears_the_users_expired_sessions(api, app, user, monkeypatch):
    """Abandoned sessions do not pile up: the next sign-in removes the expired ones."""
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    Api(app.test_client()).login(user.email)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=3))
    api.login(user.email)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1


def test_lifetimes_come_from_the_environment(monkeypatch):
    """Self-hosters set the four lifetimes in the environment; the kept cookie follows."""
    from journal import config

    monkeypatch.setenv("JOURNAL_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("JOURNAL_REMEMBER_MAX_DAYS", "7")
    found = config.from_environment()
    assert found["JOURNAL_SESSION_IDLE"] == timedelta(minutes=30)
    assert (
        found["JOURNAL_REMEMBER_ABSOLUTE"]
        == found["PERMANENT_SESSION_LIFETIME"]
        == timedelta(days=7)
    )
