"""The offline app in numbers: saving offline, syncing a backlog, and bytes over the wire.

Run: .venv/bin/python bench/pwa.py [--saves 20] [--backlog 200]

Drives Debian's Chromium (Playwright) against the app on a local server, the way the browser
tests do (tests/browser/harness.py). Bytes are counted on the server: response bodies of every
request, the page's and the service worker's alike (the worker's precache and warm-up never show
in the page's own resource timings). The page's own view, performance transferSize, is printed
alongside. Issue 5 asks for: time to save an entry offline, time to sync 200 queued entries,
bytes on first load and on a repeat visit.
"""

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from journal.extensions import db  # noqa: E402
from journal.models import CheckIn  # noqa: E402
from tests.browser.harness import (  # noqa: E402
    fill_checkin,
    form_date,
    launch_chromium,
    new_context,
    serve_app,
    signup,
)
from tests.browser.pwa_support import (  # noqa: E402
    queued,
    wait_for_worker,
    wait_until_warm,
)

# Resolves with the milliseconds from "Save" to the "Saved on this device" notice.
TIME_SAVE_JS = """() => new Promise((resolve) => {
  const form = document.querySelector('form[data-checkin-form]');
  let start = 0;
  const mark = () => { start = performance.now(); };
  form.addEventListener('submit', mark, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    const notice = document.querySelector('[data-saved-notice]');
    if (start && notice && notice.textContent.includes('Saved on this device')) {
      observer.disconnect();
      resolve(performance.now() - start);
    }
  });
  const watch = { childList: true, subtree: true, characterData: true };
  observer.observe(document.querySelector('main'), watch);
})"""

# Stores `count` check-ins through the worker, exactly as the form does after building its body.
ENQUEUE_JS = """async ({ count, today, user }) => {
  const send = (message) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    navigator.serviceWorker.controller.postMessage(message, [channel.port2]);
  });
  const day = new Date(`${today}T12:00:00Z`);
  for (let n = 1; n <= count; n += 1) {
    const date = new Date(day.getTime() - n * 86400000).toISOString().slice(0, 10);
    const answers = [1, 0, 1, 0, 1, 0, 1, 0, 0];
    await send({ type: 'ENQUEUE', intent: {
      client_id: crypto.randomUUID(), kind: 'checkin', user, created_at: new Date().toISOString(),
      payload: { instrument: 'daily', local_date: date, answers, mood: 5, note: null },
    } });
  }
}"""

PAGE_BYTES_JS = """() => ['navigation', 'resource']
  .flatMap((type) => performance.getEntriesByType(type))
  .reduce((sum, entry) => sum + (entry.transferSize || 0), 0)"""


def page_kib(page) -> float:
    """Return the KiB the page itself saw arrive (its resource timings' transferSize)."""
    return page.evaluate(PAGE_BYTES_JS) / 1024


class WireCounter:
    """Count requests and response body bytes the app sends, by wrapping its WSGI callable."""

    def __init__(self, app):
        self.app, self.inner = app, app.wsgi_app
        self.requests = self.bytes = 0
        self._lock = threading.Lock()
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        body = self.inner(environ, start_response)
        with self._lock:
            self.requests += 1
        try:
            for chunk in body:
                with self._lock:
                    self.bytes += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()

    def take(self) -> tuple[int, int]:
        """Return (requests, bytes) since the last take, and start counting afresh."""
        with self._lock:
            counted = (self.requests, self.bytes)
            self.requests = self.bytes = 0
        return counted


def step(message: str) -> None:
    """Say what the bench is doing (on stderr, so the table on stdout stays clean)."""
    print(f"... {message}", file=sys.stderr, flush=True)


def settle(page, seconds: float = 1.0) -> None:
    """Let background work (precache, warm-up, revalidation) finish before counting."""
    page.wait_for_timeout(seconds * 1000)


