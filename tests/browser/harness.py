"""Shared by the browser tests and scripts/screenshots.py: a live server, Chromium, page helpers.

Nothing here depends on pytest fixtures, so a plain script can drive the app the same way the
tests do.
"""

import contextlib
import datetime as dt
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import make_server

from journal import create_app
from journal.accounts.users import register_user
from journal.cli import load_demo
from journal.config import Defaults
from journal.demo import generate
from journal.extensions import db
from journal.records import user_today
from tests.conftest import PASSWORD, test_config

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(
    "/usr/bin/chromium"
)  # Debian's build; Playwright's own browsers are never installed
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MOBILE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000

# Console errors that are known app bugs, each with the fix that lets us drop it from this list
# (none today: /favicon.ico is served since issue 21).
IGNORED_CONSOLE_URLS: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageSpec:
    """A page the accessibility test checks and the screenshot script photographs."""

    name: str  # the screenshot's file stem and the test id: "checkins-new" -> checkins-new-390.png
    path: str  # may name sample records, e.g. "{checkin}/edit" (see create_sample_records)
    signed_in: bool = False


# Add a page here and it is both checked by axe (tests/browser/test_accessibility.py) and
# photographed (scripts/screenshots.py).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("welcome", "/"),
    PageSpec("login", "/auth/login"),
    PageSpec("register", "/auth/register"),
    PageSpec("help", "/help"),
    PageSpec("help-jp", "/help?region=JP"),
    PageSpec("offline", "/offline"),
    PageSpec("today", "/", signed_in=True),
    PageSpec("checkins", "/checkins/", signed_in=True),
    PageSpec("checkins-new", "/checkins/new", signed_in=True),
    PageSpec("checkins-new-phq9", "/checkins/new?instrument=phq9", signed_in=True),
    PageSpec("checkins-new-gad7", "/checkins/new?instrument=gad7", signed_in=True),
    PageSpec("checkins-new-pcl5", "/checkins/new?instrument=pcl5", signed_in=True),
    PageSpec("checkins-new-pcl5w", "/checkins/new?instrument=pcl5w", signed_in=True),
    PageSpec("checkins-new-who5", "/checkins/new?instrument=who5", signed_in=True),
    PageSpec("settings", "/settings/", signed_in=True),
    PageSpec("reminders", "/reminders/", signed_in=True),
    PageSpec("checkin-result", "{checkin}", signed_in=True),
    PageSpec("checkin-edit", "{checkin}/edit", signed_in=True),
    PageSpec("checkin-delete", "{checkin}/delete", signed_in=True),
    PageSpec("treatments", "/treatments/", signed_in=True),
    PageSpec("treatments-new", "/treatments/new", signed_in=True),
    PageSpec("treatment", "{treatment}", signed_in=True),
    PageSpec("treatment-edit", "{treatment}/edit", signed_in=True),
    PageSpec("reflections", "/reflections/", signed_in=True),
    PageSpec("reflections-new", "/reflections/new", signed_in=True),
    PageSpec("reflection", "{reflection}", signed_in=True),
    PageSpec("timeline", "/timeline", signed_in=True),
    PageSpec("export", "/export/", signed_in=True),
    PageSpec("report", "/export/report", signed_in=True),
    PageSpec("shares", "/shares/", signed_in=True),
    PageSpec("pending", "/pending", signed_in=True),
    PageSpec("safety-plan", "/safety-plan", signed_in=True),
    PageSpec("forgot", "/auth/forgot"),
    PageSpec("account", "/settings/account", signed_in=True),
    PageSpec("account-password", "/settings/account/password", signed_in=True),
    PageSpec("account-email", "/settings/account/email", signed_in=True),
    PageSpec("account-activity", "/settings/account/activity", signed_in=True),
    PageSpec("account-delete", "/settings/account/delete", signed_in=True),
    PageSpec("account-two-step", "/settings/account/two-step", signed_in=True),
)


# --- the server --------------------------------------------------------------------------


