"""Which hash each static file's URL carries (journal/static_urls.py), without Flask."""

from pathlib import Path

from journal.static_urls import build_versions, is_module


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write a small static folder and return it."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


FILES = {
    "js/app.js": "import './dom.js';",
    "js/dom.js": "export const el = 1;",
    "js/vendor/plotly.js": "var Plotly = {};",
    "js/vendor/plotly.js.br": "twin",
    "css/app.css": "body { color: black; }",
    "icons/icon.png": "png",
}


def test_our_modules_share_one_hash_and_other_files_have_their_own(tmp_path):
    """Relative imports inherit the importer's prefix: every module must carry the same one."""
    versions = build_versions(str(write_tree(tmp_path, FILES)))

    assert versions["js/app.js"] == versions["js/dom.js"]
    others = {versions[n] for n in ("js/vendor/plotly.js", "css/app.css", "icons/icon.png")}
    assert len(others) == 3 and versions["js/app.js"] not in others
    assert "js/vendor/plotly.js.br" not in versions  # a twin is served under its source's URL
    assert all(len(v) == 10 for v in versions.values())


def test_a_change_to_one_module_moves_every_module_and_nothing_else(tmp_path):
    """dom.js changed: app.js's URL moves too (it imports dom.js); CSS and plotly stay cached."""
    before = build_versions(str(write_tree(tmp_path / "a", FILES)))
    changed = {**FILES, "js/dom.js": "export const el = 2; // changed"}
    after = build_versions(str(write_tree(tmp_path / "b", changed)))

    assert after["js/app.js"] != before["js/app.js"]
    assert after["js/dom.js"] != before["js/dom.js"]
    for name in ("js/vendor/plotly.js", "css/app.css", "icons/icon.png"):
        assert after[name] == before[name], name


def test_a_stylesheet_hash_follows_its_own_bytes_only(tmp_path):
    """A CSS change moves the stylesheet's URL and leaves the modules' alone."""
    before = build_versions(str(write_tree(tmp_path / "a", FILES)))
    after = build_versions(
        str(write_tree(tmp_path / "b", {**FILES, "css/app.css": "body { color: navy; }"}))
    )

    assert after["css/app.css"] != before["css/app.css"]
    assert after["js/app.js"] == before["js/app.js"]


def test_only_scripts_directly_in_js_are_modules():
    """Vendored bundles and other folders keep their own hash."""
    assert is_module("js/app.js")
    assert not is_module("js/vendor/plotly-cartesian.min.js")
    assert not is_module("css/app.css")
    assert not is_module("js/README.md")
