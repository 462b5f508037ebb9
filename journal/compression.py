"""Compress every text response: brotli where the client asks for it, else gzip.

A phone on a weak signal pays for every byte of HTML, CSS, JS and chart JSON. Pages and API
answers are compressed as they leave (at a quick level: they are small and made per request);
static files are compressed once per worker process at the strongest level and kept in memory,
unless a precompressed `.br` / `.gz` sibling exists on disk (the vendored plotly.js bundle).
"""

import gzip
import mimetypes
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Flask, Response, request, send_from_directory
from werkzeug.security import safe_join

MIN_BYTES = 512  # below this the headers cost more than compression saves
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
    "application/fhir+json",
)
# Pages are made per request: a quick level keeps the CPU cost under a millisecond.
DYNAMIC_LEVEL = {"br": 4, "gzip": 6}
STATIC_LEVEL = {"br": 11, "gzip": 9}
UNCHANGED_STATUSES = (204, 206, 304)
SUFFIXES = {"br": ".br", "gzip": ".gz"}


def is_text(mimetype: str) -> bool:
    """Tell whether a response of this type is text worth compressing."""
    return mimetype.startswith(TEXT_TYPES)


def chosen_encoding() -> str | None:
    """Return the best encoding this client accepts ("br", "gzip"), or None."""
    accepted = request.accept_encodings
    for encoding in ("br", "gzip"):
        if accepted[encoding]:
            return encoding
    return None


def compress(data: bytes, encoding: str, level: int) -> bytes:
    """Return `data` compressed with `encoding` at `level` (gzip without a timestamp)."""
    if encoding == "br":
        return brotli.compress(data, quality=level)
    return gzip.compress(data, compresslevel=level, mtime=0)


def compress_response(response: Response) -> Response:
    """Compress a finished text response in place when the client accepts it."""
    response.vary.add("Accept-Encoding")
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code in UNCHANGED_STATUSES
        or "Content-Encoding" in response.headers
        or "no-transform" in response.headers.get("Cache-Control", "")
        or not is_text(response.mimetype or "")
    ):
        return response
    encoding = chosen_encoding()
    data = response.get_data()
    if encoding is None or len(data) < MIN_BYTES:
        return response
    response.set_data(compress(data, encoding, DYNAMIC_LEVEL[encoding]))
    response.headers["Content-Encoding"] = encoding
    return response


@lru_cache(maxsize=256)
def compressed_file(path: str, mtime_ns: int, size: int, encoding: str) -> bytes:
    """Return a static file's bytes compressed (cached per file version and encoding)."""
    return compress(Path(path).read_bytes(), encoding, STATIC_LEVEL[encoding])


def serve_static(app: Flask):
    """Return a static view that sends text files brotli- or gzip-compressed."""

    def static(filename: str, version: str | None = None):
        """Send a static file, compressed when the client accepts it and it is text."""
        # `version` is the hash in /static/v/<hash>/...: journal/static_urls.py sets the caching.
        mimetype = mimetypes.guess_type(filename)[0] or ""
        encoding = chosen_encoding() if is_text(mimetype) else None
        found = safe_join(app.static_folder, filename)
        path = Path(found) if found else None
        if encoding is None or path is None or not path.is_file():
            response = app.send_static_file(filename)  # plain, or its 404
        elif (twin := path.with_name(path.name + SUFFIXES[encoding])).is_file():
            response = send_from_directory(app.static_folder, f"{filename}{twin.suffix}")
            response.mimetype = mimetype
            response.headers["Content-Encoding"] = encoding
        else:
            response = compressed_static(path, mimetype, encoding)
        response.vary.add("Accept-Encoding")
        return response

    return static


def compressed_static(path: Path, mimetype: str, encoding: str) -> Response:
    """Answer with a static file compressed from memory, or 304 when the client has it."""
    stat = path.stat()
    if stat.st_size < MIN_BYTES:
        body, encoded = path.read_bytes(), False
    else:
        body, encoded = compressed_file(str(path), stat.st_mtime_ns, stat.st_size, encoding), True
    response = Response(body, mimetype=mimetype)
    if encoded:
        response.headers["Content-Encoding"] = encoding
    response.last_modified = int(stat.st_mtime)
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Compress text responses, and serve static files compressed."""
    app.view_functions["static"] = serve_static(app)
    app.after_request(compress_response)