def close_responses(app):
    """Wrap a WSGI app so every response is closed, even when the client hangs up.

    Werkzeug's dev server drains the socket in a `finally` before it closes the response; when
    the browser has reset the connection (a context closed while the service worker was still
    downloading) that drain raises, the close is skipped, and the static file it was sending is
    left to the garbage collector: an "unclosed file" ResourceWarning in whichever test runs.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


class LiveServer:
    """The app served by werkzeug on 127.0.0.1 in a daemon thread; `.url` and `.app`."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        self.app = app
        self._server = make_server(host, port, close_responses(app), threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="live-server", daemon=True
        )

    def start(self) -> "LiveServer":
        """Start answering requests."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@contextlib.contextmanager
def serve_app(database_url: str, **config) -> Iterator[LiveServer]:
    """Create the schema, serve the app, and drop the schema and close connections afterwards.

    `database_url` must be shared by threads: a SQLite *file* or a server database, never
    in-memory SQLite. CSRF and sign-in limits keep their defaults: the browser goes through them.
    Only sign-ups per address are raised: one server serves a whole module's sign-ups from
    127.0.0.1, more than the 20 an hour one address may make.
    """
    throttle = {**Defaults.JOURNAL_THROTTLE, "signup_address": (1000, 3600)}
    config = {"JOURNAL_THROTTLE": throttle, **config}
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=database_url, **config))
    with app.app_context():
        db.create_all()
    server = LiveServer(app).start()
    try:
        yield server
    finally:
        server.stop()
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


# --- the browser -------------------------------------------------------------------------


def demo_account(app, email: str, years: float, timezone: str, seed: int) -> str:
    """Register an account with `years` of demo history (signed in through the form later)."""
    with app.app_context():
        user = register_user(email, PASSWORD, timezone)
        load_demo(user, generate(years, user_today(user), user.timezone, seed=seed))
        db.session.commit()
    return email


@contextlib.contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Launch Debian's Chromium through Playwright and close it afterwards."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser: Browser, base_url: str, viewport=None, **options) -> BrowserContext:
    """Open a context on the live server (390 x 844 unless told otherwise)."""
    context = browser.new_context(base_url=base_url, viewport=viewport or MOBILE, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def watch_console(page: Page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions into a list, and return it."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if urlsplit(where).path in IGNORED_CONSOLE_URLS:
            return
        errors.append(f"console.error on {page.url}: {message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught error on {page.url}: {error}"))
    return errors


# --- what a person does ------------------------------------------------------------------


def on_path(path: str):
    """Return a URL predicate for page.wait_for_url that matches one path."""
    return lambda url: urlsplit(url).path == path


def signup(page: Page, email: str | None = None, region: str = "US") -> str:
    """Register through the real form at /auth/register, land on "/", and return the email."""
    email = email or f"{uuid.uuid4().hex[:12]}@example.com"
    page.goto("/auth/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    # app.js fills the time zone from the device; without JavaScript the field keeps "UTC".
    expect(page.get_by_label("Time zone")).not_to_have_value("")
    page.get_by_label("Where should we point you for crisis help?").select_option(region)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(on_path("/"))
    return email


def question(page: Page, number: int):
    """Return the fieldset of question `number` (1-based), found by its legend."""
    return page.get_by_role("group", name=re.compile(rf"^{number}\. "))


def answer(page: Page, number: int, label: str) -> None:
    """Answer question `number` by the text of its option, the way a person picks it."""
    question(page, number).get_by_label(label, exact=True).check()


def fill_checkin(
    page: Page,
    answers: list[int],
    mood: int | None = None,
    note: str | None = None,
    local_date: dt.date | None = None,
) -> None:
    """Fill the open check-in form: one value per item (0-3), then mood, note and date."""
    for number, value in enumerate(answers, start=1):
        page.locator(f"input[name='item{number}'][value='{value}']").check()
    if mood is not None:
        page.locator(f"input[name='mood'][value='{mood}']").check()
    if note is not None:
        open_note(page)
        page.get_by_label("Note (optional)").fill(note)
    if local_date is not None:
        page.get_by_label("Date", exact=True).fill(local_date.isoformat())


def sign_out_button(page: Page):
    """Open the tab bar's More menu if it is closed, and return its Sign out button."""
    summary = page.locator("details.more:not([open]) > summary")
    if summary.count():
        summary.click()
    return page.get_by_role("button", name="Sign out")


def open_note(page: Page) -> None:
    """Open the daily form's folded "Add a note" section, if it is there and closed."""
    summary = page.locator("details.note-details:not([open]) > summary")
    if summary.count():
        summary.click()


