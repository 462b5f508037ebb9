"""What travels to a phone for Today: every text response compressed, and on a second visit no
static file from the network (the HTTP cache holds the hashed URLs, the worker the shell)."""

import time

import pytest
from sqlalchemy import select

from journal.cli import load_demo
from journal.demo import generate
from journal.extensions import db
from journal.models import User
from journal.records import user_today

from .harness import TIMEOUT_MS, signup
from .pwa_support import request_log, wait_for_worker

MIN_COMPRESSED = 512  # journal/compression.py leaves smaller answers plain


@pytest.fixture(scope="module")
def member(browser, live_server):
    """One signed-up user with three months of demo history; returns the browser storage state."""
    context = browser.new_context(base_url=live_server.url)
    email = signup(context.new_page())
    with live_server.app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        load_demo(user, generate(0.25, user_today(user), user.timezone, seed=3))
        db.session.remove()
    state = context.storage_state()
    context.close()
    return state


def wait_for_request(page, log, path: str) -> None:
    """Wait until the server has been asked for this path."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while path not in log.matching("GET", path):
        assert time.monotonic() < deadline, f"{path} was never fetched"
        page.wait_for_timeout(100)


def bring_charts_into_view(page) -> None:
    """Scroll to each chart, so charts drawn only near the viewport fetch their data too."""
    for chart in page.locator("[data-chart]").all():
        chart.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")


def test_html_css_js_and_chart_json_arrive_compressed(make_page, member):
    """A cold load of Today: the page, its stylesheets and scripts and the chart JSON are br."""
    page = make_page(storage_state=member)
    seen = []
    page.on("response", lambda response: seen.append(response))
    page.goto("/")
    bring_charts_into_view(page)

    def kind(response) -> str:
        if "/api/v1/charts/" in response.url:
            return "chart json"
        return response.request.resource_type

    text = [r for r in seen if kind(r) in ("document", "stylesheet", "script", "chart json")]
    assert {kind(r) for r in text} == {"document", "stylesheet", "script", "chart json"}
    plain = [
        (kind(r), r.url)
        for r in text
        if r.status == 200
        and len(r.body()) >= MIN_COMPRESSED
        and r.header_value("content-encoding") != "br"
    ]
    assert plain == []


@pytest.mark.parametrize("workers", ["allow", "block"])
def test_second_visit_to_today_fetches_no_static_file(make_page, live_server, member, workers):
    """Served by the worker's shell, or (workers blocked) by the HTTP cache's hashed URLs."""
    page = make_page(storage_state=member, service_workers=workers)
    with request_log(live_server.app) as log:
        page.goto("/")
        if workers == "allow":
            wait_for_worker(page)
        page.wait_for_load_state("networkidle")
        # Chromium fetches the tab's icon after the load, outside "networkidle": let that first
        # fetch finish, or it lands in the second visit's log.
        wait_for_request(page, log, page.locator("link[rel=icon]").get_attribute("href"))
        log.clear()
        page.goto("/")
        page.wait_for_load_state("networkidle")

    assert log.matching("GET", "/") != []  # the page itself is always asked for afresh
    used = page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)"
    )
    static = {path for path in used if path.startswith("/static/")}
    assert any(path.endswith(".css") for path in static) and len(static) > 5
    # The page's own files only: Chromium fetches the tab's favicon on a schedule of its own
    # (a late fetch from the first visit can land here), and the page never sees it.
    assert static & set(log.matching("GET", "/static/")) == set()
