"""Serve static files precompressed with gzip when a `.gz` sibling exists.

plotly.js is 1.2 MB raw and 395 kB gzipped; compressing it per request would cost CPU on every
first visit, so `scripts/compress_static.py` writes the `.gz` once and a test keeps it in step.
"""

import mimetypes
from pathlib import Path

from flask import Flask, request, send_from_directory

COMPRESSIBLE = (".js", ".css", ".svg", ".json", ".webmanifest")


def serve_static(app: Flask):
    """Return a static view that prefers the precompressed file for gzip-capable clients."""

    def static(filename: str):
        """Send a static file, gzipped when a `.gz` sibling exists and the client accepts it."""
        folder = Path(app.static_folder)
        compressed = folder / f"{filename}.gz"
        if "gzip" in request.accept_encodings and compressed.is_file():
            mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            response = send_from_directory(folder, f"{filename}.gz", mimetype=mimetype)
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = app.send_static_file(filename)
        response.vary.add("Accept-Encoding")
        return response

    return static


def init_app(app: Flask) -> None:
    """Replace the default static view with the gzip-aware one."""
    app.view_functions["static"] = serve_static(app)
