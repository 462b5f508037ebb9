"""flask import-json brings back the account's settings and its share links, not only records."""

import json

import pytest

from journal.accounts.users import find_user
from journal.extensions import db
from tests.app import export_history as history
from tests.conftest import Api

SETTINGS = {
    "display_name": "Sam <i>R</i>",
    "theme": "dark",
    "week_start": "sunday",
    "schedules": {"pcl5": {"enabled": True, "form": "week"}, "who5": {"enabled": True}},
}


@pytest.fixture
def exported(app, auth_api, user, tmp_path):
    """Seed settings, records and two share links (one opened, one revoked); export to a file."""
    history.seed(auth_api, user)
    assert auth_api.request("PATCH", "/api/v1/me", SETTINGS).status_code == 200
    opened = auth_api.post("/api/v1/shares", {"label": "for Dr. Rivera"}).get_json()
    path = opened["url"].split("localhost", 1)[1]
    assert app.test_client().get(path).status_code == 200
    revoked = auth_api.post("/api/v1/shares", {"include_reflections": True}).get_json()
    assert auth_api.delete(f"/api/v1/shares/{revoked['id']}").status_code == 204
    document = auth_api.get("/export/data.json").get_json()
    file = tmp_path / "export.json"
    file.write_text(json.dumps(document))
    return document, file, path


def fresh_account(app, email: str) -> Api:
    """Register an empty account through the API and return its client."""
    api = Api(app.test_client())
    body = {"email": email, "password": "correct horse battery", "timezone": "UTC"}
    assert api.post("/api/v1/auth/register", body).status_code == 201
    api.token = None
    return api


def test_export_carries_share_links_as_hashes(exported):
    """The export lists each link with its token hash and openings, never a token or URL."""
    document, _file, path = exported
    links = document["share_links"]
    assert [link["label"] for link in links] == ["for Dr. Rivera", None]
    assert links[0]["open_count"] == 1 and len(links[0]["opens"]) == 1
    assert links[1]["revoked_at"] is not None
    token = path.rsplit("/", 1)[1]
    assert token not in json.dumps(document)
    assert "url" not in links[0]


def test_import_restores_settings_and_working_share_links(app, exported, runner, user):
    """Delete the account, register again, import: settings, links and their URL come back."""
    document, file, path = exported
    with app.app_context():
        db.session.delete(find_user(user.email))
        db.session.commit()
    assert app.test_client().get(path).status_code == 404
    api = fresh_account(app, user.email)

    result = runner.invoke(args=["import-json", str(file), "--email", user.email])

    assert result.exit_code == 0, result.output
    assert "2 share links" in result.output
    again = api.get("/export/data.json").get_json()
    for key in ("account", "checkins", "treatments", "reflections", "share_links"):
        assert again[key] == document[key], key
    me = api.get("/api/v1/me").get_json()
    assert {key: me[key] for key in ("display_name", "theme", "week_start")} == {
        key: SETTINGS[key] for key in ("display_name", "theme", "week_start")
    }
    # The therapist's old URL opens the restored link; the revoked one stays revoked.
    assert app.test_client().get(path).status_code == 200
    statuses = [link["status"] for link in api.get("/api/v1/shares").get_json()["items"]]
    assert sorted(statuses) == ["active", "revoked"]


def test_links_this_server_already_has_are_skipped(app, exported, runner):
    """Importing into a second account here keeps the records but not the live account's links."""
    _document, file, path = exported
    api = fresh_account(app, "second@example.com")
    result = runner.invoke(args=["import-json", str(file), "--email", "second@example.com"])
    assert result.exit_code == 0, result.output
    assert "Skipped 2 share links" in result.output
    assert api.get("/api/v1/shares").get_json()["items"] == []
    assert len(api.get("/api/v1/checkins").get_json()["items"]) == 12


@pytest.mark.parametrize(
    ("field", "value", "place"),
    [
        ("token_sha256", "not-a-hash", "share_links.0.token_sha256"),
        ("expires_at", "2026-01-01T00:00:00", "share_links.0.expires_at"),
        ("from", "yesterday", "share_links.0.from"),
        ("open_count", -1, "share_links.0.open_count"),
    ],
)
def test_a_bad_share_link_names_its_place_and_imports_nothing(
    app, exported, runner, field, value, place
):
    """A malformed link is refused with its place in the file, and the account stays empty."""
    document, file, _path = exported
    document["share_links"][0][field] = value
    file.write_text(json.dumps(document))
    fresh_account(app, "third@example.com")
    result = runner.invoke(args=["import-json", str(file), "--email", "third@example.com"])
    assert result.exit_code != 0 and place in result.output
    with app.app_context():
        from journal.export.json_export import is_empty

        assert is_empty(find_user("third@example.com"))
