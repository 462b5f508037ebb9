"""The therapist's share page and the export pages in Chromium: charts draw, axe finds nothing."""

import pytest
from playwright.sync_api import expect

from tests.browser.harness import DESKTOP, MOBILE, axe_violations, settle, signup
from tests.browser.test_export_download import give_history

CHARTS = ["timeline", "around-sessions", "session-change", "items"]


@pytest.fixture
def shared_url(make_page, live_server):
    """Sign up, load a history, make a share link with reflections on the page; return its URL."""
    page = make_page(DESKTOP)
    email = signup(page)
    give_history(live_server.app, email)
    page.goto("/shares/")
    page.get_by_label("Include reflections").check()
    page.get_by_role("button", name="Make link").click()
    return page.locator("#share-url").input_value()


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390", "1280"])
def test_share_page_draws_every_chart_without_sign_in(make_page, shared_url, viewport):
    """A visitor with only the link sees all four charts drawn and no sideways scroll."""
    page = make_page(viewport)
    page.goto(shared_url)
    settle(page)  # the folded parts' charts draw when opened (charts.js, data-draw="near")
    for name in CHARTS:
        expect(page.locator(f'[data-chart="{name}"]')).to_have_attribute(
            "data-drawn", "true", timeout=20_000
        )
        expect(page.locator(f'[data-chart-caption="{name}"]')).not_to_have_text("Loading…")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    expect(page.get_by_role("link")).to_have_count(0)


def test_share_and_export_pages_pass_axe(make_page, shared_url):
    """No serious or critical accessibility findings on the share, links and export pages."""
    visitor = make_page(MOBILE, bypass_csp=True)
    visitor.goto(shared_url)
    settle(visitor)
    assert not axe_violations(visitor), axe_violations(visitor).message
    owner = make_page(MOBILE, bypass_csp=True)
    signup(owner)
    for path in ("/export/", "/shares/"):
        owner.goto(path)
        violations = axe_violations(owner)
        assert not violations, f"{path}\n{violations.message}"
