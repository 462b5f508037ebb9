"""Crisis resources on the daily check-in: shown at once, before the score, with or without JS."""

import datetime as dt

from playwright.sync_api import Page, expect

from .harness import answer, fill_checkin, form_date, question, signup, submit_checkin

ALL_ZERO = [0] * 9
ITEM9_ONLY = [0] * 8  # items 1-8; the tests answer item 9 themselves

CRISIS_BEFORE_SCORE = """() => {
  const crisis = document.querySelector('#crisis');
  const score = document.querySelector('.score');
  return Boolean(crisis.compareDocumentPosition(score) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


def assert_crisis_first(page: Page) -> None:
    """The result page shows the crisis panel with 988, above the score in order and on screen."""
    crisis = page.locator("#crisis")
    expect(crisis).to_be_visible()
    expect(crisis).to_have_attribute("role", "alert")
    expect(crisis).to_contain_text("988")
    expect(page.locator(".score")).to_be_visible()
    assert page.evaluate(CRISIS_BEFORE_SCORE), "#crisis must come before .score in the document"
    assert crisis.bounding_box()["y"] < page.locator(".score").bounding_box()["y"]


def test_item9_reveals_crisis_panel_before_submit_and_first_on_result(page: Page):
    signup(page)
    page.goto("/checkins/new")
    crisis = page.locator("#crisis")
    expect(crisis).to_be_hidden()
    fill_checkin(page, ITEM9_ONLY)

    answer(page, 9, "A little")  # value 1

    expect(question(page, 9).get_by_label("A little", exact=True)).to_be_checked()
    expect(crisis).to_be_visible()
    expect(crisis).to_have_attribute("role", "alert")
    expect(crisis).to_contain_text("988")
    assert page.url.endswith("/checkins/new"), "the panel must show before anything is submitted"

    submit_checkin(page)

    assert_crisis_first(page)


def test_all_zero_has_no_crisis_panel_but_help_link(page: Page):
    signup(page)
    page.goto("/checkins/new")
    fill_checkin(page, ALL_ZERO, mood=7)
    expect(page.locator("#crisis")).to_be_hidden()

    submit_checkin(page)

    expect(page.locator(".score")).to_contain_text("0")
    expect(page.locator("#crisis")).to_have_count(0)
    help_link = page.get_by_role("link", name="Get help now")
    expect(help_link).to_be_visible()
    expect(help_link).to_have_attribute("href", "/help")


def test_crisis_panel_on_result_page_without_javascript(make_page):
    page = make_page(java_script_enabled=False)
    signup(page)
    page.goto("/checkins/new")
    fill_checkin(page, [*ITEM9_ONLY, 2])
    expect(page.locator("#crisis")).to_be_hidden()  # nothing reveals it before the round trip

    submit_checkin(page)

    assert_crisis_first(page)


def test_crisis_panel_on_rejected_form_without_javascript(make_page):
    page = make_page(java_script_enabled=False)
    signup(page)
    page.goto("/checkins/new")
    answer(page, 9, "Nearly all day")
    # A date after today: the form comes back with errors (items alone are optional now).
    page.get_by_label("Date", exact=True).fill((form_date(page) + dt.timedelta(days=3)).isoformat())

    page.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Daily check-in")
    expect(page.locator("#crisis")).to_be_visible()
    expect(page.locator("#crisis")).to_contain_text("988")
    # The rejected form is a 422 on purpose; Chromium logs every 4xx document as an error.
    assert len(page.console_errors) == 1 and "422" in page.console_errors[0], page.console_errors
    page.console_errors.clear()
