"""Signed out, "Get help now" shows the lines of the phone's own country, online and offline."""

import pytest
from playwright.sync_api import expect

from .pwa_support import go_offline, wait_for_worker


@pytest.mark.parametrize(
    ("zone", "shown", "absent"),
    [
        ("Europe/London", "Samaritans", "988"),
        ("Asia/Tokyo", "Japan", "988"),
        ("America/New_York", "988 Suicide & Crisis Lifeline", "Samaritans"),
    ],
)
def test_signed_out_help_follows_the_browser_time_zone(make_page, zone, shown, absent):
    """No sign-in, no choice made: the time zone picks the country, and the picker follows."""
    page = make_page(timezone_id=zone)
    page.goto("/help")
    visible = page.locator(".crisis-region:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text(shown)
    expect(visible).not_to_contain_text(absent)
    assert page.locator("#region").input_value() == visible.get_attribute("data-region")


def test_signed_out_help_picks_the_country_offline(make_page):
    """The stored help page, opened offline in London, still shows Samaritans first."""
    page = make_page(timezone_id="Europe/London")
    page.goto("/help")
    wait_for_worker(page)
    go_offline(page.context, page)
    page.reload()
    visible = page.locator(".crisis-region:visible")
    expect(visible).to_contain_text("Samaritans")
    expect(visible).not_to_contain_text("988")
    page.select_option("#region", "JP")
    expect(page.locator(".crisis-region:visible")).to_have_attribute("data-region", "JP")
