"""Account actions (password, e-mail, deletion), the security log and the cache headers."""

import json
import logging
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from journal.accounts import clock
from journal.accounts.models import SecurityEvent
from journal.extensions import db
from journal.models import ShareOpen, User
from tests.conftest import PASSWORD, Api, csrf_from, new_id

NEW = "a fresh spring meadow"


def kinds(app, user_id) -> list[str]:
    """Return the user's logged event kinds, oldest first."""
    with app.app_context():
        query = select(SecurityEvent.kind).where(SecurityEvent.user_id == user_id)
        return list(db.session.scalars(query.order_by(SecurityEvent.id)))


def test_change_password_needs_the_current_one(auth_api, user):
    """A wrong current password is 403; a weak new one is 422; both leave the password."""
    wrong = auth_api.post(
        "/api/v1/auth/password", {"current_password": "not mine at all", "new_password": NEW}
    )
    assert wrong.status_code == 403
    assert "current_password" in wrong.get_json()["error"]["fields"]
    weak = auth_api.post(
        "/api/v1/auth/password", {"current_password": PASSWORD, "new_password": "password"}
    )
    assert weak.status_code == 422 and "new_password" in weak.get_json()["error"]["fields"]
    assert Api(auth_api.client.application.test_client()).login(user.email).status_code == 200


def test_change_password_keeps_this_session_and_the_new_password_works(auth_api, app, user):
    """This device stays signed in; the new password signs in, the old does not."""
    body = {"current_password": PASSWORD, "new_password": NEW}
    assert auth_api.post("/api/v1/auth/password", body).status_code == 204
    assert auth_api.get("/api/v1/me").status_code == 200
    assert Api(app.test_client()).login(user.email, NEW).status_code == 200
    assert Api(app.test_client()).login(user.email, PASSWORD).status_code == 401
    assert "password_changed" in kinds(app, user.id)


def test_change_password_page(logged_in, app, user):
    """The settings page changes the password and says the other devices are signed out."""
    page = logged_in.get("/settings/account/password").get_data(as_text=True)
    response = logged_in.post(
        "/settings/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "csrf_token": csrf_from(page)},
        follow_redirects=True,
    )
    assert "Password changed" in response.text
    bad = logged_in.post(
        "/settings/account/password",
        data={"current_password": "wrong one!", "new_password": NEW, "csrf_token": csrf_from(page)},
    )
    assert bad.status_code == 403 and "Not your password." in bad.text


def test_change_email_needs_the_password_and_a_free_address(auth_api, other_api, app, user):
    """Wrong password 403, taken address 422, then the new address signs in."""
    assert (
        auth_api.post(
            "/api/v1/auth/email", {"email": "x@example.com", "password": "nope"}
        ).status_code
        == 403
    )
    taken = auth_api.post("/api/v1/auth/email", {"email": "ALEX@example.com", "password": PASSWORD})
    assert taken.status_code == 422
    done = auth_api.post(
        "/api/v1/auth/email", {"email": "Sam.New@Example.com", "password": PASSWORD}
    )
    assert done.status_code == 200 and done.get_json() == {"email": "sam.new@example.com"}
    assert Api(app.test_client()).login("sam.new@example.com").status_code == 200
    assert "email_changed" in kinds(app, user.id)


def fill_account(api: Api) -> None:
    """Give an account one of everything: records, a share link and its opening, sessions."""
    checkin = {"instrument": "phq9", "local_date": "2026-11-02", "answers": [1] * 9}
    assert api.put(f"/api/v1/checkins/{new_id()}", checkin).status_code in (200, 201)
    session = {"started_at": "2026-11-01T10:00:00-06:00", "route": "iv", "notes": "x"}
    assert api.put(f"/api/v1/treatments/{new_id()}", session).status_code in (200, 201)
    reflection = {"local_date": "2026-11-03", "text": "private words"}
    assert api.put(f"/api/v1/reflections/{new_id()}", reflection).status_code in (200, 201)
    share = api.post("/api/v1/shares", {"from": "2026-10-01", "to": "2026-11-30"})
    assert share.status_code == 201
    assert api.client.application.test_client().get(share.get_json()["url"]).status_code == 200


def rows_of(app, user_id: int) -> dict[str, int]:
    """Count the user's rows in every table with a user_id (and share_opens through links)."""
    counts = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if "user_id" in table.c:
                query = select(func.count()).select_from(table).where(table.c.user_id == user_id)
                counts[table.name] = db.session.scalar(query)
        counts["users"] = db.session.scalar(
            select(func.count()).select_from(User).where(User.id == user_id)
        )
    return counts


def test_delete_account_removes_every_row_of_the_user_and_only_theirs(
    auth_api, other_api, app, user
):
    """After deletion no table holds a row of the user; the other person's rows all remain."""
    fill_account(auth_api)
    fill_account(other_api)
    with app.app_context():
        other_id = db.session.scalar(select(User.id).where(User.email == "alex@example.com"))
    before_other = rows_of(app, other_id)
    mine = rows_of(app, user.id)
    # Every table with a user_id in the metadata is covered, including ones other areas add.
    with app.app_context():
        expected = {t.name for t in db.metadata.sorted_tables if "user_id" in t.c} | {"users"}
    assert set(mine) == expected
    assert all(mine[name] > 0 for name in ("checkins", "treatment_sessions", "reflections"))
    assert mine["share_links"] and mine["login_sessions"] and mine["security_events"]

    assert auth_api.delete("/api/v1/me", json={"password": "wrong password"}).status_code == 403
    assert auth_api.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204

    assert all(count == 0 for count in rows_of(app, user.id).values()), rows_of(app, user.id)
    assert rows_of(app, other_id) == before_other
    with app.app_context():
        # share_opens has no user_id: only the other person's opening is left.
        assert db.session.scalar(select(func.count()).select_from(ShareOpen)) == 1
    assert auth_api.get("/api/v1/me").status_code == 401
    assert Api(app.test_client()).login(user.email).status_code == 401


