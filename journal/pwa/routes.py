"""The manifest, the service worker (served from the root so its scope is the whole app), and
the page that lists entries kept on the device."""

import hashlib
import hmac
import json
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template, request, send_from_directory
from flask_login import current_user, login_required
from sqlalchemy import inspect

from .. import static_urls
from . import assets, bp

THEME = "#1f4e79"
BACKGROUND = "#ffffff"
USER_HEADER = "X-Journal-User"


def icon(name: str, size: int, purpose: str = "any") -> dict:
    """Describe one PNG icon in the manifest."""
    return {
        "src": f"/static/icons/{name}",
        "sizes": f"{size}x{size}",
        "type": "image/png",
        "purpose": purpose,
    }


def screenshot(name: str, width: int, height: int, form_factor: str) -> dict:
    """Describe one screenshot of Today for the install sheet (scripts/manifest_screenshots.py)."""
    return {
        "src": f"/static/screenshots/{name}",
        "sizes": f"{width}x{height}",
        "type": "image/webp",
        "form_factor": form_factor,
        "label": "Today: a one-tap mood, the full check-in, and how the days since a session went",
    }


def manifest() -> dict:
    """Return the web app manifest (shortcuts only for areas this app has)."""
    shortcuts = [
        ("Daily check-in", "Check in", "checkins.new"),
        ("Log a session", "Log session", "treatments.new"),
        ("Write a reflection", "Reflect", "reflections.new"),
    ]
    return {
        "id": "/",
        "name": "Mood Journal",
        "short_name": "Mood Journal",
        "description": "A private mood journal for people in treatment for depression.",
        "lang": "en",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "categories": ["health", "medical", "lifestyle"],
        "icons": [
            icon("icon-192.png", 192),
            icon("icon-512.png", 512),
            icon("maskable-512.png", 512, "maskable"),
        ],
        "screenshots": [
            screenshot("today-narrow.webp", 390, 844, "narrow"),
            screenshot("today-wide.webp", 1280, 800, "wide"),
        ],
        "shortcuts": [
            {
                "name": name,
                "short_name": short,
                "url": url,
                "icons": [icon("icon-192.png", 192)],
            }
            for name, short, endpoint in shortcuts
            if (url := assets.optional_url(endpoint))
        ],
    }


@bp.route("/manifest.webmanifest")
def web_manifest():
    """Serve the web app manifest."""
    response = current_app.response_class(
        json.dumps(manifest(), indent=1), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


def worker_config() -> dict:
    """Return what /sw.js is told at the top: its version and what to keep offline."""
    return {
        "version": assets.cache_version(),
        "precache": assets.precache_urls(),
        "pages": assets.offline_pages(),
        "userHeader": USER_HEADER,
        "hashedPrefix": static_urls.PREFIX,
    }


@bp.route("/sw.js")
def service_worker():
    """Serve the service worker: its source with the version and URL lists written in."""
    source = Path(current_app.static_folder, "js", "sw.js").read_text(encoding="utf-8")
    # Hashed imports: the worker's body changes with them, and its update checks need not
    # revalidate each module (they are cached for a year under their hash).
    source = static_urls.versioned_imports(source)
    body = f"const CONFIG = {json.dumps(worker_config())};\n{source}"
    response = current_app.response_class(body, mimetype="application/javascript")
    # Browsers check for a new worker on every navigation; no-cache makes that check reach us.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/favicon.ico")
def favicon():
    """Serve the icon browsers ask for at the root, whatever page they are on."""
    response = send_from_directory(Path(current_app.static_folder, "icons"), "favicon.ico")
    response.cache_control.max_age = 86400  # a day: it changes with the logo only
    return response


@bp.route("/pending")
@login_required
def pending():
    """List the entries kept on this device: waiting to send, or needing a decision."""
    return render_template("pwa/pending.html")


def user_key(user) -> str:
    """Return an opaque, stable key for a user: caches on the device are named with it."""
    secret = str(current_app.secret_key).encode()
    # The identity map knows the id even when a commit expired the row: no SELECT to read it.
    real = user._get_current_object() if hasattr(user, "_get_current_object") else user
    state = inspect(real, raiseerr=False)
    user_id = state.identity[0] if state is not None and state.identity else user.id
    return keyed_digest(secret, user_id)


@lru_cache(maxsize=1024)
def keyed_digest(secret: bytes, user_id: int) -> str:
    """Return the user's key under this secret (cached: every signed-in response sends it)."""
    digest = hmac.new(secret, f"pwa-user:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


@bp.after_app_request
def name_the_user(response):
    """Tell the service worker whose page or data this is, so it caches it for that user only."""
    # Static files name nobody; skipping them also spares a user lookup per asset.
    if request.endpoint != "static" and current_user.is_authenticated:
        response.headers[USER_HEADER] = user_key(current_user)
    return response


@bp.app_context_processor
def page_config() -> dict:
    """Give base.html the JSON island app.js reads: who is signed in and what page this is."""

    def pwa_page() -> dict:
        """Return the island's data."""
        signed_in = current_user.is_authenticated
        return {
            "user": user_key(current_user) if signed_in else None,
            "timezone": current_user.timezone if signed_in else None,
            "endpoint": request.endpoint,
            "method": request.method,
        }

    return {"pwa_page": pwa_page}
