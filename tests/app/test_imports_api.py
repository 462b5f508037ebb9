"""POST /api/v1/imports: each format imported and compared record by record; bad files."""

import io
import json
import logging
from datetime import date

import pytest
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from journal.extensions import db
from journal.models import CheckIn, User
from tests import import_samples as samples
from tests.conftest import Api, new_id


def upload(api, data: bytes, name: str = "export.csv", csrf: bool = True, **form):
    """POST a file (and options) to the import endpoint as multipart/form-data."""
    fields = {"file": FileStorage(io.BytesIO(data), name), **{k: str(v) for k, v in form.items()}}
    # Encoded here, in memory: the test client spools a big body to a file it never closes.
    boundary, body = encode_multipart(MultiDict(fields))
    kind = f"multipart/form-data; boundary={boundary}"
    return api.request("POST", "/api/v1/imports", data=body, content_type=kind, csrf=csrf)


def stored(app, user_id: int) -> dict[str, dict]:
    """Return the user's daily check-ins by date: mood, note, tags."""
    with app.app_context():
        rows = db.session.scalars(select(CheckIn).where(CheckIn.user_id == user_id))
        return {
            c.local_date.isoformat(): {"mood": c.mood, "note": c.note, "tags": c.tags} for c in rows
        }


def count(app) -> int:
    """Return how many check-ins exist."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CheckIn))


DAYLIO_NEW = {
    "2025-03-01": {"mood": 9, "note": "Great day\nwith\ncake & tea", "tags": ["family"]},
    "2025-03-02": {"mood": 1, "note": None, "tags": []},
    # ok (6, from mood_map) and Good (7): 6.5 rounds half up to 7; morning first.
    "2025-03-03": {
        "mood": 7,
        "note": 'Morning\n\nSaid "hi", then left,\nslowly 🙂',
        "tags": ["work", "walk", "🌧 rain"],
    },
}


def test_daylio_csv_preview_then_import_record_by_record(app, auth_api, user):
    """The dry run lists the unmapped label and writes nothing; with a value, 201 and the days."""
    preview = upload(auth_api, samples.daylio_new(), dry_run=1)
    assert preview.status_code == 200, preview.get_json()
    found = preview.get_json()
    assert found["source"] == "daylio-csv" and found["days"] == 3
    assert (found["first_date"], found["last_date"]) == ("2025-03-01", "2025-03-03")
    assert found["unmapped_moods"] == ["ok"]
    assert found["moods"] == {"Good": 7, "awful": 1, "rad": 9}
    assert found["checkins"] == {"created": 3, "unchanged": 0}
    assert found["ignored_columns"] == ["scales"]
    assert count(app) == 0

    refused = upload(auth_api, samples.daylio_new())
    assert refused.status_code == 422 and "'ok'" in refused.get_json()["error"]["message"]
    assert count(app) == 0

    done = upload(auth_api, samples.daylio_new(), mood_map=json.dumps({" OK": 6}))
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["moods"]["ok"] == 6 and done.get_json()["unmapped_moods"] == []
    assert done.get_json()["tags"] == ["family", "work", "walk", "🌧 rain"]
    assert stored(app, user.id) == DAYLIO_NEW


def test_mood_map_overrides_a_default(app, auth_api, user):
    """A default value can be changed (rad 10 instead of 9)."""
    mood_map = json.dumps({"RAD": 10, "ok": 6})
    assert upload(auth_api, samples.daylio_new(), mood_map=mood_map).status_code == 201
    assert stored(app, user.id)["2025-03-01"]["mood"] == 10


def test_reimport_creates_nothing_and_existing_days_are_left_alone(app, auth_api, user):
    """The same file twice makes nothing new; a date with a check-in already keeps it."""
    auth_api.put(
        f"/api/v1/checkins/{new_id()}",
        {"instrument": "daily", "local_date": "2025-03-02", "mood": 4, "note": "mine"},
    )
    first = upload(auth_api, samples.daylio_new(), mood_map='{"ok": 6}').get_json()
    assert first["checkins"] == {"created": 2, "unchanged": 1}
    assert stored(app, user.id)["2025-03-02"] == {"mood": 4, "note": "mine", "tags": []}
    with app.app_context():
        revision = db.session.get(User, user.id).data_revision
    again = upload(auth_api, samples.daylio_new(), mood_map='{"ok": 6}')
    assert again.status_code == 201
    assert again.get_json()["checkins"] == {"created": 0, "unchanged": 3}
    assert count(app) == 3
    with app.app_context():
        assert db.session.get(User, user.id).data_revision == revision


def test_old_daylio_header_with_24_hour_times(app, auth_api, user):
    """year + 'December 9' columns; two entries a day merge in time order."""
    response = upload(auth_api, samples.daylio_old())
    assert response.status_code == 201, response.get_json()
    assert stored(app, user.id) == {
        "2024-12-08": {"mood": 3, "note": None, "tags": ["friends", "reading"]},
        "2024-12-09": {"mood": 7, "note": "early\n\nlate, tired", "tags": ["reading"]},
    }


def test_daylio_backup_record_by_record_and_pin_never_stored(app, auth_api, user, caplog):
    """Months count from 0, custom moods take their level's value, the pin goes nowhere."""
    caplog.set_level(logging.DEBUG)
    response = upload(auth_api, samples.daylio_backup(), name="backup.daylio")
    assert response.status_code == 201, response.get_json()
    found = response.get_json()
    assert found["source"] == "daylio-backup"
    assert found["moods"] == {"rad": 9, "Fine": 7, "Low": 3}
    assert found["skipped"] == [
        {"line": 4, "reason": "Entry 4: its mood is not one of the backup's moods."}
    ]
    assert stored(app, user.id) == {
        "2025-01-01": {"mood": 9, "note": None, "tags": []},
        "2025-01-02": {
            "mood": 5,
            "note": "Title\n\nmorning\n\nevening low",
            "tags": ["walk", "Family, friends"],
        },
    }
    assert samples.PIN not in response.get_data(as_text=True)
    assert samples.PIN not in caplog.text
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(text(f"SELECT * FROM {table.name}")):
                assert samples.PIN not in " ".join(map(str, row)), table.name


