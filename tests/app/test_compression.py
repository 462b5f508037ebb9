"""Every text response leaves compressed: brotli where asked, else gzip; never when not asked."""

import gzip
from pathlib import Path

import brotli
import pytest

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
