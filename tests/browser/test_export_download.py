"""Downloading a chart as a PNG from the dashboard with Plotly's own toolbar button."""

import io

from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from journal.cli import load_demo
from journal.demo import generate
from journal.extensions import db
from journal.models import User
from journal.records import user_today
from tests.browser.harness import DESKTOP, signup

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def give_history(app, email: str) -> None:
    """Load three months of demo history into the account with this email."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        load_demo(user, generate(0.25, user_today(user), user.timezone, seed=7))


def test_download_timeline_png_from_the_dashboard(make_page, live_server):
    """The camera button saves a named PNG on a white background."""
    page = make_page(DESKTOP, accept_downloads=True)
    email = signup(page)
    give_history(live_server.app, email)
    page.goto("/?range=90d")
    chart = page.locator('[data-chart="timeline"]')
    expect(chart).to_have_attribute("data-drawn", "true", timeout=20_000)

    chart.hover()  # Plotly shows its toolbar on hover
    button = chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')
    with page.expect_download() as info:
        button.click()
    download = info.value

    assert download.suggested_filename.startswith("mood-journal-timeline-")
    assert download.suggested_filename.endswith(".png")
    with open(download.path(), "rb") as file:
        data = file.read()
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    assert image.width >= 600 and image.height >= 300
    assert image.convert("RGB").getpixel((3, 3)) == (255, 255, 255)
