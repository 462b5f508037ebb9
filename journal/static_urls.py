"""Content-hashed static URLs, cached for a year: `/static/v/<hash>/css/app.css`.

`url_for('static', filename=...)` builds the hashed URL by itself (a url_defaults hook adds the
hash, and the versioned rule shares the `static` endpoint), so no template names a version and
no build step writes hashed files: the hashes are taken from the files' bytes, once per process.

Why a hash *prefix* and not a hashed file name: our JS modules import each other by relative
path (`./sw-client.js`). Under `/static/v/<hash>/js/app.js` such an import resolves to
`/static/v/<hash>/js/sw-client.js` and inherits a version, with no import map (an inline script,
which the CSP refuses) and no rewriting of sources as they leave. For that to be correct, the
modules in `js/` share ONE hash, taken over all of them: any change to any module moves every
module URL. That also keeps one URL per module, so app.js and due.js on one page share one
sw-client.js instance. Other files (CSS, icons, the vendored plotly bundle) carry their own
hash, so a change to our code does not make a phone download plotly again.

A URL whose hash is not the file's current one (a page of the previous deploy, or a relative URL
that inherited another file's prefix) still gets the current file, but with no-cache, so nothing
is kept for a year under a URL that may later name other bytes. Plain `/static/<file>` keeps
working the same way for old service workers, the manifest and notifications.
"""

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"
# Revalidated on every use (ETag / Last-Modified), so an unhashed URL never serves a stale file.
REVALIDATE = "no-cache"
PREFIX = "/static/v/"
MODULES = "js"  # the folder whose modules import each other by relative path
SKIPPED_SUFFIXES = (".gz", ".br")  # precompressed twins follow their source file
HASH_CHARS = 10
# `from '/static/js/x.js'` in a module served outside /static (the service worker at /sw.js).
ABSOLUTE_IMPORT = re.compile(r"""(\bfrom\s+['"])/static/([^'"]+)(['"])""")


@lru_cache(maxsize=512)
def file_digest(path: str, mtime_ns: int, size: int) -> str:
    """Return the sha256 of a file's bytes (cached per file version)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build_versions(static_folder: str) -> dict[str, str]:
    """Map each static file's relative path to the hash its URL carries."""
    root = Path(static_folder)
    digests = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(SKIPPED_SUFFIXES):
            stat = path.stat()
            digests[path.relative_to(root).as_posix()] = file_digest(
                str(path), stat.st_mtime_ns, stat.st_size
            )
    modules = sorted(name for name in digests if is_module(name))
    shared = hashlib.sha256("".join(f"{n}\0{digests[n]}\0" for n in modules).encode())
    return {
        name: (shared.hexdigest() if is_module(name) else digest)[:HASH_CHARS]
        for name, digest in digests.items()
    }


def is_module(name: str) -> bool:
    """Tell whether a static file is one of our JS modules (directly in js/, not vendored)."""
    folder, _, rest = name.partition("/")
    return folder == MODULES and "/" not in rest and rest.endswith(".js")


@lru_cache(maxsize=4)
def _versions_once(static_folder: str) -> dict[str, str]:
    """Hash the folder once per process: files do not change under a running deploy."""
    return build_versions(static_folder)


def versions() -> dict[str, str]:
    """Return the current app's file hashes (re-read on every call in debug mode)."""
    folder = current_app.static_folder
    return build_versions(folder) if current_app.debug else _versions_once(folder)


def add_version(endpoint: str | None, values: dict) -> None:
    """Give url_for('static', filename=...) the file's hash, which picks the versioned rule."""
    if endpoint == "static" and "version" not in values:
        if version := versions().get(values.get("filename", "")):
            values["version"] = version


def versioned_imports(source: str) -> str:
    """Point a module's absolute `/static/...` imports at their hashed URLs."""
    return ABSOLUTE_IMPORT.sub(lambda m: f"{m[1]}{url_for('static', filename=m[2])}{m[3]}", source)


def set_cache_lifetime(response):
    """Cache a static file for a year under its current hash; make anything else revalidate."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    args = request.view_args or {}
    current = versions().get(args.get("filename", ""))
    fresh = args.get("version") is not None and args["version"] == current
    response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
    return response


def init_app(app: Flask) -> None:
    """Add the hashed static rule, the url_for hook and the cache headers."""
    # Same endpoint as Flask's own static rule: url_for picks this one whenever a version is
    # given (werkzeug tries the rule with more arguments first), the plain one otherwise.
    app.add_url_rule(f"{PREFIX}<version>/<path:filename>", endpoint="static")
    app.url_defaults(add_version)
    app.after_request(set_cache_lifetime)
