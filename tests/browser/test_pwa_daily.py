"""The daily loop offline: the one-tap mood, never-cached pages, and no stray banners."""

import re

from playwright.sync_api import Page, expect

from .harness import fill_checkin, signup, submit_checkin
from .pwa_support import go_offline, saved_notice, wait_for_worker, wait_until_warm


def test_one_tap_mood_saves_on_the_device_offline(page: Page):
    signup(page)
    wait_for_worker(page)
    page.reload()  # Today is now stored for offline use
    go_offline(page.context, page)
    page.reload()

    page.get_by_role("button", name="Mood 4", exact=True).click()

    expect(saved_notice(page)).to_contain_text("Saved on this device")
    expect(saved_notice(page)).to_contain_text("Mood 4 of 10")


def test_a_page_never_cached_shows_the_apps_offline_page(page: Page):
    signup(page)
    wait_for_worker(page)
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
