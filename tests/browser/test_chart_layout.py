"""Every chart reads at a glance: no overlapping or clipped text, a tall enough plot area.

One account holds five years of demo history; each chart is checked over 30 days, a year and
all five years, at 390 px (a phone) and 1280 px (a desk).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.chart_layout import clipped, measure, overlaps
from tests.browser.harness import DESKTOP, MOBILE, demo_account, on_path
from tests.conftest import PASSWORD

EMAIL = "five-years@example.com"
MIN_PLOT_HEIGHT = 220  # px at 390 px wide


@pytest.fixture(scope="module")
def five_years(live_server):
    """Create the account with five years of demo history once for this module."""
    return demo_account(live_server.app, EMAIL, 5, "America/Chicago", seed=1)


def sign_in(page, email: str) -> None:
    """Sign in through the form."""
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(on_path("/"))


@pytest.mark.parametrize("range_key", ["30d", "1y", "all"])
@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390", "1280"])
def test_chart_text_never_overlaps_or_clips(make_page, five_years, viewport, range_key):
    """Each drawn chart: no two text boxes overlap, none leaves the chart, plot area tall."""
    page = make_page(viewport)
    sign_in(page, five_years)
    page.goto(f"/?range={range_key}")
    names = page.locator("[data-chart]").evaluate_all("(els) => els.map((e) => e.dataset.chart)")
    assert names
    problems = []
    for name in names:
        chart = page.locator(f'[data-chart="{name}"]')
        expect(chart).to_have_attribute("data-drawn", "true", timeout=30_000)
        result = measure(page, name)
        for a, b in overlaps(result["texts"]):
            problems.append(f"{name}: {a!r} overlaps {b!r}")
        for text in clipped(result):
            problems.append(f"{name}: {text!r} is cut off at the chart's edge")
        if viewport is MOBILE and result["plotHeight"] < MIN_PLOT_HEIGHT:
            problems.append(f"{name}: plot area {result['plotHeight']:.0f} px tall")
    assert not problems, "\n".join(problems)
