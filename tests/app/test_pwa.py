"""The installable app, seen by the test client: manifest, icons, service worker, user header."""

import io
import json
import re

import pytest
from flask import url_for
from PIL import Image

from journal.pwa import assets
from journal.pwa.routes import USER_HEADER

NEVER_CACHED = ("/auth/", "/export/", "/s/", "/api/v1/auth/", "/api/v1/me", "/api/v1/csrf")


def get(client, url: str):
    """GET a URL and close the response (static files hold an open file until closed)."""
    response = client.get(url)
    response.get_data()  # buffer the body, so it can still be read once the file is closed
    response.close()
    return response


def worker_config(client) -> dict:
    """Return the CONFIG object /sw.js starts with."""
    source = client.get("/sw.js").get_data(as_text=True)
    first_line = source.split("\n", 1)[0]
    assert first_line.startswith("const CONFIG = ") and first_line.endswith(";")
    return json.loads(first_line[len("const CONFIG = ") : -1])


def island(html: str) -> dict:
    """Return the JSON island base.html writes for app.js."""
    match = re.search(r'<script type="application/json" id="pwa-page">(.*?)</script>', html)
    return json.loads(match.group(1))


def test_manifest_is_served_as_a_web_manifest(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["id"] == manifest["start_url"] == manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] == "Mood Journal" and manifest["short_name"]
    assert manifest["description"]
    assert manifest["theme_color"] == "#1f4e79" and manifest["background_color"]


def test_manifest_icons_exist_with_the_sizes_they_declare(client):
    icons = client.get("/manifest.webmanifest").get_json(force=True)["icons"]

    for icon in icons:
        response = get(client, icon["src"])
        assert response.status_code == 200, icon["src"]
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"], icon
    sizes = {(icon["sizes"], icon["purpose"]) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_manifest_screenshots_exist_and_are_not_precached(client, app):
    """The install sheet's screenshots are images of their declared size, never precached."""
    shots = client.get("/manifest.webmanifest").get_json(force=True)["screenshots"]
    assert {shot["form_factor"] for shot in shots} == {"narrow", "wide"}
    for shot in shots:
        response = get(client, shot["src"])
        assert response.status_code == 200, shot["src"]
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "WEBP" and f"{image.width}x{image.height}" == shot["sizes"]
        assert shot["label"]
    with app.test_request_context():
        assert not [url for url in assets.precache_urls() if "/screenshots/" in url]


def test_maskable_icon_fills_its_square_and_apple_icon_is_opaque(client):
    maskable = Image.open(io.BytesIO(get(client, "/static/icons/maskable-512.png").data))
    apple = Image.open(io.BytesIO(get(client, "/static/icons/apple-touch-icon.png").data))

    # A launcher crops the maskable icon to its own shape: the corners must be painted.
    assert maskable.convert("RGBA").getpixel((0, 0))[3] == 255
    assert apple.size == (180, 180) and apple.mode == "RGB"


def test_manifest_shortcuts_lead_to_pages_that_exist(client):
    shortcuts = client.get("/manifest.webmanifest").get_json(force=True)["shortcuts"]

    assert [s["url"] for s in shortcuts][:2] == ["/checkins/new", "/treatments/new"]
    for shortcut in shortcuts:
        assert client.get(shortcut["url"]).status_code in (200, 302), shortcut["url"]


def test_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    source = response.get_data(as_text=True)
    # The worker imports the same hashed module URLs it precaches (journal/static_urls.py).
    assert re.search(
        r"import \* as queue from '/static/v/[0-9a-f]{10}/js/offline-queue\.js';", source
    )
    assert "'/static/js/" not in source


def static_url(app, filename: str) -> str:
    """Return the URL pages use for a static file (its hashed one)."""
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_worker_precaches_the_shell_and_nothing_private(client, app):
    config = worker_config(client)

    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])
    precache = config["precache"]
    app_js, queue_js = static_url(app, "js/app.js"), static_url(app, "js/offline-queue.js")
    assert {"/offline", "/help", "/api/v1/instruments", app_js, queue_js} <= set(precache)
    assert app_js.startswith(config["hashedPrefix"])
    assert not [url for url in precache if url.endswith((".gz", ".md", "sw.js"))]
    assert not [url for url in precache if url.startswith(NEVER_CACHED)]
    for url in precache:
        assert get(client, url).status_code == 200, url


