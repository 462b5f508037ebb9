"""Reminders in Chromium: a push delivered through the DevTools protocol is shown as a
notification, its click opens the form, and Today's Due now list sets the count.

No push service is involved here (the DevTools protocol hands the message straight to the
worker); tests/app/test_push.py covers the push service end to end.
"""

import json

from playwright.sync_api import expect

from .harness import settle, signup
from .pwa_support import go_offline, saved_notice, wait_for_worker, wait_until, wait_until_warm

COUNT_JS = "(await (await navigator.serviceWorker.ready).getNotifications()).length"
PAYLOAD = {
    "title": "Mood Journal",
    "body": "A questionnaire is due.",
    "url": "/checkins/new?instrument=phq9",
    "tag": "reminder-phq9",
    "kind": "phq9",
}


def registration_id(cdp, page) -> str:
    """Return the service worker's registration id from the DevTools protocol."""
    found = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if found:
            return found[-1]
        page.wait_for_timeout(100)
    raise AssertionError("no service worker registration reported")


def notifications(page) -> list[dict]:
    """Return the notifications the worker's registration is showing."""
    return page.evaluate(
        """async () => (await (await navigator.serviceWorker.ready).getNotifications())
             .map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }))"""
    )


def test_a_push_shows_a_notification_whose_click_opens_the_form(context, page, live_server):
    """deliverPushMessage -> showNotification; a notificationclick navigates to the form."""
    context.grant_permissions(["notifications"], origin=live_server.url)
    signup(page)
    wait_for_worker(page)
    cdp = context.new_cdp_session(page)
    try:
        registration = registration_id(cdp, page)
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": live_server.url,
                "registrationId": registration,
                "data": json.dumps(PAYLOAD),
            },
        )
        wait_until(
            page,
            f"async () => {COUNT_JS} > 0",
        )
        [shown] = notifications(page)
        assert shown["title"] == "Mood Journal"
        assert shown["body"] == "A questionnaire is due."
        assert shown["data"]["url"] == "/checkins/new?instrument=phq9"
        # A push with no JSON still shows something (browsers cancel silent subscriptions).
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registration, "data": ""},
        )
        wait_until(
            page,
            f"async () => {COUNT_JS} > 1",
        )
    finally:
        cdp.detach()
    # Headless Chromium draws no notification to click: dispatch the click event the browser
    # would fire, in the worker, on the notification it is showing.
    [worker] = context.service_workers
    worker.evaluate(
        """async () => {
          const [shown] = await self.registration.getNotifications({ tag: 'reminder-phq9' });
          self.dispatchEvent(new NotificationEvent('notificationclick', { notification: shown }));
        }"""
    )
    page.wait_for_url("**/checkins/new?instrument=phq9")
    expect(page.locator("h1")).to_contain_text("PHQ-9")
    assert [n["tag"] for n in notifications(page)] == ["reminder"]


def test_today_lists_what_is_due_and_counts_it(page):
    """A new person: daily check-in, PHQ-9 and GAD-7 are due; the app badge is set to 3."""
    # Record what the page asks of the Badging API (it draws nothing in a headless browser).
    page.add_init_script(
        """window.__badges = [];
           navigator.setAppBadge = async (n) => { window.__badges.push(n); };
           navigator.clearAppBadge = async () => { window.__badges.push(0); };"""
    )
    signup(page)
    settle(page)
    due = page.locator("[data-due-now]")
    expect(due.locator("ul").get_by_role("link")).to_have_text(["Daily check-in", "PHQ-9", "GAD-7"])
    expect(due).to_have_attribute("data-due-count", "3")
    assert page.evaluate("window.__badges").pop() == 3


def test_a_check_in_saved_offline_leaves_the_due_list(page):
    """Offline, a one-tap mood waits on the device; Today (from the cache) drops the check-in."""
    signup(page)
    wait_for_worker(page)
    wait_until_warm(page, ("/",))
    # Today's charts must be in the data cache too, or offline they log failed fetches.
    page.reload()
    settle(page)  # brings each chart near, so its data is fetched (and cached) while online
    go_offline(page.context, page)
    page.reload()
    page.get_by_role("button", name="Mood 5", exact=True).click()
    expect(saved_notice(page)).to_contain_text("Saved on this device")
    page.goto("/")
    due = page.locator("[data-due-now]")
    expect(due).to_have_attribute("data-due-count", "2")
    expect(due.locator("ul").get_by_role("link")).to_have_text(["PHQ-9", "GAD-7"])
    page.context.set_offline(False)
