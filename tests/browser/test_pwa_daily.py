"""The daily loop offline: the one-tap mood, never-cached pages, and no stray banners."""

import re

from playwright.sync_api import Page, expect

from .harness import fill_checkin, settle, signup, submit_checkin
from .pwa_support import (
    go_offline,
    queued,
    saved_notice,
    wait_for_empty_queue,
    wait_for_worker,
    wait_until_warm,
)


def test_one_tap_mood_saves_on_the_device_offline(page: Page):
    signup(page)
    wait_for_worker(page)
    page.reload()  # Today is now stored for offline use
    go_offline(page.context, page)
    page.reload()

    page.get_by_role("button", name="Mood 4", exact=True).click()

    expect(saved_notice(page)).to_contain_text("Saved on this device")
    expect(saved_notice(page)).to_contain_text("Mood 4 of 10")
    expect(saved_notice(page)).to_contain_text("sent automatically")
    assert [i["payload"]["mood"] for i in queued(page)] == [4]

    # Back online, the tap is sent, not lost.
    page.context.set_offline(False)
    wait_for_empty_queue(page)
    page.goto("/")
    expect(page.get_by_role("button", name="Mood 4", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_page_never_cached_shows_the_apps_offline_page(page: Page):
    signup(page)
    wait_for_worker(page)
    # Today fetches its charts one per task after load: let them end before the cut, or an
    # unfinished fetch becomes the worker's offline 503 in the console.
    settle(page)
    go_offline(page.context, page)

    page.goto("/export/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("offline", re.I))


def test_warm_up_leaves_no_already_done_banner_on_other_pages(page: Page):
    signup(page)
    page.goto("/checkins/new")
    fill_checkin(page, [0] * 9, mood=5)
    submit_checkin(page)
    wait_for_worker(page)
    page.goto("/")
    wait_until_warm(page)  # the worker has fetched /checkins/new, which is already done today

    page.goto("/treatments/")

    expect(page.get_by_text("You already did today")).to_have_count(0)


def test_two_saves_of_one_day_on_one_phone_are_one_entry(page: Page):
    signup(page)
    wait_for_worker(page)
    page.goto("/checkins/new")
    # Today is opened offline below: wait for it (and so its chart data) too, not only the form.
    wait_until_warm(page, ("/", "/checkins/new"))
    go_offline(page.context, page)
    page.goto("/checkins/new")
    fill_checkin(page, [1] * 9, note="Morning.")
    page.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(page)).to_contain_text("back online")
    page.goto("/")
    page.get_by_role("button", name="Mood 7", exact=True).click()
    expect(saved_notice(page)).to_contain_text("Mood 7 of 10")
    assert len(queued(page)) == 1, "the second save of the day joins the first"

    page.context.set_offline(False)
    wait_for_empty_queue(page)

    page.goto("/checkins/?view=table")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
    expect(page.get_by_text("needs attention")).to_have_count(0)
    page.locator("table.records tbody a").first.click()
    expect(page.locator(".result")).to_contain_text("Mood: 7 of 10")
    expect(page.locator(".score-total")).to_have_text("9")


def test_today_and_history_show_what_is_still_on_the_device(page: Page):
    signup(page)
    wait_for_worker(page)
    page.goto("/checkins/")
    page.goto("/")
    wait_until_warm(page, ("/", "/checkins/"))
    go_offline(page.context, page)
    page.reload()
    page.get_by_role("button", name="Mood 5", exact=True).click()
    expect(saved_notice(page)).to_contain_text("Saved on this device")

    for path in ("/", "/checkins/"):
        page.goto(path)
        waiting = page.locator("[data-on-device]")
        expect(waiting).to_be_visible()
        expect(waiting).to_contain_text("mood 5 of 10")
        expect(waiting).to_contain_text("waiting to be sent")

    page.context.set_offline(False)
    wait_for_empty_queue(page)
    page.goto("/checkins/")
    expect(page.locator("[data-on-device]")).to_be_hidden()


def save_todays_entry(page: Page) -> None:
    """Sign up, let the worker install, and save today's daily check-in online (mood 5)."""
    signup(page)
    wait_for_worker(page)
    page.goto("/checkins/new")
    fill_checkin(page, [0] * 9, mood=5)
    submit_checkin(page)


def test_check_in_offline_after_todays_entry_opens_it_and_queues_the_change(page: Page):
    """Today's entry saved: offline, the "Check in" link and the app shortcut show the form."""
    save_todays_entry(page)
    page.goto("/")
    page.goto("/checkins/new")  # a visit stores the page, as the warm-up does
    expect(page.get_by_text("You already did today")).to_be_visible()
    wait_until_warm(page, ("/", "/checkins/new"))
    [shortcut] = [
        s["url"]
        for s in page.request.get("/manifest.webmanifest").json()["shortcuts"]
        if s["name"] == "Daily check-in"
    ]
    go_offline(page.context, page)

    page.goto("/")
    page.get_by_role("link", name="Check in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daily check-in")
    expect(page.get_by_role("radio", name="5", exact=True).first).to_be_checked()
    page.goto(shortcut)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daily check-in")

    page.get_by_role("group", name=re.compile("mood", re.I)).get_by_label("8", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()
    expect(saved_notice(page)).to_contain_text("Saved on this device")
    [intent] = queued(page)
    assert intent["payload"]["mood"] == 8 and intent["payload"]["base_revision"] == 1

    page.context.set_offline(False)
    wait_for_empty_queue(page)
    page.goto("/checkins/?view=table")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
    expect(page.get_by_text("needs attention")).to_have_count(0)


def test_a_copy_of_todays_entry_stored_yesterday_opens_as_a_new_form(page: Page):
    """Offline the next day, the stored "today's entry" form is a new, empty one for that day."""
    save_todays_entry(page)
    page.goto("/checkins/new")  # stores today's entry, to change, under this URL
    expect(page.locator("input[name=base_revision]")).to_have_count(1)
    go_offline(page.context, page)
    page.clock.set_fixed_time(page.evaluate("Date.now()") + 86_400_000)

    page.goto("/checkins/new")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Daily check-in")
    expect(page.locator("input[name=base_revision]")).to_have_count(0)
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    expect(page.get_by_text("You already did today")).to_have_count(0)
    tomorrow = page.evaluate("Intl.DateTimeFormat('en-CA').format(new Date())")
    assert page.locator("input[name=local_date]").input_value() == tomorrow
    page.context.set_offline(False)
