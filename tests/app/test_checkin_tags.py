"""Tags on the daily check-in: the rule, the API, encryption at rest, the form, CSV and JSON."""

import csv
import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from journal.extensions import db
from journal.models import CheckIn
from journal.records import user_today
from tests.conftest import csrf_from, new_id


def daily(user, days_ago: int = 0, **overrides) -> dict:
    """Return a daily check-in body for a day before the user's today."""
    day = user_today(user) - timedelta(days=days_ago)
    return {"instrument": "daily", "local_date": day.isoformat(), "mood": 6, **overrides}


def test_tags_are_trimmed_unique_without_case_and_keep_order(auth_api, user):
    """Each tag is trimmed; a repeat in another case is dropped; first spelling and order stay."""
    tags = ["  Walk ", "work", "WALK", "family, friends", "🌧 rain", "work "]
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, tags=tags))
    assert response.status_code == 201
    assert response.get_json()["tags"] == ["Walk", "work", "family, friends", "🌧 rain"]


def test_no_tags_is_an_empty_list(auth_api, user):
    """A check-in without tags reads back an empty list."""
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user))
    assert response.get_json()["tags"] == []


def test_tag_rules_are_422_with_field_paths(auth_api, user):
    """Too many, too long, blank or non-text tags are refused, each named by its place."""
    cases = [
        ("tags", [f"t{n}" for n in range(21)]),
        ("tags.1", ["ok", "x" * 41]),
        ("tags.0", ["   "]),
        ("tags.2", ["a", "b", 3]),
        ("tags.1", ["walk", "work|rest"]),  # "|" joins tags in the CSV export's one cell
    ]
    for path, tags in cases:
        response = auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, tags=tags))
        assert response.status_code == 422, tags
        assert path in response.get_json()["error"]["fields"]
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, tags="walk"))
    assert response.status_code == 422 and "tags" in response.get_json()["error"]["fields"]


def test_twenty_tags_of_forty_characters_are_fine(auth_api, user):
    """The limits themselves are allowed."""
    tags = [f"{n:02d}" + "x" * 38 for n in range(20)]
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, tags=tags))
    assert response.status_code == 201 and response.get_json()["tags"] == tags


def test_only_the_daily_check_in_has_tags(auth_api, user):
    """A questionnaire with tags is refused; without them it has an empty list."""
    body = {
        "instrument": "phq9",
        "local_date": user_today(user).isoformat(),
        "answers": [0] * 9,
        "tags": ["walk"],
    }
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", body)
    assert response.status_code == 422 and "tags" in response.get_json()["error"]["fields"]
    body["tags"] = []
    assert auth_api.put(f"/api/v1/checkins/{new_id()}", body).status_code == 201


def test_same_tags_again_is_an_idempotent_retry(auth_api, user):
    """Repeating the same body (tags included) changes nothing; other tags need base_revision."""
    client_id = new_id()
    body = daily(user, tags=["walk", "work"])
    assert auth_api.put(f"/api/v1/checkins/{client_id}", body).status_code == 201
    again = auth_api.put(f"/api/v1/checkins/{client_id}", body)
    assert again.status_code == 200 and again.get_json()["revision"] == 1
    changed = auth_api.put(f"/api/v1/checkins/{client_id}", {**body, "tags": ["rest"]})
    assert changed.status_code == 409
    edit = auth_api.put(
        f"/api/v1/checkins/{client_id}", {**body, "tags": ["rest"], "base_revision": 1}
    )
    assert edit.status_code == 200 and edit.get_json()["tags"] == ["rest"]


def test_tags_are_encrypted_at_rest(app, auth_api, user):
    """The column holds ciphertext, never the tag text."""
    auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, tags=["secret-place"]))
    with app.app_context():
        stored = db.session.scalars(select(CheckIn.tags_stored)).one()
        assert "secret-place" not in stored
        assert db.session.scalars(select(CheckIn)).one().tags == ["secret-place"]


def test_form_shows_recent_tags_as_chips_and_saves_without_js(logged_in, auth_api, user):
    """Recent tags are unticked chips; ticked chips and typed tags are saved by a plain POST."""
    auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, 2, tags=["walk", "<b>work</b>"]))
    html = logged_in.get("/checkins/new").get_data(as_text=True)
    assert 'name="tags" value="walk"' in html
    assert 'value="&lt;b&gt;work&lt;/b&gt;"' in html and "<b>work</b>" not in html
    response = logged_in.post(
        "/checkins/new",
        data={
            "csrf_token": csrf_from(html),
            "client_id": new_id(),
            "local_date": user_today(user).isoformat(),
            "mood": "5",
            "tags": ["walk"],
            "new_tags": " family, Walk ,sun ",
        },
    )
    assert response.status_code == 302
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "data-checkin-tags" in page
    listed = auth_api.get("/api/v1/checkins").get_json()["items"]
    assert [c["tags"] for c in listed] == [["walk", "<b>work</b>"], ["walk", "family", "sun"]]
    edit = logged_in.get(f"/checkins/{listed[1]['client_id']}/edit").get_data(as_text=True)
    assert 'name="tags" value="sun" checked' in edit


def test_form_shows_a_tag_error_beside_the_tags(logged_in, user):
    """A typed tag over 40 characters comes back as a 422 with the message by the tags."""
    html = logged_in.get("/checkins/new").get_data(as_text=True)
    response = logged_in.post(
        "/checkins/new",
        data={
            "csrf_token": csrf_from(html),
            "client_id": new_id(),
            "local_date": user_today(user).isoformat(),
            "mood": "5",
            "new_tags": "x" * 41,
        },
    )
    assert response.status_code == 422
    assert 'id="tags-errors"' in response.get_data(as_text=True)


def test_csv_has_a_tags_column_joined_by_bars(auth_api, user):
    """checkins.csv carries the tags in one cell, joined by " | "."""
    auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, tags=["walk", "family, friends"]))
    archive = zipfile.ZipFile(io.BytesIO(auth_api.get("/export/data.csv").data))
    text = archive.read("checkins.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows[0]["tags"] == "walk | family, friends"


def test_json_export_and_import_keep_tags(app, auth_api, user, make_user, runner, tmp_path):
    """The JSON export carries tags and `flask import-json` restores them."""
    auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, tags=["Walk", "🌧 rain"]))
    document = json.loads(auth_api.get("/export/data.json").data)
    assert document["checkins"][0]["tags"] == ["Walk", "🌧 rain"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    other = make_user("restored@example.com")
    result = runner.invoke(args=["import-json", str(path), "--email", other.email])
    assert result.exit_code == 0, result.output
    with app.app_context():
        restored = db.session.scalars(select(CheckIn).where(CheckIn.user_id == other.id)).one()
        assert restored.tags == ["Walk", "🌧 rain"]
