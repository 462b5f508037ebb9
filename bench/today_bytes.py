"""Bytes a phone downloads for Today: a cold first load, then a second visit.

Run: .venv/bin/python bench/today_bytes.py

A signed-in account with a year of demo history opens Today in a fresh browser context (empty
HTTP cache, no service worker), waits for the worker to install, then opens Today again. Each
load is counted twice: what the page itself saw arrive (resource timings' transferSize, what
Lighthouse counts) and every response body the server sent meanwhile (the worker's precache and
warm-up included). Static files the second visit fetched from the network are listed by path.
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.pwa import PAGE_BYTES_JS, WireCounter, settle  # noqa: E402
from journal.cli import load_demo  # noqa: E402
from journal.demo import generate  # noqa: E402
from journal.extensions import db  # noqa: E402
from journal.models import User  # noqa: E402
from journal.records import user_today  # noqa: E402
from tests.browser.harness import launch_chromium, new_context, serve_app, signup  # noqa: E402
from tests.browser.pwa_support import request_log, wait_for_worker  # noqa: E402


def give_demo_history(app, email: str) -> None:
    """Load a year of demo history into the account with this email."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        load_demo(user, generate(1, user_today(user), user.timezone, seed=5))


def load_today(page, wire) -> tuple[float, float]:
    """Open Today, let charts and background work finish; return (page KiB, server KiB)."""
    page.goto("/")
    page.wait_for_load_state("networkidle")
    settle(page, 2.0)
    return page.evaluate(PAGE_BYTES_JS) / 1024, wire.take()[1] / 1024


def main() -> None:
    """Measure and print a small table."""
    with tempfile.TemporaryDirectory() as folder:
        with serve_app(f"sqlite:///{folder}/bench.sqlite") as server, launch_chromium() as browser:
            setup = new_context(browser, server.url)
            email = signup(setup.new_page())
            give_demo_history(server.app, email)
            state = setup.storage_state()
            setup.close()

            wire = WireCounter(server.app)
            context = new_context(browser, server.url, storage_state=state)
            page = context.new_page()
            wire.take()
            first = load_today(page, wire)
            wait_for_worker(page)
            settle(page, 3.0)
            first = (first[0], first[1] + wire.take()[1] / 1024)  # the worker's install too
            with request_log(server.app) as log:
                second = load_today(page, wire)
            static = log.matching("GET", "/static/")
            context.close()

    print("Today, 1-year demo account  | page saw (KiB) | server sent (KiB)")
    print("----------------------------|----------------|------------------")
    print(f"first load (cold)           | {first[0]:14,.1f} | {first[1]:17,.1f}")
    print(f"second visit                | {second[0]:14,.1f} | {second[1]:17,.1f}")
    print(f"static files fetched on the second visit: {static or 'none'}")


if __name__ == "__main__":
    main()
