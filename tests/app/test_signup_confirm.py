"""With mail set up, sign-up is confirmed by e-mail and never says whether an address is taken."""

import re

from sqlalchemy import func, select

from journal.accounts import signup
from journal.accounts.models import PendingSignup
from journal.accounts.sessions import token_hash
from journal.extensions import db
from journal.models import User
from tests.app.test_password_reset import BASE_URL, app, inbox, wait_for  # noqa: F401
from tests.conftest import PASSWORD, Api, csrf_from

BODY = {"password": "a fresh spring meadow", "timezone": "Europe/London"}


def sign_up(app, email: str):  # noqa: F811
    """Send a sign-up from a fresh client; return the response."""
    return Api(app.test_client()).post("/api/v1/auth/register", {"email": email, **BODY})


def link_in(message) -> str | None:
    """Return the confirmation link's path in a message, if any."""
    body = message.get_payload(decode=True).decode()
    found = re.search(rf"{re.escape(BASE_URL)}(/auth/confirm/\S+)", body)
    return found.group(1) if found else None


def count(app, model) -> int:  # noqa: F811
    """Count the rows of a table."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_taken_and_a_free_address_get_the_same_answer(app, user, inbox):  # noqa: F811
    """Both 202 with the same body; the e-mail tells the owner which case it was."""
    taken = sign_up(app, user.email.upper())
    free = sign_up(app, "new@example.com")
    assert (taken.status_code, taken.data) == (free.status_code, free.data)
    assert taken.status_code == 202 and taken.get_json() == {"status": "check_email"}
    messages = {m["To"]: m for m in wait_for(inbox, 2)}
    assert link_in(messages[user.email]) is None
    assert "already has" in messages[user.email].get_payload(decode=True).decode()
    assert link_in(messages["new@example.com"])
    # Nothing changed for the existing account; no account exists yet for the new address.
    assert Api(app.test_client()).login(user.email).status_code == 200
    # Both wrote a pending row (the same work either way); the taken address's is a decoy.
    assert count(app, User) == 1 and count(app, PendingSignup) == 2


def test_a_taken_address_decoy_row_never_becomes_an_account(app, user, inbox):  # noqa: F811
    """The decoy keeps no password hash and its token, even if known, finishes nothing."""
    with app.app_context():
        address, token = signup.start(user.email, BODY["password"], "Europe/London", None)
        assert token is None
        decoy = db.session.scalar(select(PendingSignup))
        assert decoy.email == user.email and decoy.password_hash == signup.DECOY_HASH
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
        # With the account gone, a row keeping a hash of what was typed must still not open.
        decoy.token_hash = token_hash("x" * 43)
        db.session.commit()
        assert signup.finish("x" * 43) is None
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_the_link_creates_the_account_once(app, inbox):  # noqa: F811
    """Opening the link shows a button; pressing it creates the account and signs in."""
    sign_up(app, "new@example.com")
    path = link_in(wait_for(inbox)[0])
    browser = app.test_client()
    page = browser.get(path)
    assert (
        page.status_code == 200 and count(app, User) == 0
    )  # a mail scanner's visit creates nothing
    done = browser.post(path, data={"csrf_token": csrf_from(page.text)})
    assert done.status_code == 302
    assert browser.get("/api/v1/me").get_json()["email"] == "new@example.com"
    assert count(app, PendingSignup) == 0
    again = app.test_client()
    form = again.get(path).get_data(as_text=True)
    assert again.post(path, data={"csrf_token": csrf_from(form)}).status_code == 404
    assert Api(app.test_client()).login("new@example.com", BODY["password"]).status_code == 200


def test_field_errors_still_come_back(app):  # noqa: F811
    """A weak password is a 422 naming it, as before (it says nothing about the address)."""
    response = Api(app.test_client()).post(
        "/api/v1/auth/register", {**BODY, "email": "new@example.com", "password": "password"}
    )
    assert response.status_code == 422 and "password" in response.get_json()["error"]["fields"]


def test_the_sign_up_page_says_check_your_email(app, user, inbox):  # noqa: F811
    """The HTML form answers the same page for a taken address."""
    browser = app.test_client()
    page = browser.get("/auth/register").get_data(as_text=True)
    data = {"email": user.email, "password": PASSWORD, "timezone": "UTC", "region": ""}
    sent = browser.post("/auth/register", data={**data, "csrf_token": csrf_from(page)})
    assert sent.status_code == 202 and "Check your e-mail" in sent.text
