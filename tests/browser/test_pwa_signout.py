"""Sign-out clears the device (issue 19, item 5): on the device, from another device, or by an
expired session, the worker's cached private pages and chart data go; an entry still waiting
to be sent stays, and is sent only once the same account signs in again."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from journal.accounts.models import LoginSession
from journal.extensions import db
from journal.models import Reflection, User

from .harness import DESKTOP, create_sample_records, on_path, sign_out_button, signup
from .pwa_support import (
    cache_names,
    go_offline,
    pending_count,
    queued,
    saved_notice,
    sign_in,
    wait_for_empty_queue,
    wait_for_worker,
    wait_until,
    wait_until_warm,
)

READ_TEXT = "Felt far away, then calm."  # the sample reflection (harness.create_sample_records)
WAITING_TEXT = "Written while the server was down."
PRIVATE = r"mj-(pages|data)-"
NO_PRIVATE_CACHES = f"async () => !(await caches.keys()).some((n) => /^{PRIVATE}/.test(n))"
FLUSH_JS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const worker = navigator.serviceWorker.controller || registration.active;
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage({ type: 'FLUSH', force: true }, [channel.port2]);
  });
}"""


def private_caches(page: Page) -> list[str]:
    """Return the names of the worker's per-person page and data caches."""
    return [name for name in cache_names(page) if re.match(PRIVATE, name)]


def reflections(app, email: str) -> list[str]:
    """Return the texts of one user's reflections, read straight from the database."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        query = select(Reflection).where(Reflection.user_id == user.id)
        texts = sorted(reflection.text for reflection in db.session.scalars(query))
        db.session.remove()
        return texts


def read_a_reflection_and_leave_one_waiting(page: Page) -> tuple[str, str]:
    """Sign up, read a reflection (stored for offline use), and leave a new one unsent.

    Returns (email, path of the stored reflection page).
    """
    email = signup(page)
    wait_for_worker(page)
    reflection = create_sample_records(page)["reflection"]
    page.goto(reflection)
    expect(page.get_by_text(READ_TEXT)).to_be_visible()
    # The dashboard draws charts: its data is stored too.
    wait_until_warm(page, ("/", "/reflections/new", reflection))
    assert any(name.startswith("mj-data-") for name in private_caches(page))
    # The server is down for uploads: the new reflection waits on the device.
    page.context.route(
        "**/api/v1/reflections/*",
        lambda route: route.fulfill(
            status=503, json={"error": {"code": "down", "message": "Down"}}
        ),
    )
    page.goto("/reflections/new")
    page.get_by_label("Anything else").fill(WAITING_TEXT)
    page.get_by_role("button", name="Save reflection").click()
    expect(saved_notice(page)).to_contain_text("not answering")
    expect(pending_count(page)).to_have_attribute("data-pending-count", "1")
    page.context.unroute("**/api/v1/reflections/*")
    return email, reflection


def assert_cleared_but_waiting(page: Page, reflection: str) -> None:
    """The private caches are gone (an offline reload shows no reflection); the entry waits."""
    wait_until(page, NO_PRIVATE_CACHES)
    go_offline(page.context, page)
    page.goto(reflection)
    expect(page.locator("body")).not_to_contain_text(READ_TEXT)
    expect(page.locator("body")).to_contain_text("offline")
    page.context.set_offline(False)
    assert [intent["payload"].get("text") for intent in queued(page)] == [WAITING_TEXT]


def assert_sent_only_to_the_same_account(page: Page, app, email: str) -> None:
    """Another account signing in sends nothing; the same account's sign-in sends the entry."""
    other = signup(page)  # signs in as someone else on the same device
    result = page.evaluate(FLUSH_JS)
    assert result["done"] == [] and result["user"], result
    assert len(queued(page)) == 1, "another account's sign-in leaves the entry waiting"
    assert reflections(app, other) == []
    sign_out_button(page).click()  # nothing of theirs waits: no question asked
    page.wait_for_url(on_path("/auth/login"))
    assert len(queued(page)) == 1

    sign_in(page, email)  # the page load sends what waited
    wait_for_empty_queue(page)
    assert reflections(app, email) == sorted([READ_TEXT, WAITING_TEXT])
    assert reflections(app, other) == []


def test_sign_out_on_the_device_clears_pages_and_keeps_the_waiting_entry(page: Page, live_server):
    email, reflection = read_a_reflection_and_leave_one_waiting(page)
    question = []
    page.once("dialog", lambda dialog: (question.append(dialog.message), dialog.accept()))
    sign_out_button(page).click()
    page.wait_for_url(on_path("/auth/login"))
    assert "sent when you sign in again" in question[0]

    assert_cleared_but_waiting(page, reflection)
    assert_sent_only_to_the_same_account(page, live_server.app, email)


def test_signed_out_from_another_device_clears_pages_at_the_next_visit(
    page: Page, make_page, live_server
):
    email, reflection = read_a_reflection_and_leave_one_waiting(page)
    laptop = make_page(DESKTOP)
    sign_in(laptop, email)
    laptop.goto("/settings/account")
    laptop.get_by_role("button", name="Sign out every other device").click()
    expect(laptop.get_by_role("button", name="Sign out every other device")).to_have_count(0)

    # The phone's next visit is redirected to sign-in: the worker meets a signed-out answer.
    page.goto(reflection)
    page.wait_for_url(on_path("/auth/login"))
    assert_cleared_but_waiting(page, reflection)
    assert_sent_only_to_the_same_account(page, live_server.app, email)


@pytest.mark.parametrize("met_as", ["api-401", "page-redirect"])
def test_an_expired_session_clears_pages_when_the_app_meets_it(page: Page, live_server, met_as):
    email, reflection = read_a_reflection_and_leave_one_waiting(page)
    with live_server.app.app_context():
        user_id = db.session.scalars(select(User.id).where(User.email == email)).one()
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session.execute(
            update(LoginSession).where(LoginSession.user_id == user_id).values(idle_expires_at=past)
        )
        db.session.commit()
        db.session.remove()

    if met_as == "api-401":
        # The open page asks the API for data: a 401, which the worker sees.
        status = page.evaluate("async () => (await fetch('/api/v1/checkins')).status")
        assert status == 401
        page.console_errors[:] = [e for e in page.console_errors if "401" not in e]
    else:
        page.goto(reflection)
        page.wait_for_url(on_path("/auth/login"))
    assert_cleared_but_waiting(page, reflection)
    assert_sent_only_to_the_same_account(page, live_server.app, email)