def submit_checkin(page: Page) -> str:
    """Press "Save check-in", wait for the result page, and return its path."""
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(re.compile(r"/checkins/[0-9a-f-]{36}$"))
    return urlsplit(page.url).path


def form_date(page: Page) -> dt.date:
    """Return the date the open check-in form proposes (today in the user's time zone)."""
    return dt.date.fromisoformat(page.get_by_label("Date", exact=True).input_value())


def create_sample_records(page: Page) -> dict[str, str]:
    """Create, through the pages, the records PageSpec paths name; return {name: path}.

    The check-in is yesterday's, so /checkins/new still shows an empty form for today, and its
    item 9 is above 0, so its result page carries the crisis panel.
    """
    page.goto("/checkins/new")
    yesterday = form_date(page) - dt.timedelta(days=1)
    fill_checkin(
        page, [1, 2, 1, 2, 0, 1, 1, 0, 1], mood=4, note="Slept badly.", local_date=yesterday
    )
    records = {"checkin": submit_checkin(page)}
    # A session two days ago and a reflection on it, through the API the PWA uses.
    token = page.request.get("/api/v1/csrf").json()["csrf_token"]
    headers = {"X-CSRFToken": token}
    session_id, reflection_id = str(uuid.uuid4()), str(uuid.uuid4())
    started = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).replace(microsecond=0)
    session = {
        "started_at": started.isoformat(),
        "route": "iv",
        "dose": 0.5,
        "dose_unit": "mg/kg",
        "clinic": "Riverside",
        "side_effects": {"dissociation": 5, "nausea": "mild"},
    }
    response = page.request.put(f"/api/v1/treatments/{session_id}", data=session, headers=headers)
    assert response.ok, response.text()
    reflection = {
        "local_date": yesterday.isoformat(),
        "treatment_id": session_id,
        "text": "Felt far away, then calm.",
        "tags": ["integration"],
    }
    response = page.request.put(
        f"/api/v1/reflections/{reflection_id}", data=reflection, headers=headers
    )
    assert response.ok, response.text()
    records["treatment"] = f"/treatments/{session_id}"
    records["reflection"] = f"/reflections/{reflection_id}"
    return records


SETTLED = "() => [...document.querySelectorAll('[data-chart]')].every((c) => c.dataset.drawn)"
# Today and the share view draw a chart only when it nears the screen: open the folded parts
# that hold charts, bring each chart near in turn, then fold those parts again and go back up.
VISIT_CHARTS = """
async () => {
  const folded = [...document.querySelectorAll('details:not([open])')]
    .filter((part) => part.querySelector('[data-chart]'));
  folded.forEach((part) => { part.open = true; });
  for (const chart of document.querySelectorAll('[data-chart]')) {
    chart.scrollIntoView({block: 'center'});
    const until = Date.now() + 20000;  // then wait_for_function below fails with its timeout
    while (!chart.dataset.drawn && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  folded.forEach((part) => { part.open = false; });
  window.scrollTo(0, 0);
}
"""


def settle(page: Page) -> None:
    """Wait for what scripts draw after load (charts set data-drawn, even on failure)."""
    page.evaluate(VISIT_CHARTS)
    page.wait_for_function(SETTLED)


def resolve(spec: PageSpec, records: dict[str, str]) -> str:
    """Return the spec's path with sample record paths filled in."""
    return spec.path.format(**records)


# --- accessibility -----------------------------------------------------------------------


class AxeViolations(list):
    """axe-core violations; `str()` (and `.message`) lists them readably."""

    @property
    def message(self) -> str:
        """Return one paragraph per violation: id, impact, help and the first targets."""
        lines = []
        for violation in self:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            more = len(violation["nodes"]) - len(targets)
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
                f"  {violation['helpUrl']}\n"
                f"  at: {'; '.join(targets)}{f' (+{more} more)' if more > 0 else ''}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


def axe_violations(page: Page, impacts=("serious", "critical")) -> AxeViolations:
    """Run axe-core on the page and return the violations of the given impacts.

    The app's CSP (script-src 'self') blocks the inline <script> that add_script_tag writes, so
    the page must come from a context opened with bypass_csp=True.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE_PATH)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return AxeViolations(v for v in result["violations"] if v["impact"] in impacts)
