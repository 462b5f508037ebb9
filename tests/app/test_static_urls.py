"""Hashed static URLs: pages name them, they are cached for a year, the old ones still work."""

import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import brotli
import pytest
from flask import url_for

from journal.pwa.routes import worker_config
from journal.static_urls import IMMUTABLE

STATIC = Path(__file__).resolve().parents[2] / "static"
IMPORT = re.compile(r"""(?:\bfrom\s+|\bimport\s*\(\s*)['"](\.{1,2}/[^'"]+)['"]""")


def static_url(app, filename: str) -> str:
    """Return the URL url_for gives pages for a static file."""
    with app.test_request_context():
        return url_for("static", filename=filename)


def fetch(client, path: str, encoding: str = "br"):
    """GET a static URL, buffer its body and close the file it holds."""
    response = client.get(path, headers={"Accept-Encoding": encoding})
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("path", ["/", "/checkins/new", "/help"])
def test_pages_name_every_static_file_by_its_hash(logged_in, path):
    """Every stylesheet, script and icon a page links carries a content hash."""
    html = logged_in.get(path).get_data(as_text=True)

    linked = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any(url.endswith(".css") for url in linked) and any(u.endswith(".js") for u in linked)
    assert [url for url in linked if not re.match(r"/static/v/[0-9a-f]{10}/", url)] == []


@pytest.mark.parametrize("name", ["css/app.css", "js/app.js", "js/vendor/plotly-cartesian.min.js"])
def test_hashed_text_file_is_cached_for_a_year_and_compressed(client, app, name):
    """Under its hash a file is immutable, brotli-compressed, and exactly the file on disk."""
    response = fetch(client, static_url(app, name))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data) == (STATIC / name).read_bytes()


def test_hashed_icon_is_cached_for_a_year_as_it_is(client, app):
    """Images are immutable too, and sent as they are."""
    response = fetch(client, static_url(app, "icons/favicon-32.png"))

    assert response.headers["Cache-Control"] == IMMUTABLE
    assert "Content-Encoding" not in response.headers
    assert response.data == (STATIC / "icons/favicon-32.png").read_bytes()


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/v/0123456789/css/app.css"])
def test_unhashed_or_stale_url_gets_the_current_file_and_revalidates(client, path):
    """An old worker's or an old page's URL works, but is never kept as if it were immutable."""
    response = fetch(client, path)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert brotli.decompress(response.data) == (STATIC / "css/app.css").read_bytes()


def test_missing_file_under_a_hash_is_a_404(client):
    assert fetch(client, "/static/v/0123456789/css/missing.css").status_code == 404


def test_relative_imports_land_on_the_imported_modules_own_url(app):
    """A module's `./x.js` resolves, under its hashed URL, to exactly the URL url_for gives x.js:
    one current, immutable URL per module, and one instance of it per page."""
    checked = 0
    for module in sorted((STATIC / "js").glob("*.js")):
        base = static_url(app, f"js/{module.name}")
        for specifier in IMPORT.findall(module.read_text(encoding="utf-8")):
            target = (module.parent / specifier).resolve().relative_to(STATIC).as_posix()
            assert urljoin(base, specifier) == static_url(app, target), (module.name, specifier)
            checked += 1
    assert checked > 10


def copy_static(tmp_path: Path, name: str) -> Path:
    """Copy the static folder (without the big vendored bundle) and return the copy."""
    ignore = shutil.ignore_patterns("vendor", "screenshots")
    return Path(shutil.copytree(STATIC, tmp_path / name, ignore=ignore))


def test_a_deploy_that_changes_a_file_moves_its_url_and_the_worker_version(app, tmp_path):
    """A changed module gets a new URL, so the worker precaches it and its version changes."""
    old, new = copy_static(tmp_path, "old"), copy_static(tmp_path, "new")
    (new / "js/dom.js").write_text((old / "js/dom.js").read_text() + "\n// a later deploy\n")
    seen = {}
    for folder in (old, new):
        app.static_folder = str(folder)
        with app.test_request_context():
            seen[folder.name] = (url_for("static", filename="js/app.js"), worker_config())

    (old_url, old_config), (new_url, new_config) = seen["old"], seen["new"]
    assert old_url != new_url
    assert old_url in old_config["precache"] and new_url in new_config["precache"]
    assert old_config["version"] != new_config["version"]


def test_debug_server_follows_edits_without_a_restart(app, tmp_path):
    """`flask run --debug` rebuilds the hashes, so an edited file is fetched at a new URL."""
    folder = copy_static(tmp_path, "dev")
    app.static_folder, app.debug = str(folder), True
    before = static_url(app, "css/app.css")
    (folder / "css/app.css").write_text((folder / "css/app.css").read_text() + "\n/* edit */\n")

    assert static_url(app, "css/app.css") != before
