"""Every text response leaves compressed: brotli where asked, else gzip; never when not asked."""

import gzip
from pathlib import Path

import brotli
import pytest
from flask import url_for

STATIC = Path(__file__).resolve().parents[2] / "static"
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def fetch(client, path: str, accept: str | None):
    """GET `path` with this Accept-Encoding (None sends none) and return the response."""
    headers = {"Accept-Encoding": accept} if accept is not None else {}
    return client.get(path, headers=headers)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("", None)],
)
def test_page_is_compressed_as_the_client_asks(logged_in, accept, expected):
    """Today's HTML is brotli for Chromium's header, gzip for gzip-only clients, plain else."""
    response = fetch(logged_in, "/", accept)
    assert response.status_code == 200
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers.get("Content-Encoding") == expected
    body = DECODE[expected](response.data) if expected else response.data
    assert body.startswith(b"<!doctype html>") and body.rstrip().endswith(b"</html>")
    assert int(response.headers["Content-Length"]) == len(response.data)


@pytest.mark.parametrize("name", ["css/app.css", "js/charts.js", "js/app.js"])
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_text_files_are_compressed(client, name, encoding):
    """CSS and JS modules are sent compressed, and decompress to the file on disk."""
    response = fetch(client, f"/static/{name}", encoding)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert DECODE[encoding](response.data) == (STATIC / name).read_bytes()
    assert len(response.data) < (STATIC / name).stat().st_size
    response.close()


def test_vendored_bundle_is_sent_from_its_brotli_twin(client):
    """plotly.js goes out from the precompressed .br, not compressed per request."""
    response = fetch(client, "/static/js/vendor/plotly-cartesian.min.js", "gzip, br")
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.data) < 450_000
    bundle = STATIC / "js/vendor/plotly-cartesian.min.js"
    assert brotli.decompress(response.data) == bundle.read_bytes()
    response.close()


def test_unchanged_static_file_is_a_304(client):
    """A revalidation of an unchanged file answers 304 with no body, compressed or not."""
    first = fetch(client, "/static/css/app.css", "br")
    since = first.headers["Last-Modified"]
    first.close()
    again = client.get(
        "/static/css/app.css", headers={"Accept-Encoding": "br", "If-Modified-Since": since}
    )
    assert again.status_code == 304 and again.data == b""
    again.close()


def test_images_are_not_recompressed(client):
    """PNG icons are already compressed: they go out as they are."""
    response = fetch(client, "/static/icons/icon-192.png", "br")
    assert "Content-Encoding" not in response.headers
    assert response.data == (STATIC / "icons/icon-192.png").read_bytes()
    response.close()


def test_chart_json_is_compressed(auth_api):
    """The chart JSON the phone downloads is compressed too."""
    response = auth_api.get("/api/v1/charts/timeline", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert b'"layout"' in brotli.decompress(response.data)


def test_tiny_answers_stay_plain(client):
    """An answer under 512 bytes (the CSRF token) is not worth compressing."""
    response = fetch(client, "/api/v1/csrf", "br")
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["csrf_token"]


def test_precompressed_twins_are_current():
    """Every .gz and .br in static/ matches its source (run scripts/compress_static.py if not)."""
    twins = [*STATIC.rglob("*.gz"), *STATIC.rglob("*.br")]
    assert twins
    for packed in twins:
        source = packed.with_suffix("")
        decode = DECODE["br" if packed.suffix == ".br" else "gzip"]
        assert decode(packed.read_bytes()) == source.read_bytes(), packed


@pytest.mark.parametrize("path", ["/checkins/new", "/help", "/timeline", "/settings/"])
def test_other_pages_are_compressed(logged_in, path):
    """Every HTML page goes out brotli-compressed, not only Today."""
    response = fetch(logged_in, path, "gzip, deflate, br")
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data).lstrip().startswith(b"<!doctype html>")


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/manifest.webmanifest", "application/manifest+json"),
        ("/sw.js", "application/javascript"),
    ],
)
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_manifest_and_worker_are_compressed(client, path, mimetype, encoding):
    """The manifest and the service worker script are text too."""
    response = fetch(client, path, encoding)
    assert response.mimetype == mimetype
    assert response.headers["Content-Encoding"] == encoding
    assert len(DECODE[encoding](response.data)) > len(response.data)


@pytest.mark.parametrize("name", ["timeline", "calendar", "around-sessions", "items"])
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_every_chart_json_is_compressed(auth_api, name, encoding):
    """Each chart the dashboard fetches is compressed, brotli or gzip as asked."""
    response = auth_api.get(f"/api/v1/charts/{name}", headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert b'"layout"' in DECODE[encoding](response.data)


def test_hashed_static_urls_are_compressed(client, app):
    """The hashed URLs pages use are compressed like the plain ones."""
    with app.test_request_context():
        path = url_for("static", filename="js/app.js")
    response = fetch(client, path, "gzip")
    assert path.startswith("/static/v/") and response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == (STATIC / "js/app.js").read_bytes()
    response.close()