def test_delete_page_offers_the_export_and_needs_the_password(logged_in, app, user):
    """The page links to the export; a wrong password keeps everything."""
    page = logged_in.get("/settings/account/delete").get_data(as_text=True)
    assert 'href="/export/"' in page
    wrong = logged_in.post(
        "/settings/account/delete", data={"password": "wrong", "csrf_token": csrf_from(page)}
    )
    assert wrong.status_code == 403
    done = logged_in.post(
        "/settings/account/delete", data={"password": PASSWORD, "csrf_token": csrf_from(page)}
    )
    assert done.status_code == 302
    assert rows_of(app, user.id)["users"] == 0


def test_the_security_log_records_and_shows_account_activity(auth_api, app, user, caplog):
    """Sign-in, failures, exports, shares and sign-out are stored and shown, and logged as JSON."""
    caplog.set_level(logging.INFO, logger="journal.security")
    Api(app.test_client()).login(user.email, "wrong password")
    Api(app.test_client()).login("nobody@example.com", "wrong password")
    assert auth_api.get("/export/data.json").status_code == 200
    share = auth_api.post("/api/v1/shares", {"from": "2026-10-01", "to": "2026-11-30"}).get_json()
    app.test_client().get(share["url"])
    auth_api.delete(f"/api/v1/shares/{share['id']}")
    logged = kinds(app, user.id)
    assert logged == [
        "signin",
        "signin_failed",
        "export",
        "share_created",
        "share_opened",
        "share_revoked",
    ]
    with app.app_context():
        anonymous = db.session.scalars(
            select(SecurityEvent.kind).where(SecurityEvent.user_id.is_(None))
        ).all()
    assert anonymous == ["signin_failed"]
    page = auth_api.get("/settings/account/activity").get_data(as_text=True)
    assert "Account activity" in page and "Share link opened" in page and "Data exported" in page
    api_items = auth_api.get("/api/v1/auth/activity").get_json()["items"]
    assert api_items[0]["kind"] == "share_revoked"
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "journal.security"]
    assert {"event", "user_id", "ip", "user_agent", "at"} <= set(lines[0])
    assert [line["event"] for line in lines][:2] == ["signin_failed", "signin_failed"]
    auth_api.post("/api/v1/auth/logout")
    assert kinds(app, user.id)[-1] == "signout"


def test_a_sign_in_forgets_activity_older_than_a_year(app, user, make_user, monkeypatch):
    """Addresses and devices are kept a year: older rows of this account and of no account go."""
    other = make_user("alex@example.com")
    start = clock.now()
    Api(app.test_client()).login(user.email, "wrong password")
    Api(app.test_client()).login("nobody@example.com", "wrong password")
    Api(app.test_client()).login(other.email, "wrong password")
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(days=364))
    Api(app.test_client()).login(user.email, PASSWORD)
    assert kinds(app, user.id) == ["signin_failed", "signin"]  # still inside the year
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(days=366))
    Api(app.test_client()).login(user.email, PASSWORD)
    assert kinds(app, user.id) == ["signin", "signin"]
    assert kinds(app, other.id) == ["signin_failed"]  # only at that person's own sign-in
    with app.app_context():
        query = select(func.count()).where(SecurityEvent.user_id.is_(None))
        assert db.session.scalar(query) == 0


def test_the_log_holds_no_health_data(auth_api, app, user, caplog):
    """Writing a note leaves no trace of it in the security log."""
    caplog.set_level(logging.INFO, logger="journal.security")
    marker = f"marker-{uuid.uuid4().hex}"
    reflection = {"local_date": "2026-11-03", "text": marker}
    auth_api.put(f"/api/v1/reflections/{new_id()}", reflection)
    auth_api.get("/export/data.json")
    assert marker not in caplog.text


def test_sessions_page_lists_and_ends_devices(logged_in, app, user):
    """The account page lists this and another device; ending the other signs it out."""
    phone = Api(app.test_client())
    phone.login(user.email)
    page = logged_in.get("/settings/account")
    assert page.status_code == 200 and "this device" in page.text
    ended = logged_in.post(
        "/settings/account/sessions/end-others",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert "Signed out 1 other device." in ended.text
    assert phone.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "path", ["/", "/settings/", "/settings/account", "/export/", "/api/v1/me", "/api/v1/checkins"]
)
def test_signed_in_pages_and_api_are_not_stored(logged_in, path):
    """Signed-in pages and API answers carry Cache-Control: no-store and a Permissions-Policy."""
    response = logged_in.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_static_files_stay_cacheable(logged_in):
    """The worker script and static files keep their own caching."""
    for path in ("/sw.js", "/static/css/app.css"):
        with logged_in.get(path) as response:
            assert "no-store" not in response.headers.get("Cache-Control", "")


def test_anonymous_api_and_auth_pages_are_not_stored(client):
    """The CSRF token and the sign-in page are never cached either."""
    assert client.get("/api/v1/csrf").headers["Cache-Control"] == "no-store"
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
