"""Helpers the PWA browser tests share: a server-side request log, and looking into the
service worker's caches and the offline queue from a page."""

import contextlib
import re
import threading
import time
from collections.abc import Iterator

from playwright.sync_api import BrowserContext, Page

from tests.conftest import PASSWORD

from .harness import TIMEOUT_MS, on_path


def unhashed(path: str) -> str:
    """Return a static path without its /v/<hash> part (journal/static_urls.py)."""
    return re.sub(r"^/static/v/[^/]+/", "/static/", path)


class RequestLog:
    """Every request the live server answered while installed: (method, path) pairs."""

    def __init__(self):
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def add(self, method: str, path: str) -> None:
        """Record one request (the server answers on several threads)."""
        with self._lock:
            self.requests.append((method, path))

    def clear(self) -> None:
        """Forget what was recorded so far."""
        with self._lock:
            self.requests.clear()

    def by_pages(self) -> list[tuple[str, str]]:
        """Return the requests a page or the worker made, leaving out worker update checks.

        Chromium's browser process checks /sw.js (and the modules it imports) for a new version
        now and then; DevTools network emulation does not cover that check, so with the context
        "offline" it still reaches the server. A real offline device would not see it either way,
        and no page depends on it.
        """
        update_check = {
            "/sw.js",
            "/static/js/offline-queue.js",
            "/static/js/sw-reminders.js",
            "/static/js/sw-user.js",
        }
        with self._lock:
            return [(m, p) for m, p in self.requests if unhashed(p) not in update_check]

    def matching(self, method: str, prefix: str) -> list[str]:
        """Return the paths of recorded requests with this method under a path prefix."""
        with self._lock:
            return [p for m, p in self.requests if m == method and p.startswith(prefix)]


@contextlib.contextmanager
def request_log(app) -> Iterator[RequestLog]:
    """Record every request the app answers, by wrapping its WSGI callable for a while."""
    log = RequestLog()
    inner = app.wsgi_app

    def logged(environ, start_response):
        log.add(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        return inner(environ, start_response)

    app.wsgi_app = logged
    try:
        yield log
    finally:
        app.wsgi_app = inner


def wait_until(page: Page, script: str, arg=None, timeout: float = TIMEOUT_MS) -> None:
    """Poll an async page function until it returns something truthy.

    page.wait_for_function does not await a Promise (a pending Promise is truthy), so checks
    on Cache Storage and IndexedDB poll with page.evaluate instead.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout} ms waiting for: {script.strip()[:120]}"
            )
        page.wait_for_timeout(100)


WORKER_STATE_JS = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  const state = (worker) => worker && worker.state;
  return {
    controller: Boolean(navigator.serviceWorker.controller),
    installing: state(registration && registration.installing),
    waiting: state(registration && registration.waiting),
    active: state(registration && registration.active),
    caches: await caches.keys(),
  };
}"""


def wait_for_worker(page: Page) -> None:
    """Wait until a service worker controls the page and has precached the shell."""
    try:
        wait_until(
            page,
            "async () => Boolean(navigator.serviceWorker.controller)"
            " && (await caches.keys()).some((n) => n.startsWith('mj-shell-'))",
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\nworker: {page.evaluate(WORKER_STATE_JS)}") from None


def wait_until_warm(page: Page, paths: tuple[str, ...] = ("/checkins/new",)) -> None:
    """Wait until the worker has stored these signed-in pages, and the chart data they draw."""
    # A page a visit stored is in the cache before the warm-up (or the visit's own lazy chart
    # requests) has stored its data: going offline in between draws a chart from nothing.
    wait_until(
        page,
        r"""async (paths) => {
          const keys = await caches.keys();
          const find = async (prefix, url) => {
            for (const name of keys.filter((n) => n.startsWith(prefix))) {
              const hit = await (await caches.open(name)).match(url, { ignoreVary: true });
              if (hit) return hit;
            }
            return null;
          };
          for (const path of paths) {
            const stored = await find('mj-pages-', path);
            if (!stored) return false;
            const html = await stored.text();
            for (const m of html.matchAll(/data-src="(\/api\/[^"]+)"/g)) {
              if (!(await find('mj-data-', m[1].replaceAll('&amp;', '&')))) return false;
            }
          }
          return true;
        }""",
        list(paths),
        timeout=30_000,
    )


def cache_names(page: Page) -> list[str]:
    """Return the Cache Storage names the page can see."""
    return page.evaluate("async () => await caches.keys()")


QUEUED_JS = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name);
  if (!names.includes('mood-journal')) return [];
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('mood-journal'); r.onsuccess = () => ok(r.result); r.onerror = fail;
  });
  const all = await new Promise((ok) => {
    const r = db.transaction('intents').objectStore('intents').getAll();
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return all;
}"""


def queued(page: Page) -> list[dict]:
    """Return every intent in the offline queue (without creating the database)."""
    return page.evaluate(QUEUED_JS)


def queue_exists(page: Page) -> bool:
    """Tell whether the offline queue's IndexedDB database exists."""
    return page.evaluate(
        "async () => (await indexedDB.databases()).some((d) => d.name === 'mood-journal')"
    )


def pending_count(page: Page):
    """Return the header's locator for the "N entries saved on this device" link."""
    return page.locator("[data-sync-status] a[data-pending-count]")


def sign_in(page: Page, email: str) -> None:
    """Sign in through the real form and land on "/"."""
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(on_path("/"))


def go_offline(context: BrowserContext, page: Page) -> None:
    """Cut the network for the whole context (pages and the service worker alike)."""
    context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")


def wait_for_empty_queue(page: Page, timeout: float = 30_000) -> None:
    """Wait until the device has nothing left to send."""
    wait_until(page, f"async () => (await ({QUEUED_JS})()).length === 0", timeout=timeout)


def saved_notice(page: Page):
    """Return the "Saved on this device" notice."""
    return page.locator("[data-saved-notice]")