def test_spreadsheet_csv_and_html_escaped_on_pages(app, auth_api, client, user):
    """Headers in any case, extra columns listed, a row without mood skipped, text escaped."""
    response = upload(auth_api, samples.spreadsheet())
    assert response.status_code == 201, response.get_json()
    found = response.get_json()
    assert found["source"] == "csv" and found["ignored_columns"] == ["Weather"]
    assert found["skipped"] == [
        {"line": 3, "reason": "No mood on 2025-01-06 (a daily check-in needs one)."}
    ]
    days = stored(app, user.id)
    assert days == {
        "2025-01-05": {"mood": 6, "note": "<script>alert(1)</script>", "tags": ["walk", "work"]},
        "2025-01-07": {"mood": 10, "note": None, "tags": ["Walk", "WORK", "gym"]},
    }
    history = client.get("/checkins/").get_data(as_text=True)
    assert "2025" in history
    with app.app_context():
        row = db.session.scalars(select(CheckIn).where(CheckIn.local_date == date(2025, 1, 5)))
        client_id = row.one().client_id
    page = client.get(f"/checkins/{client_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_mood_journal_json_round_trip_through_the_api(app, auth_api, user, make_user, api):
    """Our own export imports into another account whole, and a second time makes nothing."""
    for day, tags in (("2025-02-01", ["walk"]), ("2025-02-02", [])):
        auth_api.put(
            f"/api/v1/checkins/{new_id()}",
            {"instrument": "daily", "local_date": day, "mood": 5, "tags": tags},
        )
    exported = json.loads(auth_api.get("/export/data.json").data)
    other = make_user("second@example.com")
    assert api.login(other.email).status_code == 200
    first = upload(api, json.dumps(exported).encode(), name="data.json")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["checkins"] == {"created": 2, "unchanged": 0}
    assert first.get_json()["source"] == "mood-journal-json"
    again = upload(api, json.dumps(exported).encode(), name="data.json")
    assert again.get_json()["checkins"] == {"created": 0, "unchanged": 2}
    mine = json.loads(api.get("/export/data.json").data)
    for key in ("checkins", "treatments", "reflections", "share_links"):
        assert mine[key] == exported[key]
    assert mine["account"] == {**exported["account"], "email": other.email}


def bad_files() -> dict:
    """Return (file bytes, name, form) for each file that must be refused."""
    return {
        "binary": (bytes(range(256)) * 8, "x.bin", {}),
        "latin1": ("date,mood\n2025-01-01,5,café\n".encode("latin-1"), "x.csv", {}),
        "other csv": (b"name,email\nsam,sam@example.com\n", "people.csv", {}),
        "bad date": (b"date,mood\n2025-01-01,5\n2025-13-01,6\n", "x.csv", {}),
        "bad daylio date": (
            samples.csv_text(
                samples.OLD_HEADER, [["2024", "Smarch 9", "", "10:00", "rad", "", ""]]
            ),
            "d.csv",
            {},
        ),
        "bad time": (
            samples.csv_text(
                samples.NEW_HEADER, [["2025-01-01", "", "", "25:61", "rad", "", "", "", ""]]
            ),
            "d.csv",
            {},
        ),
        "mood out of range": (b"date,mood\n2025-01-01,11\n", "x.csv", {}),
        "future date": (b"date,mood\n2099-01-01,5\n", "x.csv", {}),
        "too many tags": (
            b"date,mood,tags\n2025-01-01,5," + "|".join(f"t{n}" for n in range(21)).encode(),
            "x.csv",
            {},
        ),
        "zip bomb": (samples.zip_bomb(), "b.daylio", {}),
        "path outside": (samples.daylio_backup(extra={"../../evil.txt": b"x"}), "b.daylio", {}),
        "zip without backup": (samples.zip_bomb()[:0] + zip_of({"a.txt": b"x"}), "a.zip", {}),
        "not base64": (zip_of({"backup.daylio": b"%%% not base64 %%%"}), "b.daylio", {}),
        "not our json": (b'{"format": "something"}', "x.json", {}),
        "unknown source": (samples.spreadsheet(), "x.csv", {"source": "bearable"}),
        "bad mood_map": (samples.daylio_new(), "d.csv", {"mood_map": '{"ok": 11}'}),
        "mood_map not json": (samples.daylio_new(), "d.csv", {"mood_map": "ok=6"}),
        "csv as backup": (samples.spreadsheet(), "x.csv", {"source": "daylio-backup"}),
        "empty": (b"", "x.csv", {}),
    }


def zip_of(members: dict) -> bytes:
    """Return a zip of the given members."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("case", list(bad_files()))
def test_bad_files_are_422_and_write_nothing(app, auth_api, case):
    """Each bad file is a 422 with a message, and nothing is stored."""
    data, name, form = bad_files()[case]
    response = upload(auth_api, data, name=name, **form)
    assert response.status_code == 422, (case, response.get_json())
    assert response.get_json()["error"]["message"]
    assert count(app) == 0


def test_bad_lines_are_named(auth_api):
    """A date that does not parse is refused naming its line (a quoted newline counts)."""
    data = b'date,mood,note\n2025-01-01,5,"two\nlines"\n2025-02-30,6,\n'
    message = upload(auth_api, data).get_json()["error"]["message"]
    assert message.startswith("Line 4:") and "2025-02-30" in message


def test_a_failure_after_good_rows_writes_nothing(app, auth_api):
    """A bad last row rolls back every row before it."""
    data = b"date,mood\n2025-01-01,5\n2025-01-02,6\n2025-01-03,5\n2099-01-01,5\n"
    assert upload(auth_api, data).status_code == 422
    assert count(app) == 0


def test_over_20_mb_is_413(app, auth_api):
    """A file over 20 MB is refused before it is parsed."""
    data = b"date,mood\n" + b"2025-01-01,5\n" * (21 * 1024 * 1024 // 13)
    response = upload(auth_api, data)
    assert response.status_code == 413
    assert count(app) == 0


def test_a_big_file_under_20_mb_is_taken(auth_api):
    """The import's own cap is above the app's usual 2 MB."""
    data = b"date,mood,note\n2025-01-01,5,x\n" + b",,\n" * (3 * 1024 * 1024 // 3)
    response = upload(auth_api, data, dry_run=1)
    assert response.status_code == 200, response.get_json()


def test_csrf_and_sign_in_are_required(app, auth_api):
    """Without the CSRF token it is refused; signed out it is a 401."""
    assert upload(auth_api, samples.spreadsheet(), csrf=False).status_code in (400, 403)
    assert upload(Api(app.test_client()), samples.spreadsheet()).status_code == 401
    assert count(app) == 0


def test_missing_file_is_422(auth_api):
    """No file part: 422 naming `file`."""
    response = auth_api.request(
        "POST", "/api/v1/imports", data={"dry_run": "1"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"]


def test_cli_import(app, runner, user):
    """`flask import FILE --email` imports; --dry-run writes nothing."""
    path = app.instance_path + "/daylio.csv"
    with open(path, "wb") as handle:
        handle.write(samples.daylio_old())
    dry = runner.invoke(args=["import", path, "--email", user.email, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would create 2 check-ins" in dry.output and count(app) == 0
    done = runner.invoke(args=["import", path, "--email", user.email, "--source", "daylio-csv"])
    assert done.exit_code == 0 and "Created 2 check-ins" in done.output
    refused = runner.invoke(args=["import", path, "--email", user.email, "--mood-map", "[1]"])
    assert refused.exit_code != 0 and "mood_map" in refused.output


def test_imported_days_show_at_once_in_the_charts_and_calendar(auth_api):
    """A chart cached before the import is not served after it (the data revision moved)."""
    query = "from=2025-01-01&to=2025-01-31"
    seen = {"timeline": "2025-01-05", "calendar": "2 of 31 days checked in"}
    for name, shown in seen.items():
        before = auth_api.get(f"/api/v1/charts/{name}?{query}").get_data(as_text=True)
        assert shown not in before
    document = {
        "format": "mood-journal-export",
        "version": 1,
        "account": {},
        "checkins": [
            {
                "client_id": new_id(),
                "instrument": "daily",
                "local_date": day,
                "answers": [1] * 9,
                "mood": 6,
            }
            for day in ("2025-01-05", "2025-01-06")
        ],
    }
    assert upload(auth_api, json.dumps(document).encode(), name="x.json").status_code == 201
    for name, shown in seen.items():
        after = auth_api.get(f"/api/v1/charts/{name}?{query}").get_data(as_text=True)
        assert shown in after, name
