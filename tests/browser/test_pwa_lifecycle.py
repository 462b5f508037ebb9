"""Conflicts between two devices, sign-out on a shared device, and a new version of the app."""

import datetime as dt
import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from journal.extensions import db
from journal.models import CheckIn, User
from journal.pwa import assets

from .harness import (
    DESKTOP,
    axe_violations,
    fill_checkin,
    form_date,
    on_path,
    sign_out_button,
    signup,
    submit_checkin,
)
from .pwa_support import (
    cache_names,
    go_offline,
    pending_count,
    queue_exists,
    queued,
    saved_notice,
    sign_in,
    wait_for_empty_queue,
    wait_for_worker,
    wait_until,
    wait_until_warm,
)

PHONE_ANSWERS = [2, 2, 1, 1, 2, 1, 1, 0, 0]
LAPTOP_ANSWERS = [0, 0, 0, 1, 0, 0, 0, 0, 0]


def checkins_on(app, email: str, day: dt.date) -> list[CheckIn]:
    """Return the user's check-ins for one date, straight from the database."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        query = select(CheckIn).where(CheckIn.user_id == user.id, CheckIn.local_date == day)
        found = list(db.session.scalars(query))
        db.session.remove()
        return found


class Dialogs(list):
    """Messages of the dialogs a page showed; `.handler` is the listener that answered them."""


def answer_dialogs(page: Page, accept: bool) -> Dialogs:
    """Answer every confirm() the page shows, and collect the messages."""
    seen = Dialogs()

    def handler(dialog) -> None:
        seen.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    seen.handler = handler
    page.on("dialog", handler)
    return seen


def wait_for_dialog(page: Page, seen: list, timeout_ms: int = 5000) -> None:
    """Wait until the page has shown a dialog (the sign-out check reads the queue first)."""
    for _ in range(timeout_ms // 50):
        if seen:
            return
        page.wait_for_timeout(50)
    raise AssertionError("no dialog was shown")


def phone_and_laptop(make_page):
    """One account on two devices: a phone (ready for offline use) and a laptop."""
    phone = make_page()
    email = signup(phone)
    wait_for_worker(phone)
    wait_until_warm(phone, ("/checkins/new", "/pending"))
    laptop = make_page(DESKTOP)
    sign_in(laptop, email)
    return phone, laptop, email


def test_one_date_saved_on_two_devices_shows_both_versions_and_keeps_the_chosen(
    make_page, live_server
):
    phone, laptop, email = phone_and_laptop(make_page)
    phone.goto("/checkins/new")
    day = form_date(phone) - dt.timedelta(days=1)

    go_offline(phone.context, phone)
    phone.goto("/checkins/new")
    fill_checkin(phone, PHONE_ANSWERS, mood=3, note="Written on the phone.", local_date=day)
    phone.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(phone)).to_contain_text("back online")
    laptop.goto("/checkins/new")
    fill_checkin(laptop, LAPTOP_ANSWERS, mood=8, note="Written on the laptop.", local_date=day)
    submit_checkin(laptop)

    phone.context.set_offline(False)
    attention = phone.locator("[data-sync-attention]")
    expect(attention).to_have_text("1 entry needs attention")
    attention.click()
    conflict = phone.locator(".attention-item[data-status='conflict']")
    expect(conflict).to_contain_text("changed in two places")
    mine = conflict.locator(".version").filter(has_text="This device’s version")
    theirs = conflict.locator(".version").filter(has_text="The saved version")
    differences = conflict.locator(".differences")
    expect(differences).to_contain_text("This device: Written on the phone.")
    expect(differences).to_contain_text("Saved: Written on the laptop.")
    expect(differences).to_contain_text("This device: 3 of 10")
    expect(differences).to_contain_text("Saved: 8 of 10")
    conflict.get_by_text("Both versions in full").click()
    expect(mine).to_be_visible()
    expect(mine).to_contain_text("Written on the phone.")
    expect(mine).to_contain_text("Score10 of 27")
    expect(theirs).to_be_visible()
    expect(theirs).to_contain_text("Written on the laptop.")
    expect(theirs).to_contain_text("Mood8 of 10")
    conflict.get_by_role("button", name="Keep this device’s version").click()

    wait_for_empty_queue(phone)
    expect(phone.locator("[data-attention-section]")).to_be_hidden()
    [kept] = checkins_on(live_server.app, email, day)
    assert (kept.note, kept.answers, kept.mood, kept.revision) == (
        "Written on the phone.",
        PHONE_ANSWERS,
        3,
        2,
    )


def test_an_edit_made_offline_over_a_newer_edit_can_give_way(make_page, live_server):
    phone, laptop, email = phone_and_laptop(make_page)
    phone.goto("/checkins/new")
    day = form_date(phone) - dt.timedelta(days=2)
    fill_checkin(phone, LAPTOP_ANSWERS, mood=5, note="First version.", local_date=day)
    record = submit_checkin(phone)
    phone.goto(f"{record}/edit")  # visited online, so the edit page is kept for offline use

    go_offline(phone.context, phone)
    phone.goto(f"{record}/edit")
    phone.get_by_label("Note (optional)").fill("Edited on the phone, offline.")
    phone.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(phone)).to_contain_text("back online")
    laptop.goto(f"{record}/edit")
    laptop.get_by_label("Note (optional)").fill("Edited on the laptop.")
    laptop.get_by_role("button", name="Save check-in").click()
    laptop.wait_for_url(on_path(record))

    phone.context.set_offline(False)
    phone.locator("[data-sync-attention]").click()
    conflict = phone.locator(".attention-item[data-status='conflict']")
    expect(conflict).to_contain_text("Edited on the phone, offline.")
    expect(conflict).to_contain_text("Edited on the laptop.")
    conflict.get_by_role("button", name="Keep the saved version").click()

    wait_for_empty_queue(phone)
    [kept] = checkins_on(live_server.app, email, day)
    assert (kept.note, kept.revision) == ("Edited on the laptop.", 2)


def test_sign_out_warns_about_unsent_entries_then_clears_the_caches(page: Page, live_server):
    signup(page)
    wait_for_worker(page)
    wait_until_warm(page, ("/checkins/new",))
    # The server is down for uploads: the entry stays on the device.
    page.context.route(
        "**/api/v1/checkins/*",
        lambda route: route.fulfill(
            status=503, json={"error": {"code": "down", "message": "Down"}}
        ),
    )
    page.goto("/checkins/new")
    fill_checkin(page, LAPTOP_ANSWERS, mood=5, local_date=form_date(page))
    page.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(page)).to_contain_text("not answering")
    expect(pending_count(page)).to_have_attribute("data-pending-count", "1")
    assert any(name.startswith("mj-pages-") for name in cache_names(page))

    warnings = answer_dialogs(page, accept=False)
    sign_out_button(page).click()
    wait_for_dialog(page, warnings)
    assert "1 entry on this device has not reached the server" in warnings[0]
    assert "stay on this device and are sent when you sign in again" in warnings[0]
    expect(pending_count(page)).to_be_visible()
    assert len(queued(page)) == 1, "cancelling keeps everything"

    page.remove_listener("dialog", warnings.handler)
    answer_dialogs(page, accept=True)
    sign_out_button(page).click()
    page.wait_for_url(on_path("/auth/login"))

    left = cache_names(page)
    assert not [n for n in left if re.match(r"mj-(pages|data)-", n)], left
    # The entry waits for the same account (tests/browser/test_pwa_signout.py sends it).
    assert [i["status"] for i in queued(page)] == ["pending"]
    page.context.unroute("**/api/v1/checkins/*")


def test_sign_out_with_nothing_unsent_asks_nothing(page: Page):
    signup(page)
    wait_for_worker(page)
    dialogs = answer_dialogs(page, accept=False)

    sign_out_button(page).click()

    page.wait_for_url(on_path("/auth/login"))
    assert dialogs == []
    assert not [n for n in cache_names(page) if re.match(r"mj-(pages|data)-", n)]
    assert not queue_exists(page), "nothing waits: the offline queue's database is deleted"


def test_a_new_version_offers_a_reload_and_replaces_the_old_caches(page: Page, monkeypatch):
    page.goto("/")
    wait_for_worker(page)
    [old_shell] = [n for n in cache_names(page) if n.startswith("mj-shell-")]
    banner = page.locator("[data-update-banner]")
    expect(banner).to_be_hidden()

    monkeypatch.setattr(assets, "cache_version", lambda: "0123456789ab")
    page.evaluate(
        "async () => { await (await navigator.serviceWorker.getRegistration()).update(); }"
    )

    expect(banner).to_be_visible()
    expect(banner).to_contain_text("A new version of Mood Journal is available.")
    with page.expect_navigation():
        banner.get_by_role("button", name="Reload").click()
    wait_until(
        page,
        "async () => { const n = await caches.keys();"
        " return n.includes('mj-shell-0123456789ab') && n.length > 0; }",
    )
    assert old_shell not in cache_names(page)
    expect(banner).to_be_hidden()


def test_offline_screens_have_no_serious_axe_violations(make_page):
    # bypass_csp: axe is injected as an inline <script> (see harness.axe_violations).
    page = make_page(bypass_csp=True)
    signup(page)
    wait_for_worker(page)
    wait_until_warm(page, ("/checkins/new", "/pending"))
    page.goto("/checkins/new")
    day = form_date(page) - dt.timedelta(days=1)
    go_offline(page.context, page)
    page.goto("/checkins/new")
    fill_checkin(page, PHONE_ANSWERS[:8] + [1], mood=4, note="Offline.", local_date=day)
    page.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(page)).to_contain_text("back online")

    violations = axe_violations(page)
    assert not violations, f"the saved notice at 390 px:\n{violations}"
    page.goto("/pending")
    expect(page.locator("[data-waiting-list] li")).to_have_count(1)
    violations = axe_violations(page)
    assert not violations, f"/pending at 390 px:\n{violations}"
    page.context.set_offline(False)
