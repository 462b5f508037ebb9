"""History at 390 x 844 on a touch phone: the month of moods, read by keyboard, and the days."""

import re

from playwright.sync_api import Page, expect

from .harness import on_path, signup


def test_history_month_view_shows_the_mood_in_words_and_opens_by_keyboard(make_page):
    page: Page = make_page(has_touch=True, is_mobile=True)
    signup(page)
    page.get_by_role("button", name="Mood 7", exact=True).tap()
    expect(page.get_by_text("Saved: Good (7 of 10) today.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").tap()
    page.wait_for_url(on_path("/checkins/"))
    today = page.locator("td[aria-current='date']")
    expect(today).to_contain_text("Good")
    expect(today).to_have_class(re.compile(r"\bmood-4\b"))
    expect(page.locator(".days li")).to_have_count(1)
    expect(page.locator(".days li")).to_contain_text("mood Good (7)")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"History is {width} px wide at 390"
    # The month is a table a screen reader walks with its weekday headers.
    expect(page.get_by_role("table").first.get_by_role("columnheader")).to_have_count(7)

    link = today.get_by_role("link")
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/checkins/[0-9a-f-]{36}$"))
    expect(page.locator(".result")).to_contain_text("Mood: 7 of 10 Good")

    page.go_back()
    page.get_by_role("link", name=re.compile("Previous month")).tap()
    expect(page.locator("td[aria-current='date']")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Next month"))).to_be_visible()
