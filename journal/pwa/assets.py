"""What the service worker precaches, and the version that names its caches.

The version is a hash of every static file and template, so any deploy that changes what a
person sees changes /sw.js, which makes browsers install the new worker and offer a reload.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for
from werkzeug.routing import BuildError

# Web assets the app shell needs offline; licences, READMEs and .gz/.br twins are not fetched.
PRECACHE_SUFFIXES = (".css", ".js", ".png", ".svg", ".ico", ".webp", ".woff2")
# The worker's own source is served at /sw.js with the version; precaching it would be pointless.
NOT_PRECACHED = ("js/sw.js",)
# Only the install sheet shows these: a phone need not download them to work offline.
NOT_PRECACHED_FOLDERS = ("screenshots/",)
# Pages and data every visitor may need offline; fetched without cookies so they name nobody.
SHARED_URLS = ("/offline", "/help", "/manifest.webmanifest", "/api/v1/instruments")
# Signed-in pages to keep on the device (endpoint, arguments); missing areas are skipped.
OFFLINE_PAGES = (
    ("dashboard.index", {}),
    ("checkins.new", {}),
    ("checkins.new", {"instrument": "phq9"}),
    ("checkins.new", {"instrument": "gad7"}),
    ("checkins.index", {}),
    ("treatments.new", {}),
    ("treatments.index", {}),
    ("reflections.new", {}),
    ("reflections.index", {}),
    ("timeline.index", {}),
    ("pages.help", {}),
    ("safety.page", {}),
    ("pwa.pending", {}),
)


def static_files(static_folder: str) -> list[str]:
    """Return the static folder's files as sorted relative POSIX paths."""
    root = Path(static_folder)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def tree_digest(folders: list[str]) -> str:
    """Return a short hash of every file's path and bytes under the folders."""
    digest = hashlib.sha256()
    for folder in folders:
        root = Path(folder)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=8)
def _cached_digest(folders: tuple[str, ...]) -> str:
    """Hash the folders once per process; files do not change under a running deploy."""
    return tree_digest(list(folders))


def cache_version() -> str:
    """Return the deploy's cache version (recomputed on every call in debug mode)."""
    app = current_app
    folders = (app.static_folder, str(Path(app.root_path, app.template_folder)))
    return tree_digest(list(folders)) if app.debug else _cached_digest(folders)


def precache_urls() -> list[str]:
    """Return the URLs the worker stores at install: the static shell and the shared pages."""
    urls = [
        url_for("static", filename=name)
        for name in static_files(current_app.static_folder)
        if name.endswith(PRECACHE_SUFFIXES)
        and name not in NOT_PRECACHED
        and not name.startswith(NOT_PRECACHED_FOLDERS)
    ]
    return urls + list(SHARED_URLS)


def optional_url(endpoint: str, **values) -> str | None:
    """Return the URL of an endpoint, or None when that area is not part of this app."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def offline_pages() -> list[str]:
    """Return the signed-in pages the worker keeps for offline use."""
    urls = (optional_url(endpoint, **values) for endpoint, values in OFFLINE_PAGES)
    return [url for url in urls if url]
