"""Saving offline: entries wait on the device, survive reloads, and reach the server exactly
once when the network returns, even when the upload is cut half-way."""

import datetime as dt
import threading

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from journal.extensions import db
from journal.models import CheckIn, Reflection, TreatmentSession, User

from .harness import fill_checkin, form_date, signup
from .harness import settle as harness_settle
from .pwa_support import (
    go_offline,
    pending_count,
    request_log,
    saved_notice,
    wait_for_empty_queue,
    wait_for_worker,
    wait_until_warm,
)

FORMS = ("/checkins/new", "/treatments/new", "/reflections/new", "/pending")
SYNC_TIMEOUT_MS = 30_000


def rows(app, email: str, model) -> list:
    """Return the user's rows of one model, read straight from the database."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        found = list(db.session.scalars(select(model).where(model.user_id == user.id)))
        db.session.remove()
        return found


def ready_offline(page: Page) -> tuple[str, dt.date]:
    """Sign up, let the worker store the forms, and return (email, today where the user is)."""
    email = signup(page)
    wait_for_worker(page)
    wait_until_warm(page, FORMS)
    page.goto("/checkins/new")
    return email, form_date(page)


def save_checkin_offline(page: Page, day: dt.date, number: int, item9: int = 0) -> None:
    """Open the (cached) check-in form, fill it and save it on the device."""
    page.goto("/checkins/new")
    fill_checkin(
        page,
        [1, 0, 2, 1, 0, 1, 0, 0, item9],
        mood=number % 11,
        note=f"entry {number}",
        local_date=day,
    )
    page.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(page)).to_contain_text("sent automatically when you are back online")


def test_entries_saved_offline_wait_on_the_device_and_arrive_exactly_once(page: Page, live_server):
    email, today = ready_offline(page)
    days = [today - dt.timedelta(days=n) for n in range(1, 21)]
    go_offline(page.context, page)

    with request_log(live_server.app) as log:
        save_checkin_offline(page, days[0], 0, item9=2)
        # Scored on the device: the crisis resources show in the confirmation too.
        expect(saved_notice(page).locator("#crisis-saved")).to_be_visible()
        expect(saved_notice(page)).to_contain_text("988")
        for number, day in enumerate(days[1:], start=1):
            save_checkin_offline(page, day, number)
        page.goto("/treatments/new")
        page.locator("input[name='medication'][value='ketamine']").check()
        page.locator("input[name='route'][value='iv']").check()
        page.get_by_label("Clinic or provider (optional)").fill("Offline clinic")
        page.locator("summary", has_text="Afterwards").click()
        page.locator("input[name='dissociation'][value='4']").check()
        page.get_by_label("Before: systolic").fill("124")
        page.get_by_label("Before: diastolic").fill("80")
        page.get_by_role("button", name="Save session").click()
        expect(saved_notice(page)).to_contain_text("Saved on this device")
        page.goto("/reflections/new")
        page.get_by_label("Anything else").fill("Written on a train with no signal.")
        page.get_by_role("button", name="Save reflection").click()
        expect(saved_notice(page)).to_contain_text("Saved on this device")

        page.reload()
        expect(pending_count(page)).to_have_attribute("data-pending-count", "22")
        page.goto("/pending")
        expect(page.locator("[data-waiting-list] li")).to_have_count(22)
        expect(page.locator("[data-waiting-list]")).to_contain_text("Session for")
        offline_requests = log.by_pages()
    assert offline_requests == [], offline_requests
    assert rows(live_server.app, email, CheckIn) == []

    with request_log(live_server.app) as log:
        page.context.set_offline(False)  # the page's `online` event starts the upload
        wait_for_empty_queue(page)
        expect(page.locator("[data-waiting-empty]")).to_be_visible()
        expect(pending_count(page)).to_have_count(0)
        puts = log.matching("PUT", "/api/v1/")

    checkins = rows(live_server.app, email, CheckIn)
    assert sorted(c.local_date for c in checkins) == sorted(days)
    assert {c.note for c in checkins} == {f"entry {n}" for n in range(20)}
    assert [c.revision for c in checkins] == [1] * 20
    [session] = rows(live_server.app, email, TreatmentSession)
    # The form's date and time were "now" where the user is; the offset came from their zone.
    assert (session.clinic, session.local_date) == ("Offline clinic", today)
    # The upload was built from the fields the server declared, groups included.
    assert (session.medication, session.route) == ("ketamine", "iv")
    assert session.side_effects == {"dissociation": 4}
    assert session.bp_before == {"systolic": 124, "diastolic": 80} and session.bp_after is None
    assert [r.text for r in rows(live_server.app, email, Reflection)] == [
        "Written on a train with no signal."
    ]
    assert len(puts) == len(set(puts)) == 22, "every entry is uploaded once"


@pytest.mark.parametrize("cut", ["before the server", "after the server"])
def test_an_upload_cut_half_way_loses_nothing_and_doubles_nothing(page: Page, live_server, cut):
    email, today = ready_offline(page)
    days = [today - dt.timedelta(days=n) for n in range(1, 9)]
    go_offline(page.context, page)
    for number, day in enumerate(days):
        save_checkin_offline(page, day, number)

    uploads = []
    fifth_cut = threading.Event()

    def cut_the_fifth(route):
        """Let uploads through, except the fifth: cut it before, or after, the server has it."""
        uploads.append(route.request.url)
        if len(uploads) != 5:
            route.continue_()
            return
        if cut == "after the server":
            route.fetch()  # the server stores it; the answer is lost on the way back
        route.abort("internetdisconnected")
        fifth_cut.set()

    # The worker uploads, so route on the context: page.route never sees a worker's requests.
    page.context.route("**/api/v1/checkins/*", cut_the_fifth)
    with request_log(live_server.app) as log:
        page.context.set_offline(False)
        # After the cut, the flush stops (first in, first out) and the rest wait on the device;
        # the next trigger (another one arriving, or the back-off timer) sends them.
        wait_for_empty_queue(page)
        puts = log.matching("PUT", "/api/v1/checkins/")
    page.context.unroute("**/api/v1/checkins/*")

    assert fifth_cut.is_set() and len(uploads) == 9, uploads
    # First in, first out: the flush stopped at the cut, and the retry starts with that entry.
    assert uploads[5] == uploads[4] and len(set(uploads)) == 8
    checkins = rows(live_server.app, email, CheckIn)
    assert sorted(c.local_date for c in checkins) == sorted(days), "nothing lost, nothing doubled"
    assert all(c.revision == 1 for c in checkins)
    expected = 9 if cut == "after the server" else 8  # the lost answer means one repeat PUT
    assert len(puts) == expected, puts


def test_history_and_charts_seen_online_still_show_offline(page: Page, live_server):
    ready_offline(page)
    page.goto("/checkins/new")
    fill_checkin(page, [1, 1, 1, 1, 1, 1, 1, 1, 0], mood=6, note="seen online")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/checkins/*-*")
    page.goto("/checkins/")
    expect(page.locator("main")).to_contain_text("8")
    page.goto("/")
    charts = page.locator("[data-chart]")
    # Today draws a chart as it nears the screen: visit them all, and let their fetches end
    # before the log starts (the worker's copy of the page is refreshed meanwhile too).
    harness_settle(page)
    expect(charts.first).to_have_attribute("data-drawn", "true", timeout=SYNC_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")

    with request_log(live_server.app) as log:
        go_offline(page.context, page)
        page.reload()
        charts.first.scroll_into_view_if_needed()
        expect(charts.first).to_have_attribute("data-drawn", "true")
        page.goto("/checkins/")
        expect(page.locator("main")).to_contain_text("8")
        requests = log.by_pages()
    page.context.set_offline(False)
    assert requests == []
