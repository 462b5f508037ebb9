"""The therapist's share view of a year: the summary first, the details folded, at 390 px.

Only a browser shows how tall the page is and whether a chart drawn while folded fits its
column once opened.
"""

from sqlalchemy import select

from journal.cli import load_demo
from journal.demo import generate
from journal.extensions import db
from journal.models import User
from journal.records import user_today

from .harness import axe_violations, settle, signup

SCREEN = 844  # the phone's height in the MOBILE viewport
MOST_SCREENS = 4


def share_a_year(page, live_server) -> str:
    """Sign up, load a year of demo history for that account, return a share link's path."""
    email = signup(page)
    with live_server.app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        load_demo(user, generate(1, user_today(user), user.timezone, seed=1))
        db.session.commit()
    token = page.request.get("/api/v1/csrf").json()["csrf_token"]
    response = page.request.post(
        "/api/v1/shares", data={"expires_in_days": 7}, headers={"X-CSRFToken": token}
    )
    assert response.ok, response.text()
    return "/s/" + response.json()["url"].rsplit("/s/", 1)[1]


def test_a_year_reads_in_a_few_screens_and_each_part_opens_to_fit(page, make_page, live_server):
    """Summary, banner, chart and "did the sessions help" first; the rest opens on a tap."""
    path = share_a_year(page, live_server)
    viewer = make_page(bypass_csp=True)
    viewer.goto(path)
    settle(viewer)

    height = viewer.evaluate("() => document.documentElement.scrollHeight")
    assert height <= MOST_SCREENS * SCREEN, f"{height} px is more than {MOST_SCREENS} screens"
    helped = viewer.get_by_role("heading", name="Did the sessions help?")
    assert helped.is_visible()
    assert not viewer.locator("#part-scores table").is_visible()  # folded

    viewer.locator("#part-session-charts > summary").click()
    chart = viewer.locator('[data-chart="around-sessions"]')
    # Drawn when its part opens (charts.js draws a chart as it nears the screen): it must fit.
    viewer.wait_for_function(
        """() => {
          const svg = document.querySelector('[data-chart="around-sessions"] .main-svg');
          return svg && svg.getBoundingClientRect().width <= document.body.clientWidth;
        }"""
    )
    box = chart.bounding_box()
    assert box["width"] <= 390 and box["x"] >= 0
    assert viewer.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert not axe_violations(viewer)
