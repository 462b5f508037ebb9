"""The replay policy: what each server answer means for a queued entry, in the module itself and
through the pages (a refusal kept with its reasons, an expired session that keeps everything)."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from .harness import fill_checkin, form_date, on_path, signup
from .pwa_support import (
    go_offline,
    pending_count,
    queued,
    saved_notice,
    sign_in,
    wait_for_empty_queue,
    wait_for_worker,
    wait_until_warm,
)

SENT = {
    "instrument": "daily",
    "local_date": "2026-01-31",
    "answers": [1, 0, 2, 0, 0, 0, 0, 0, 0],
    "mood": 5,
    "note": "Tired ",
    "base_revision": 3,
}
SERVER_COPY = {
    **{k: v for k, v in SENT.items() if k != "base_revision"},
    "note": "Tired",
    "client_id": "x",
    "revision": 4,
    "total": 3,
    "band": "None-minimal",
    "safety": None,
}
CLASSIFY = """async ([status, body, payload]) => {
  const queue = await import('/static/js/offline-queue.js');
  return queue.outcome(status, body, { payload }).kind;
}"""


@pytest.fixture
def module_page(page: Page) -> Page:
    """A page on the app, where the queue module can be imported."""
    page.goto("/help")
    return page


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (200, {}, "done"),
        (201, {}, "done"),
        (409, {"error": {"code": "conflict", "current": SERVER_COPY}}, "done"),
        (409, {"error": {"code": "conflict", "current": {**SERVER_COPY, "mood": 2}}}, "conflict"),
        (409, {"error": {"code": "conflict"}}, "conflict"),
        (422, {"error": {"code": "invalid", "fields": {"note": "Too long."}}}, "invalid"),
        (400, {"error": {"code": "bad_request"}}, "invalid"),
        (400, {"error": {"code": "csrf_failed"}}, "csrf"),
        (401, {"error": {"code": "unauthorized"}}, "auth"),
        (403, {"error": {"code": "forbidden"}}, "auth"),
        (429, {"error": {"code": "rate_limited"}}, "retry"),
        (500, None, "retry"),
        (503, None, "retry"),
    ],
)
def test_each_answer_has_one_meaning(module_page: Page, status, body, kind):
    assert module_page.evaluate(CLASSIFY, [status, body, SENT]) == kind


def test_same_record_ignores_blanks_offsets_and_tag_case(module_page: Page):
    same = module_page.evaluate(
        """async () => {
          const { sameRecord } = await import('/static/js/offline-queue.js');
          return [
            sameRecord({ started_at: '2026-01-31T09:30:00-06:00', notes: '' },
                       { started_at: '2026-01-31T15:30:00+00:00', notes: null }),
            sameRecord({ tags: ['Sleep', 'work'], side_effects: { nausea: null } },
                       { tags: ['sleep', 'work'], side_effects: null }),
            sameRecord({ answers: [1, 2] }, { answers: [2, 1] }),
            sameRecord({ note: 'a' }, null),
          ];
        }"""
    )
    assert same == [True, True, False, False]


def test_back_off_doubles_and_stops_at_fifteen_minutes(module_page: Page):
    delays = module_page.evaluate(
        """async () => {
          const { backoff } = await import('/static/js/offline-queue.js');
          return [1, 2, 3, 4, 20].map(backoff);
        }"""
    )
    assert delays == [2000, 4000, 8000, 16000, 15 * 60 * 1000]


def test_a_refused_entry_is_kept_with_the_servers_reasons(page: Page):
    signup(page)
    wait_for_worker(page)
    wait_until_warm(page, ("/checkins/new", "/pending"))
    page.goto("/checkins/new")
    tomorrow = form_date(page) + dt.timedelta(days=1)
    go_offline(page.context, page)
    page.goto("/checkins/new")
    fill_checkin(page, [0] * 9, mood=5, note="Dated wrong.", local_date=tomorrow)
    page.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(page)).to_contain_text("back online")

    page.context.set_offline(False)
    attention = page.locator("[data-sync-attention]")
    expect(attention).to_have_text("1 entry needs attention")
    attention.click()
    refused = page.locator(".attention-item[data-status='invalid']")
    expect(refused).to_contain_text("the server could not accept it")
    expect(refused).to_contain_text("local date: This date is after today where you are.")
    expect(refused).to_contain_text("Dated wrong.")
    assert [i["status"] for i in queued(page)] == ["invalid"], "kept, not retried forever"

    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Delete from this device").click()
    wait_for_empty_queue(page)
    expect(page.locator("[data-attention-section]")).to_be_hidden()


def test_an_expired_session_keeps_everything_and_asks_to_sign_in_again(page: Page):
    email = signup(page)
    wait_for_worker(page)
    wait_until_warm(page, ("/checkins/new",))
    page.goto("/checkins/new")
    day = form_date(page) - dt.timedelta(days=3)
    go_offline(page.context, page)
    page.goto("/checkins/new")
    fill_checkin(page, [1] * 9, mood=5, note="Before the session expired.", local_date=day)
    page.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(page)).to_contain_text("back online")

    page.context.clear_cookies()  # the session ends while the phone is offline
    page.context.set_offline(False)
    sign_in_link = page.locator("[data-sync-signin]")
    expect(sign_in_link).to_be_visible()
    expect(pending_count(page).locator("xpath=..")).to_contain_text("sign in again to send")
    assert [i["status"] for i in queued(page)] == ["pending"]

    sign_in_link.click()
    page.wait_for_url(on_path("/auth/login"))
    sign_in(page, email)  # the next page load sends what waited
    wait_for_empty_queue(page)
    expect(pending_count(page)).to_have_count(0)


def test_an_unfinished_form_offline_says_what_is_missing_and_stores_nothing(page: Page):
    signup(page)
    wait_for_worker(page)
    wait_until_warm(page, ("/checkins/new",))
    go_offline(page.context, page)
    page.goto("/checkins/new")
    # The daily items are optional, but an entry needs a mood or at least one answer.

    page.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_role("alert").filter(has_text="choose your mood")).to_be_visible()
    expect(saved_notice(page)).to_have_count(0)
    assert queued(page) == []
    page.context.set_offline(False)
