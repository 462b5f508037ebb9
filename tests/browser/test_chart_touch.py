"""Charts on a phone and a desk: a swipe scrolls past them, plotly.js waits, dark mode, one screen.

One account with a year of demo history serves the module. The phone is 390 x 844 with touch
(has_touch, is_mobile); the desk is 1280 x 800 with a mouse.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.harness import DESKTOP, MOBILE, demo_account, on_path
from tests.conftest import PASSWORD

EMAIL = "one-year-touch@example.com"
CHARTS = ["timeline", "calendar", "around-sessions", "session-change", "durability", "items"]
PHONE = {"viewport": MOBILE, "has_touch": True, "is_mobile": True}
DESK = {"viewport": DESKTOP}
DEVICES = pytest.mark.parametrize("device", [PHONE, DESK], ids=["390-touch", "1280"])
SWIPE_PX = 300  # a finger's drag; the touch slop (some 15 px) is not scrolled
# The plotly.js bundle: its path, wherever the page names it.
PLOTLY = "plotly-cartesian.min.js"

# The largest plot area's centre, kept inside the viewport: where a finger lands on the chart.
PLOT_CENTRE = """
(chart) => {
  const drags = [...chart.querySelectorAll('.nsewdrag')].map((d) => d.getBoundingClientRect());
  const box = drags.sort((a, b) => b.height * b.width - a.height * a.width)[0];
  const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, window.innerHeight);
  return {x: box.left + box.width / 2, y: (top + bottom) / 2};
}
"""
# Relative luminance (0 black .. 1 white) of what plotly drew behind the chart: the paper (the
# first svg's background) and any legend box.
BACKGROUNDS = """
(chart) => {
  const parse = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  const paper = getComputedStyle(chart.querySelector('.main-svg')).backgroundColor;
  const legends = [...chart.querySelectorAll('.legend rect.bg')].map((r) => r.style.fill);
  return [paper, ...legends].map((colour) => lum(parse(colour)));
}
"""


@pytest.fixture(scope="module")
def one_year(live_server):
    """Create the account with a year of demo history once for this module."""
    return demo_account(live_server.app, EMAIL, 1, "Europe/London", seed=5)


def open_signed_in(make_page, device, **options):
    """Open a page on `device` and sign in to the one-year account through the form."""
    extra = {key: value for key, value in device.items() if key != "viewport"}
    page = make_page(device["viewport"], **extra, **options)
    page.goto("/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(on_path("/"))
    return page


def draw_all(page) -> None:
    """Open the charts with a range picked (they draw at once) and wait for every one."""
    page.goto("/?range=1y")
    for name in CHARTS:
        expect(page.locator(f'[data-chart="{name}"]')).to_have_attribute(
            "data-drawn", "true", timeout=30_000
        )


def swipe(page, device, x: float, y: float) -> None:
    """Move the page up by SWIPE_PX from (x, y): a finger dragged down, or the mouse wheel."""
    if device is not PHONE:
        page.mouse.move(x, y)
        page.mouse.wheel(0, -SWIPE_PX)
        return
    # Real touch events, one move a frame. (Debian's headless Chromium ignores
    # Input.synthesizeScrollGesture with a touch source: even plain text did not scroll.)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    steps = 15
    for step in range(1, steps + 1):
        point = {"x": x, "y": y + SWIPE_PX * step / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def scrolled_up(page, before: float) -> float:
    """Return how far the page moved up, once it has settled (a wheel scroll is animated)."""
    last = None
    for _ in range(20):
        now = page.evaluate("window.scrollY")
        if now == last:
            break
        last = now
        page.wait_for_timeout(100)
    return before - last


@DEVICES
def test_a_swipe_over_each_chart_scrolls_the_page(make_page, one_year, device):
    """Over every chart's plot area, a vertical swipe (or wheel) moves the page, not the plot."""
    page = open_signed_in(make_page, device)
    draw_all(page)
    stuck = []
    for name in CHARTS:
        chart = page.locator(f'[data-chart="{name}"]')
        # The chart's middle at the screen's middle, with room above to scroll into.
        chart.evaluate("(c) => c.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(100)
        before = page.evaluate("window.scrollY")
        assert before > SWIPE_PX, name
        centre = chart.evaluate(PLOT_CENTRE)
        swipe(page, device, centre["x"], centre["y"])
        moved = scrolled_up(page, before)
        if moved < SWIPE_PX / 2:
            stuck.append(f"{name}: the page moved {moved:.0f} px")
    assert not stuck, "\n".join(stuck)


@DEVICES
def test_today_fetches_plotly_only_when_a_chart_nears(make_page, one_year, device):
    """Today's first load asks for no chart and no plotly.js; scrolling to the charts does."""
    page = open_signed_in(make_page, device)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".glance-svg").is_visible()
    assert not [url for url in requests if PLOTLY in url or "/api/v1/charts/" in url]
    expect(page.locator('[data-chart="timeline"]')).not_to_have_attribute("data-drawn", "true")
    page.locator("#charts-title").scroll_into_view_if_needed()
    expect(page.locator('[data-chart="timeline"]')).to_have_attribute(
        "data-drawn", "true", timeout=30_000
    )
    assert [url for url in requests if PLOTLY in url]


@DEVICES
@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_chart_backgrounds_follow_the_colour_scheme(make_page, one_year, device, scheme):
    """In dark mode every chart's paper and plot area are dark; in light mode, light."""
    page = open_signed_in(make_page, device, color_scheme=scheme)
    draw_all(page)
    for name in CHARTS:
        backgrounds = page.locator(f'[data-chart="{name}"]').evaluate(BACKGROUNDS)
        if scheme == "dark":
            assert max(backgrounds) < 0.15, name
        else:
            assert min(backgrounds) > 0.85, name


def test_on_a_phone_charts_fit_a_screen_without_a_mode_bar(make_page, one_year):
    """At 390 x 844 no chart is taller than the screen, no mode bar shows, a button downloads."""
    page = open_signed_in(make_page, PHONE)
    draw_all(page)
    for name in CHARTS:
        chart = page.locator(f'[data-chart="{name}"]')
        height = chart.evaluate(
            "(c) => c.querySelector('.main-svg').getBoundingClientRect().height"
        )
        assert height <= MOBILE["height"], name
        chart.tap(position={"x": 100, "y": 100})
    assert (
        page.locator(".modebar").evaluate_all("(bars) => bars.filter((b) => b.offsetParent)") == []
    )
    button = page.get_by_role("button", name='Download image of "Scores over time" (PNG)')
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename.endswith(".png")


def test_on_a_desk_the_mode_bar_is_kept(make_page, one_year):
    """With a mouse, plotly's zoom and pan stay: hovering a chart shows its mode bar."""
    page = open_signed_in(make_page, DESK)
    draw_all(page)
    page.locator('[data-chart="timeline"]').hover()
    expect(page.locator('[data-chart="timeline"] .modebar')).to_be_visible()
