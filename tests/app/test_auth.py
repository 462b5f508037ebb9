"""Registration, sign-in, sign-out and the login rate limit, over the API and the pages."""

import pytest
from sqlalchemy import select

from journal.accounts import passwords
from journal.extensions import db
from journal.models import User
from tests.conftest import PASSWORD, csrf_from


def register_body(**overrides) -> dict:
    """Return a valid registration body."""
    return {
        "email": "New@Example.com",
        "password": PASSWORD,
        "timezone": "Europe/London",
        **overrides,
    }


def test_register_creates_account_and_signs_in(api, app):
    """Register returns 201 with the user and a CSRF token, and the session is signed in."""
    response = api.post("/api/v1/auth/register", register_body())
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["email"] == "new@example.com"
    assert body["user"]["timezone"] == "Europe/London"
    assert body["csrf_token"]
    assert api.get("/api/v1/me").get_json()["email"] == "new@example.com"


def test_password_is_stored_as_argon2id_hash(api, app):
    """The password is hashed with argon2id, never stored as given."""
    api.post("/api/v1/auth/register", register_body())
    with app.app_context():
        stored = db.session.scalars(select(User)).one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 129}, "password"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"region": "XX"}, "region"),
    ],
)
def test_register_refuses_bad_fields(api, overrides, field):
    """Each bad field gets a 422 naming it."""
    response = api.post("/api/v1/auth/register", register_body(**overrides))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_register_refuses_missing_fields(api):
    """A body without required fields names each of them."""
    response = api.post("/api/v1/auth/register", {})
    assert response.status_code == 422
    assert {"email", "password", "timezone"} <= set(response.get_json()["error"]["fields"])


def test_register_refuses_taken_email_any_case(api, user):
    """An email already registered (in any case) is refused."""
    response = api.post("/api/v1/auth/register", register_body(email="SAM@example.com"))
    assert response.status_code == 422
    assert "email" in response.get_json()["error"]["fields"]


def test_login_and_logout(api, user):
    """Sign in gives the user and a token; sign out ends the session."""
    response = api.login(user.email)
    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == user.email
    assert api.delete is not None
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert api.get("/api/v1/me").status_code == 401


def test_login_bad_password_is_401(api, user):
    """A wrong password is 401 with the shared error shape."""
    response = api.login(user.email, "wrong password")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_credentials"


def test_login_unknown_email_is_401(api):
    """An unknown email gets the same answer as a wrong password."""
    response = api.login("nobody@example.com")
    assert response.status_code == 401


def test_me_is_401_when_anonymous(api):
    """Anonymous /me is 401 JSON."""
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_me_returns_today_in_user_zone(auth_api, user):
    """/me has the user's zone, a CSRF token and today's local date."""
    body = auth_api.get("/api/v1/me").get_json()
    assert body["timezone"] == "America/Chicago"
    assert body["csrf_token"] and body["today"]


def test_failed_logins_are_rate_limited(api, user):
    """After 10 failed sign-ins the 11th is 429 with a clear message, even with the right one."""
    for _ in range(10):
        assert api.login(user.email, "wrong password").status_code == 401
    response = api.login(user.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_json()["error"]["message"]


def test_successful_logins_do_not_use_up_the_limit(api, user):
    """Only failures count toward the limit."""
    for _ in range(12):
        assert api.login(user.email).status_code == 200


def test_html_and_api_logins_share_the_limit(client, api, user):
    """Failures on the sign-in page count toward the API's limit too."""
    for _ in range(10):
        page = client.get("/auth/login").get_data(as_text=True)
        client.post(
            "/auth/login",
            data={"email": user.email, "password": "nope", "csrf_token": csrf_from(page)},
        )
    assert api.login(user.email).status_code == 429


def test_register_page_creates_account(client):
    """The registration form signs the new user in and lands on today."""
    page = client.get("/auth/register").get_data(as_text=True)
    response = client.post(
        "/auth/register",
        data={
            "email": "page@example.com",
            "password": PASSWORD,
            "timezone": "Asia/Tokyo",
            "region": "AU",
            "csrf_token": csrf_from(page),
        },
    )
    assert response.status_code == 302 and response.location == "/"
    assert "Daily check-in" in client.get("/").get_data(as_text=True)


def test_register_page_shows_field_errors(client):
    """A bad time zone comes back as a 422 page with the message next to the field."""
    page = client.get("/auth/register").get_data(as_text=True)
    response = client.post(
        "/auth/register",
        data={
            "email": "page@example.com",
            "password": PASSWORD,
            "timezone": "Nowhere/Land",
            "region": "US",
            "csrf_token": csrf_from(page),
        },
    )
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)


def test_login_page_signs_in_and_follows_safe_next(client, user):
    """The sign-in page goes to a same-site next path."""
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        "/auth/login?next=/checkins/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 302 and response.location == "/checkins/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_login_page_ignores_offsite_next(client, user, target):
    """An off-site next is ignored (no open redirect)."""
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        f"/auth/login?next={target}",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page)},
    )
    assert response.location == "/"


def test_login_page_wrong_password_is_401_with_message(client, user):
    """A wrong password re-renders the form with a message."""
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": "nope", "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)


def test_logout_page_needs_post_and_csrf(logged_in):
    """Sign-out is a POST with a CSRF token; GET is not allowed."""
    assert logged_in.get("/auth/logout").status_code == 405
    assert logged_in.post("/auth/logout").status_code == 400
    page = logged_in.get("/").get_data(as_text=True)
    response = logged_in.post("/auth/logout", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert logged_in.get("/checkins/").status_code == 302


def test_signed_in_user_skips_login_and_register_pages(logged_in):
    """A signed-in user is sent home from the sign-in and register pages."""
    assert logged_in.get("/auth/login").location == "/"
    assert logged_in.get("/auth/register").location == "/"


@pytest.mark.parametrize("email", ["known", "unknown"])
def test_a_sign_in_waiting_for_its_hash_holds_no_database_transaction(
    api, user, monkeypatch, email
):
    """Sign-ins queue for the hash pool: none of them may keep a pooled connection meanwhile."""
    seen = []

    def check(stored, password):
        seen.append(db.session().in_transaction())
        return stored == "never"

    monkeypatch.setattr(passwords, "verify", check)
    address = user.email if email == "known" else "nobody@example.com"
    assert api.login(address).status_code == 401
    assert seen == [False]