def test_worker_keeps_the_forms_of_every_area_for_offline_use(client):
    pages = worker_config(client)["pages"]

    assert {
        "/",
        "/checkins/new",
        "/treatments/new",
        "/reflections/new",
        "/help",
        "/pending",
    } <= set(pages)
    assert not [url for url in pages if url.startswith(NEVER_CACHED)]


def test_version_follows_the_content_of_the_files(tmp_path):
    (tmp_path / "app.js").write_text("console.log(1);")
    first = assets.tree_digest([str(tmp_path)])
    assert assets.tree_digest([str(tmp_path)]) == first

    (tmp_path / "app.js").write_text("console.log(2);")

    assert assets.tree_digest([str(tmp_path)]) != first


def test_version_is_stable_between_requests(client):
    assert worker_config(client)["version"] == worker_config(client)["version"]


def test_pending_page_needs_sign_in(client):
    response = client.get("/pending")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_pending_page_lists_nothing_itself_the_device_does(logged_in):
    html = logged_in.get("/pending").get_data(as_text=True)

    assert "data-pending-page" in html
    assert "<noscript>" in html


def test_every_page_names_the_manifest_icons_and_ios_meta(client):
    html = client.get("/auth/login").get_data(as_text=True)

    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert re.search(
        r'rel="apple-touch-icon" href="/static/v/\w+/icons/apple-touch-icon.png"', html
    )
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in html
    assert '<meta name="theme-color" content="#1f4e79">' in html
    assert "data-update-banner" in html and 'aria-live="polite"' in html


def test_pages_carry_no_inline_script_only_a_json_island(logged_in):
    html = logged_in.get("/checkins/new").get_data(as_text=True)

    scripts = re.findall(r"<script([^>]*)>", html)
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert inline == [' type="application/json" id="pwa-page"']


def test_island_names_the_user_by_an_opaque_key(logged_in, user, client):
    data = island(logged_in.get("/checkins/new").get_data(as_text=True))

    assert re.fullmatch(r"[0-9a-f]{16}", data["user"])
    assert str(user.id) not in data["user"] and user.email not in json.dumps(data)
    assert data["timezone"] == "America/Chicago"
    assert (data["endpoint"], data["method"]) == ("checkins.new", "GET")


def test_island_is_anonymous_when_signed_out(client):
    assert island(client.get("/auth/login").get_data(as_text=True))["user"] is None


def test_user_header_names_the_signed_in_user_on_pages_and_data(logged_in):
    page = logged_in.get("/")
    data = logged_in.get("/api/v1/checkins")
    token = logged_in.get("/api/v1/csrf")

    key = island(page.get_data(as_text=True))["user"]
    assert page.headers[USER_HEADER] == data.headers[USER_HEADER] == key
    assert token.headers[USER_HEADER] == key  # the queue checks whose session it replays into


def test_user_header_is_absent_for_visitors_and_static_files(client, logged_in):
    assert USER_HEADER not in get(logged_in, "/static/css/app.css").headers
    anonymous = client.application.test_client()
    assert USER_HEADER not in anonymous.get("/help").headers
    assert USER_HEADER not in anonymous.get("/api/v1/csrf").headers


def test_each_user_has_their_own_key(app, make_user):
    from tests.conftest import Api

    keys = []
    for email in ("one@example.com", "two@example.com"):
        make_user(email)
        api = Api(app.test_client())
        assert api.login(email).status_code == 200
        keys.append(api.get("/api/v1/me").headers[USER_HEADER])

    assert keys[0] != keys[1]


@pytest.mark.parametrize("path", ["/manifest.webmanifest", "/sw.js"])
def test_pwa_files_keep_the_security_headers(client, path):
    response = client.get(path)

    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_favicon_is_served_at_the_root(client):
    """/favicon.ico, which browsers ask for on their own, is a real icon, not a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.cache_control.max_age == 86400
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
    response.close()
