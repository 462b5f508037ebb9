"""Browser tests: the app on a live server, driven by Debian's Chromium through Playwright.

Run them alone with `pytest -m browser`. Helpers that scripts share live in harness.py.
"""

from pathlib import Path

import pytest

from tests.conftest import DATABASE_URL

from .harness import (
    CHROMIUM,
    DESKTOP,
    MOBILE,
    launch_chromium,
    new_context,
    serve_app,
    watch_console,
)

HERE = Path(__file__).parent
NO_CHROMIUM = (
    f"Debian's Chromium is not at {CHROMIUM}; install it with scripts/install-system-deps.sh "
    "(as root) to run the browser tests"
)


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser`, and skip them when Chromium is missing."""
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve the app on a free port for the whole session; yields `.url` and `.app`.

    Threads share the database, so in-memory SQLite will not do: a SQLite file in a temporary
    folder, or TEST_DATABASE_URL when CI points the suite at PostgreSQL.
    """
    in_memory = DATABASE_URL == "sqlite://" or ":memory:" in DATABASE_URL
    if in_memory:
        database_url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'journal.sqlite'}"
    else:
        database_url = DATABASE_URL
    with serve_app(database_url) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Launch Chromium once per session."""
    with launch_chromium() as browser:
        yield browser


def fail_on_console_errors(pages) -> None:
    """Fail the test when any page logged a console error or threw."""
    errors = [error for page in pages for error in page.console_errors]
    if errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def make_page(browser, live_server):
    """Return a factory: make_page(viewport=..., **context_options) opens a page in a new context.

    Each page collects console errors in `page.console_errors`; the test fails at teardown if
    any are left (a test that expects one can assert on it and clear the list).
    """
    contexts, pages = [], []

    def make(viewport=None, **options):
        context = new_context(browser, live_server.url, viewport or MOBILE, **options)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = watch_console(page)
        pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()
    fail_on_console_errors(pages)


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context on the live server at 390 x 844 (a phone)."""
    context = new_context(browser, live_server.url, MOBILE)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page at 390 px; fails the test at teardown on any console error or page error."""
    page = context.new_page()
    page.console_errors = watch_console(page)
    yield page
    fail_on_console_errors([page])


@pytest.fixture
def desktop_page(make_page):
    """A page at 1280 x 800 (a desk)."""
    return make_page(DESKTOP)