def main() -> None:
    """Measure, then print a small table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20, help="offline saves to time")
    parser.add_argument("--backlog", type=int, default=200, help="queued entries to sync")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory() as folder:
        with serve_app(f"sqlite:///{folder}/bench.sqlite") as server, launch_chromium() as browser:
            wire = WireCounter(server.app)
            context = new_context(browser, server.url)
            page = context.new_page()

            step("first visit")
            page.goto("/")
            wait_for_worker(page)
            settle(page)
            requests, sent = wire.take()
            rows.append(
                (
                    "first visit, signed out: page + worker install (precache)",
                    f"{requests} requests, {sent / 1024:,.0f} KiB "
                    f"(page saw {page_kib(page):,.0f} KiB)",
                )
            )

            step("sign-up and warm-up")
            signup(page)
            wait_until_warm(
                page, ("/checkins/new", "/treatments/new", "/reflections/new", "/pending")
            )
            settle(page)
            requests, sent = wire.take()
            rows.append(
                (
                    "first signed-in load: sign-up, home + offline pages warm-up",
                    f"{requests} requests, {sent / 1024:,.0f} KiB",
                )
            )

            step("repeat visit")
            page.reload()
            settle(page)
            requests, sent = wire.take()
            rows.append(
                (
                    "repeat visit: reload / (worker in control)",
                    f"{requests} requests, {sent / 1024:,.0f} KiB "
                    f"(page saw {page_kib(page):,.1f} KiB)",
                )
            )

            page.goto("/checkins/new")
            today = form_date(page)
            user = page.evaluate(
                "() => JSON.parse(document.getElementById('pwa-page').textContent).user"
            )
            step("saving offline")
            context.set_offline(True)
            timings = []
            for n in range(args.saves):
                page.goto("/checkins/new")
                fill_checkin(
                    page,
                    [1, 0, 1, 0, 1, 0, 1, 0, 0],
                    mood=5,
                    local_date=today - dt.timedelta(days=n + 1),
                )
                # Not awaited here: the promise settles after the click below.
                page.evaluate(f"() => {{ window.benchSave = ({TIME_SAVE_JS})(); }}")
                page.get_by_role("button", name="Save check-in").click()
                timings.append(page.evaluate("() => window.benchSave"))
                expect(page.locator("[data-saved-notice]")).to_contain_text("back online")
            rows.append(
                (
                    f"save an entry offline: Save -> 'Saved on this device' (n={args.saves})",
                    f"median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms",
                )
            )
            step("sending the offline saves")
            context.set_offline(False)
            page.wait_for_function("() => navigator.onLine")
            deadline = time.monotonic() + 60
            while queued(page) and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            left = queued(page)
            assert not left, f"{len(left)} offline saves not sent: {left[0]}"

            step(f"queueing {args.backlog}")
            # The backlog: stored while offline, then the network returns.
            context.set_offline(True)
            page.wait_for_function("() => !navigator.onLine")
            page.goto("/checkins/new")
            backlog_start = today - dt.timedelta(days=args.saves + 1)
            page.evaluate(
                ENQUEUE_JS,
                {"count": args.backlog, "today": backlog_start.isoformat(), "user": user},
            )
            waiting = len(queued(page))
            assert waiting == args.backlog, f"{waiting} queued, not {args.backlog}"
            wire.take()
            step(f"syncing {args.backlog}")
            start = time.perf_counter()
            context.set_offline(False)  # the page's `online` event (and Background Sync) flush
            deadline = time.monotonic() + 300
            while queued(page) and time.monotonic() < deadline:
                page.wait_for_timeout(20)
            elapsed = time.perf_counter() - start
            requests, sent = wire.take()
            with server.app.app_context():
                stored = db.session.scalar(select(func.count()).select_from(CheckIn))
                db.session.remove()
            rows.append(
                (
                    f"sync {args.backlog} queued entries: online -> queue empty",
                    f"{elapsed:.2f} s ({elapsed / args.backlog * 1000:.1f} ms each; "
                    f"{requests} requests)",
                )
            )
            rows.append(
                (
                    "check-ins on the server afterwards",
                    f"{stored} (expected {args.saves + args.backlog})",
                )
            )
            context.close()

    width = max(len(label) for label, _ in rows)
    print(f"{'measure'.ljust(width)} | result")
    print(f"{'-' * width}-|-{'-' * 40}")
    for label, value in rows:
        print(f"{label.ljust(width)} | {value}")


if __name__ == "__main__":
    main()
