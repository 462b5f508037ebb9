"""Optional two-step sign-in: authenticator codes (pyotp), single use, and recovery codes."""

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select, text

from journal.accounts import clock
from journal.accounts.models import RecoveryCode, SecurityEvent, TotpCredential
from journal.extensions import db
from tests.conftest import PASSWORD, Api, csrf_from


def turn_on(logged_in, monkeypatch) -> tuple[pyotp.TOTP, list[str]]:
    """Scan (read the key off the page), confirm a code; return the app and the recovery codes."""
    page = logged_in.get("/settings/account/two-step").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    app = pyotp.TOTP(secret)
    wrong = logged_in.post(
        "/settings/account/two-step", data={"code": "000000", "csrf_token": csrf_from(page)}
    )
    assert wrong.status_code == 422
    done = logged_in.post(
        "/settings/account/two-step", data={"code": app.now(), "csrf_token": csrf_from(page)}
    )
    assert done.status_code == 201
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.text)
    assert len(codes) == 10
    # Later steps of the test sign in at the next 30-second step (a code works only once).
    later = clock.now() + timedelta(seconds=30)
    monkeypatch.setattr(clock, "now", lambda: later)
    return app, codes


def code_at(app: pyotp.TOTP) -> str:
    """Return the app's code for the test's clock."""
    return app.at(clock.now())


def test_secrets_and_codes_are_stored_as_expected(logged_in, app, user, monkeypatch):
    """One credential per user, its secret encrypted at rest; recovery codes only as hashes."""
    totp, codes = turn_on(logged_in, monkeypatch)
    with app.app_context():
        assert db.session.scalar(select(TotpCredential.user_id)) == user.id
        raw = db.session.execute(text("SELECT secret FROM totp_credentials")).scalar_one()
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert raw.startswith("enc1:") and totp.secret not in raw
    assert len(stored) == 10 and not set(codes) & set(stored)


def test_api_sign_in_needs_the_code_once_on(logged_in, app, user, monkeypatch):
    """Password alone: 401 otp_required; a wrong code 401; the right one signs in, once."""
    totp, _codes = turn_on(logged_in, monkeypatch)
    api = Api(app.test_client())
    needs = api.login(user.email)
    assert needs.status_code == 401 and needs.get_json()["error"]["code"] == "otp_required"
    body = {"email": user.email, "password": PASSWORD}
    assert api.post("/api/v1/auth/login", {**body, "otp": "123456"}).status_code == 401
    code = code_at(totp)
    assert api.post("/api/v1/auth/login", {**body, "otp": code}).status_code == 200
    replay = Api(app.test_client())
    assert replay.post("/api/v1/auth/login", {**body, "otp": code}).status_code == 401


def test_a_recovery_code_works_once(logged_in, app, user, monkeypatch):
    """Each recovery code signs in once instead of an app code."""
    _totp, codes = turn_on(logged_in, monkeypatch)
    body = {"email": user.email, "password": PASSWORD, "otp": codes[0]}
    assert Api(app.test_client()).post("/api/v1/auth/login", body).status_code == 200
    assert Api(app.test_client()).post("/api/v1/auth/login", body).status_code == 401


def test_html_sign_in_asks_for_the_second_step(logged_in, app, user, monkeypatch):
    """The sign-in page sends to /auth/two-step; only the code finishes signing in."""
    totp, _codes = turn_on(logged_in, monkeypatch)
    browser = app.test_client()
    page = browser.get("/auth/login").get_data(as_text=True)
    step = browser.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page)},
    )
    assert step.status_code == 302 and "/auth/two-step" in step.headers["Location"]
    assert browser.get("/api/v1/me").status_code == 401  # not signed in yet
    form = browser.get("/auth/two-step").get_data(as_text=True)
    wrong = browser.post("/auth/two-step", data={"code": "999999", "csrf_token": csrf_from(form)})
    assert wrong.status_code == 401
    done = browser.post(
        "/auth/two-step", data={"code": code_at(totp), "csrf_token": csrf_from(form)}
    )
    assert done.status_code == 302
    assert browser.get("/api/v1/me").status_code == 200


def test_the_second_step_expires(logged_in, app, user, monkeypatch):
    """Without a recent password step the page is a 404, never a signed-in session."""
    assert app.test_client().get("/auth/two-step").status_code == 404


def test_turning_it_off_needs_the_password(logged_in, app, user, monkeypatch):
    """Off with the password; then the password alone signs in again."""
    turn_on(logged_in, monkeypatch)
    page = logged_in.get("/settings/account/two-step").get_data(as_text=True)
    assert "10 recovery codes left" in page
    wrong = logged_in.post(
        "/settings/account/two-step/off", data={"password": "nope", "csrf_token": csrf_from(page)}
    )
    assert wrong.status_code == 403
    logged_in.post(
        "/settings/account/two-step/off", data={"password": PASSWORD, "csrf_token": csrf_from(page)}
    )
    assert Api(app.test_client()).login(user.email).status_code == 200


def test_the_api_turns_it_on_with_a_code_and_off_with_the_password(
    auth_api, app, user, monkeypatch
):
    """Setup gives a key and QR; a wrong code is 422; a right one turns it on, once."""
    assert auth_api.get("/api/v1/auth/two-step").get_json() == {
        "enabled": False,
        "recovery_codes_left": 0,
    }
    assert auth_api.post("/api/v1/auth/two-step", {"code": "123456"}).status_code == 409
    setup = auth_api.post("/api/v1/auth/two-step/setup").get_json()
    assert setup["qr_svg"].startswith("data:image/svg+xml")
    assert f"secret={setup['secret']}" in setup["otpauth_uri"]
    authenticator = pyotp.TOTP(setup["secret"])
    wrong = auth_api.post("/api/v1/auth/two-step", {"code": "000000"})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["fields"] == {
        "code": "Not right."
    }
    done = auth_api.post("/api/v1/auth/two-step", {"code": authenticator.now()})
    assert done.status_code == 201 and len(done.get_json()["recovery_codes"]) == 10
    assert auth_api.get("/api/v1/auth/two-step").get_json()["enabled"] is True
    assert auth_api.post("/api/v1/auth/two-step/setup").status_code == 409
    assert Api(app.test_client()).login(user.email).status_code == 401  # the code is asked for
    refused = auth_api.delete("/api/v1/auth/two-step", json={"password": "not it"})
    assert refused.status_code == 403
    assert auth_api.delete("/api/v1/auth/two-step", json={"password": PASSWORD}).status_code == 204
    assert Api(app.test_client()).login(user.email).status_code == 200
    assert kinds_logged(app, user.id) >= {"two_step_enabled", "two_step_disabled"}


def test_a_setup_is_kept_only_in_its_own_session(auth_api, app, user):
    """A key made on one device cannot be confirmed from another session of the same account."""
    secret = auth_api.post("/api/v1/auth/two-step/setup").get_json()["secret"]
    other = Api(app.test_client())
    assert other.login(user.email).status_code == 200
    code = pyotp.TOTP(secret).now()
    assert other.post("/api/v1/auth/two-step", {"code": code}).status_code == 409
    assert auth_api.post("/api/v1/auth/two-step", {"code": code}).status_code == 201


def kinds_logged(app, user_id) -> set[str]:
    """Return the kinds of security event stored for the user."""
    with app.app_context():
        query = select(SecurityEvent.kind).where(SecurityEvent.user_id == user_id)
        return set(db.session.scalars(query))
