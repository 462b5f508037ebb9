"""The dashboard's charts, drawn by plotly.js in Chromium from the chart API."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from journal.cli import load_demo
from journal.demo import generate
from journal.extensions import db
from journal.models import User
from journal.records import user_today
from tests.browser.harness import DESKTOP, MOBILE, settle, signup

CHARTS = ["timeline", "calendar", "around-sessions", "session-change", "durability", "items"]


def give_demo_history(app, email: str) -> None:
    """Load a year of demo history into the account with this email."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        load_demo(user, generate(1, user_today(user), user.timezone, seed=5))


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390", "1280"])
def test_every_chart_draws_with_data_points(make_page, live_server, viewport):
    """Each chart draws an SVG with data points and a caption, without console errors."""
    page = make_page(viewport)
    email = signup(page)
    give_demo_history(live_server.app, email)
    page.goto("/?range=1y")
    for name in CHARTS:
        chart = page.locator(f'[data-chart="{name}"]')
        expect(chart).to_have_attribute("data-drawn", "true", timeout=20_000)
        points = chart.locator(
            ".main-svg .scatterlayer path.point, .main-svg .barlayer path, .heatmaplayer image"
        )
        assert points.count() > 0, name
        caption = page.locator(f'[data-chart-caption="{name}"]')
        expect(caption).not_to_have_text("Loading…")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]


def test_new_user_sees_empty_states_not_blank_plots(page):
    """With no data the captions say what to log first and no empty plot box is shown."""
    signup(page)
    settle(page)  # Today draws each chart as it nears the screen
    for name in CHARTS:
        chart = page.locator(f'[data-chart="{name}"]')
        expect(chart).to_have_attribute("data-drawn", "empty")
        expect(chart).to_be_hidden()
        expect(page.locator(f'[data-chart-caption="{name}"]')).to_contain_text("Log")


def test_range_picker_keeps_choice_in_url(page):
    """Choosing a range reloads with it in the URL; Custom reveals the date inputs."""
    signup(page)
    expect(page.locator(".range-custom")).to_be_hidden()
    page.get_by_label("Last 30 days").check()
    page.wait_for_url("**/?range=30d*")
    page.get_by_label("Custom").check()
    expect(page.locator(".range-custom")).to_be_visible()
