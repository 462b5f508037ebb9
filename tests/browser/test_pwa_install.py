"""The installable app: Chromium's own installability check, the icons, and the service worker
serving the app from its caches with no network."""

import io
import re

from PIL import Image
from playwright.sync_api import Page, expect

from .harness import CHROMIUM, CHROMIUM_ARGS, MOBILE, TIMEOUT_MS, settle, signup
from .pwa_support import (
    cache_names,
    request_log,
    wait_for_worker,
    wait_until_warm,
)


def test_chromium_finds_no_installability_errors(browser, live_server, tmp_path):
    # Installability is only judged in a persistent, non-incognito profile: launch one with
    # the session's Playwright driver (a second sync_playwright() cannot run in this thread).
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        viewport=MOBILE,
    )
    try:
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto("/")
        wait_for_worker(page)
        cdp = context.new_cdp_session(page)
        try:
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
            manifest = cdp.send("Page.getAppManifest")
        finally:
            cdp.detach()
    finally:
        context.close()

    assert errors == [], errors
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert not manifest.get("errors"), manifest.get("errors")


def test_manifest_icons_have_the_sizes_they_declare(page: Page):
    manifest = page.request.get("/manifest.webmanifest").json()

    purposes = set()
    for icon in manifest["icons"]:
        response = page.request.get(icon["src"])
        assert response.ok, icon["src"]
        image = Image.open(io.BytesIO(response.body()))
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert image.format == "PNG" and image.size == (width, height), icon
        purposes.add(icon["purpose"])
    assert {"any", "maskable"} <= purposes
    touch = page.request.get("/static/icons/apple-touch-icon.png")
    assert Image.open(io.BytesIO(touch.body())).size == (180, 180)


def test_worker_controls_the_page_and_an_offline_reload_reaches_no_server(page: Page, live_server):
    signup(page)
    wait_for_worker(page)
    wait_until_warm(page, ("/", "/checkins/new", "/help"))
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    # Load the dashboard once under the worker, so its chart data is in the data cache too
    # (the first load after sign-up ran before the worker took control).
    page.reload()
    settle(page)

    with request_log(live_server.app) as log:
        page.context.set_offline(True)
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
        page.goto("/checkins/new")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Daily check-in")
        page.goto("/help")
        expect(page.get_by_role("heading", level=1)).to_have_text("Get help now")
        expect(page.locator(".crisis-list")).to_contain_text("988")
        page.goto("/not-stored-anywhere")
        expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
        requests = log.by_pages()
    page.context.set_offline(False)

    assert requests == [], f"the server saw requests while offline: {requests}"


def test_caches_are_versioned_prefixed_and_named_per_user(page: Page):
    signup(page)
    wait_for_worker(page)
    wait_until_warm(page)

    names = cache_names(page)

    assert names and all(name.startswith("mj-") for name in names), names
    assert any(re.fullmatch(r"mj-shell-[0-9a-f]{12}", n) for n in names), names
    assert any(re.fullmatch(r"mj-pages-[0-9a-f]{16}-[0-9a-f]{12}", n) for n in names), names
    # Sign-in pages and tokens are never stored.
    stored = page.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            const requests = await (await caches.open(name)).keys();
            requests.forEach((request) => urls.push(new URL(request.url).pathname));
          }
          return urls;
        }"""
    )
    never = ("/auth/", "/api/v1/me", "/api/v1/csrf", "/api/v1/auth/", "/export/", "/s/")
    assert not [url for url in stored if url.startswith(never)], stored
