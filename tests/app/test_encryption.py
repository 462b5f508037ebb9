"""Encryption at rest: a person's words never reach the database file in plaintext.

On SQLite the raw database file and its WAL are searched; on PostgreSQL (TEST_DATABASE_URL) a
`pg_dump` of the test database is. The app still shows every value, rotation keeps them readable,
and a ciphertext moved to another row, column or user does not decrypt (a placeholder, no 500).
"""

import json
import logging
import os
import shutil
import stat
import subprocess
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from journal import create_app, crypto
from journal.extensions import db
from journal.models import CheckIn, Reflection, TreatmentSession, User
from journal.records import user_today
from tests.app.test_migrations import clear_schema
from tests.conftest import DATABASE_URL, MASTER_KEY, Api, app_with_schema, test_config

ON_POSTGRES = DATABASE_URL.startswith("postgresql")
MARK = "zq" + uuid.uuid4().hex[:10]  # unique per run: found nowhere unless we wrote it


@pytest.fixture
def app(tmp_path):
    """An app on a SQLite file (so the file itself can be read), or on the PostgreSQL test db."""
    uri = DATABASE_URL if ON_POSTGRES else f"sqlite:///{tmp_path / 'journal.sqlite'}"
    yield from app_with_schema(
        SQLALCHEMY_DATABASE_URI=uri, TESTING=False, PROPAGATE_EXCEPTIONS=False
    )


def markers(name: str) -> str:
    """Return the marker for one field."""
    return f"{MARK}-{name}"


def write_everything(api: Api, user) -> dict[str, str]:
    """Write every encrypted field through the API with its own marker; return the record ids."""
    today = user_today(user)
    ids = {kind: str(uuid.uuid4()) for kind in ("checkin", "treatment", "reflection")}
    checkin = {"local_date": today.isoformat(), "instrument": "daily", "mood": 6}
    response = api.put(f"/api/v1/checkins/{ids['checkin']}", {**checkin, "note": markers("note")})
    assert response.status_code == 201
    started = f"{today - timedelta(days=1)}T09:30:00+00:00"
    session = {
        "started_at": started,
        "route": "other",
        "route_label": markers("route_label"),
        "medication": "other",
        "medication_label": markers("medication_label"),
        "clinic": markers("clinic"),
        "intention": markers("intention"),
        "notes": markers("notes"),
    }
    response = api.put(f"/api/v1/treatments/{ids['treatment']}", session)
    assert response.status_code == 201, response.get_json()
    reflection = {
        "local_date": today.isoformat(),
        "text": markers("text"),
        "prompts": {"came_up": markers("prompt")},
        "tags": [markers("tag")],
    }
    assert api.put(f"/api/v1/reflections/{ids['reflection']}", reflection).status_code == 201
    patch = api.request("PATCH", "/api/v1/me", {"display_name": markers("name")})
    assert patch.status_code == 200
    share = api.post("/api/v1/shares", {"label": markers("label")})
    assert share.status_code == 201
    return ids


FIELDS = (
    "note",
    "route_label",
    "medication_label",
    "clinic",
    "intention",
    "notes",
    "text",
    "prompt",
    "tag",
    "name",
    "label",
)


def read_files(*paths) -> bytes:
    """Return the bytes of the files that exist among `paths`."""
    found = b""
    for path in paths:
        if os.path.exists(path):
            with open(path, "rb") as handle:
                found += handle.read()
    return found


def raw_database(app) -> bytes:
    """Return every byte the database keeps: the SQLite file and WAL, or a pg_dump."""
    with app.app_context():
        db.session.remove()
        if not ON_POSTGRES:
            path = db.engine.url.database
            return read_files(path, path + "-wal", path + "-journal")
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(["/usr/bin/pg_dump", url], capture_output=True, check=True)
    return dump.stdout


def test_no_marker_in_the_raw_database_and_the_app_shows_them(app, auth_api, user):
    """After writing every free-text field, no marker is in the raw database; the API shows them."""
    ids = write_everything(auth_api, user)
    raw = raw_database(app)
    assert len(raw) > 1000
    assert MARK.encode() not in raw
    assert b"enc1:" in raw
    assert auth_api.get(f"/api/v1/checkins/{ids['checkin']}").get_json()["note"] == markers("note")
    session = auth_api.get(f"/api/v1/treatments/{ids['treatment']}").get_json()
    assert session["clinic"] == markers("clinic")
    assert session["notes"] == markers("notes")
    reflection = auth_api.get(f"/api/v1/reflections/{ids['reflection']}").get_json()
    assert reflection["prompts"] == {"came_up": markers("prompt")}
    assert reflection["tags"] == [markers("tag")]
    assert auth_api.get("/api/v1/me").get_json()["display_name"] == markers("name")
    assert auth_api.get("/api/v1/shares").get_json()["items"][0]["label"] == markers("label")


def test_pages_and_exports_read_decrypted_text(app, auth_api, user):
    """Pages, the timeline, exports and the report show the words, not ciphertext."""
    ids = write_everything(auth_api, user)
    page = auth_api.get(f"/checkins/{ids['checkin']}").get_data(as_text=True)
    assert markers("note") in page
    session_page = auth_api.get(f"/treatments/{ids['treatment']}").get_data(as_text=True)
    assert markers("intention") in session_page
    exported = auth_api.get("/export/data.json").get_data(as_text=True)
    for name in ("note", "clinic", "intention", "notes", "text", "prompt", "tag"):
        assert markers(name) in exported, name
    timeline = auth_api.get("/timeline").get_data(as_text=True)
    assert markers("text") in timeline
    assert "enc1:" not in timeline
    assert markers("text") in auth_api.get("/reflections/").get_data(as_text=True)
    assert markers("clinic") in auth_api.get("/treatments/").get_data(as_text=True)
    report = auth_api.get("/export/report?reflections=1").get_data(as_text=True)
    assert "enc1:" not in report


def stored(app, model, column: str):
    """Return one row's stored (encrypted) value of a column."""
    with app.app_context():
        return db.session.execute(select(model.__table__.c[column])).scalars().first()


def set_stored(app, model, column: str, value, where=None) -> None:
    """Overwrite a stored value directly in the database, as an attacker with the file could."""
    table = model.__table__
    with app.app_context():
        statement = table.update().values({column: value})
        if where is not None:
            statement = statement.where(where)
        db.session.execute(statement)
        db.session.commit()


def test_ciphertext_copied_to_another_row_does_not_decrypt(app, auth_api, user, caplog):
    """A note's ciphertext copied onto another check-in shows a placeholder (and is logged)."""
    today = user_today(user)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    body = {"instrument": "daily", "mood": 4}
    auth_api.put(
        f"/api/v1/checkins/{first}", {**body, "local_date": today.isoformat(), "note": "A"}
    )
    yesterday = (today - timedelta(days=1)).isoformat()
    auth_api.put(f"/api/v1/checkins/{second}", {**body, "local_date": yesterday, "note": "B"})
    with app.app_context():
        rows = {str(r.client_id): r.note_stored for r in db.session.scalars(select(CheckIn))}
    set_stored(
        app, CheckIn, "note", rows[first], CheckIn.__table__.c.client_id == uuid.UUID(second)
    )
    with caplog.at_level(logging.ERROR, logger="journal.crypto"):
        response = auth_api.get(f"/api/v1/checkins/{second}")
    assert response.status_code == 200
    assert response.get_json()["note"] == crypto.UNREADABLE
    assert "cannot decrypt checkins.note" in caplog.text
    assert auth_api.get(f"/api/v1/checkins/{first}").get_json()["note"] == "A"
    assert auth_api.get("/timeline").status_code == 200
    assert auth_api.get("/export/data.csv").status_code == 200


def test_ciphertext_copied_to_another_column_does_not_decrypt(app, auth_api, user):
    """A session's notes moved into its clinic column do not decrypt there."""
    client_id = str(uuid.uuid4())
    started = f"{user_today(user) - timedelta(days=1)}T09:30:00+00:00"
    body = {"started_at": started, "route": "iv", "clinic": "C", "notes": "N"}
    assert auth_api.put(f"/api/v1/treatments/{client_id}", body).status_code == 201
    set_stored(app, TreatmentSession, "clinic", stored(app, TreatmentSession, "notes"))
    session = auth_api.get(f"/api/v1/treatments/{client_id}").get_json()
    assert (session["clinic"], session["notes"]) == (crypto.UNREADABLE, "N")
    assert auth_api.get("/treatments/").status_code == 200


def test_ciphertext_copied_to_another_user_does_not_decrypt(app, auth_api, other_api, user):
    """A reflection copied, client id and all, into another user's account does not decrypt."""
    client_id = uuid.uuid4()
    body = {"local_date": user_today(user).isoformat(), "text": "mine", "tags": ["private"]}
    assert auth_api.put(f"/api/v1/reflections/{client_id}", body).status_code == 201
    with app.app_context():
        table = Reflection.__table__
        mine = dict(db.session.execute(select(table)).mappings().one())
        other = db.session.scalars(select(User).where(User.email == "alex@example.com")).one()
        mine.pop("id")
        db.session.execute(table.insert().values({**mine, "user_id": other.id}))
        db.session.commit()
    theirs = other_api.get(f"/api/v1/reflections/{client_id}")
    assert theirs.status_code == 200
    assert theirs.get_json()["text"] == crypto.UNREADABLE
    assert theirs.get_json()["tags"] == ["unreadable"]
    assert other_api.get("/reflections/").status_code == 200
    assert auth_api.get(f"/api/v1/reflections/{client_id}").get_json()["text"] == "mine"


def test_tampered_value_is_a_placeholder_and_a_wrong_master_key_a_503(app, auth_api, user):
    """A flipped byte is a placeholder, not a 500; a wrong master key serves nothing (503)."""
    client_id = str(uuid.uuid4())
    body = {"local_date": user_today(user).isoformat(), "instrument": "daily", "mood": 3}
    assert (
        auth_api.put(f"/api/v1/checkins/{client_id}", {**body, "note": "kept"}).status_code == 201
    )
    value = stored(app, CheckIn, "note")
    tampered = value[:-3] + ("A" if value[-3] != "A" else "B") + value[-2:]
    set_stored(app, CheckIn, "note", tampered)
    assert auth_api.get(f"/api/v1/checkins/{client_id}").get_json()["note"] == crypto.UNREADABLE
    set_stored(app, CheckIn, "note", value)
    assert auth_api.get(f"/api/v1/checkins/{client_id}").get_json()["note"] == "kept"
    wrong = create_app(
        test_config(
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            JOURNAL_MASTER_KEY=crypto.new_master_key(),
            TESTING=False,
        )
    )
    stranger = wrong.test_client()
    assert stranger.get("/api/v1/csrf").status_code == 503
    assert stranger.get(f"/api/v1/checkins/{client_id}").status_code == 503
    assert stranger.get("/").status_code == 503
    assert stranger.get("/healthz").status_code == 503
    with wrong.app_context():
        db.session.remove()
        db.engine.dispose()


def test_rotation_keeps_every_value_readable(app, auth_api, user):
    """A new master key and new data keys: old key rows go, every value still reads."""
    ids = write_everything(auth_api, user)
    with app.app_context():
        old_keys = set(db.session.scalars(select(crypto.UserKey.id)))
    new_master = crypto.new_master_key()
    rotated = create_app(
        test_config(
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            JOURNAL_MASTER_KEY=f"{new_master},{MASTER_KEY}",
        )
    )
    result = rotated.test_cli_runner().invoke(args=["rotate-keys", "--data-keys"])
    assert result.exit_code == 0, result.output
    assert "Rewrapped 1 data keys" in result.output
    with rotated.app_context():
        keys = db.session.scalars(select(crypto.UserKey)).all()
        # The old data key stays, retired, until the next run: a running server may still have
        # sealed a value under it while this one committed.
        assert {k.id for k in keys if k.retired} == old_keys
        assert {k.master_id for k in keys} == {crypto.master_id(crypto.unb64(new_master))}
        notes = db.session.scalars(select(CheckIn.__table__.c.note)).all()
        assert all(crypto.key_id_of(n) in {k.id for k in keys if not k.retired} for n in notes)
        db.session.remove()
    again = rotated.test_cli_runner().invoke(args=["rotate-keys", "--data-keys"])
    assert again.exit_code == 0, again.output
    with rotated.app_context():
        keys = db.session.scalars(select(crypto.UserKey)).all()
        assert {k.id for k in keys}.isdisjoint(old_keys)
        notes = db.session.scalars(select(CheckIn.__table__.c.note)).all()
        assert all(crypto.key_id_of(n) in {k.id for k in keys if not k.retired} for n in notes)
        db.session.remove()
        db.engine.dispose()
    # Only the new master key now: the old one is no longer needed.
    after = create_app(
        test_config(
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            JOURNAL_MASTER_KEY=new_master,
        )
    )
    reader = Api(after.test_client())
    assert reader.login(user.email).status_code == 200
    assert reader.get(f"/api/v1/checkins/{ids['checkin']}").get_json()["note"] == markers("note")
    reflection = reader.get(f"/api/v1/reflections/{ids['reflection']}").get_json()
    assert (reflection["text"], reflection["tags"]) == (markers("text"), [markers("tag")])
    session = reader.get(f"/api/v1/treatments/{ids['treatment']}").get_json()
    assert session["medication_label"] == markers("medication_label")
    assert reader.get("/api/v1/me").get_json()["display_name"] == markers("name")
    assert reader.get("/api/v1/shares").get_json()["items"][0]["label"] == markers("label")
    assert MARK.encode() not in raw_database(app)
    with after.app_context():
        db.session.remove()
        db.engine.dispose()


def test_master_key_file_is_generated_owner_only(tmp_path):
    """Without JOURNAL_MASTER_KEY, instance/master_key is created 0600 on first run and reused."""
    # An app-like object with a private instance folder (tests never write the real one).
    instance = SimpleNamespace(config={"JOURNAL_MASTER_KEY": None}, instance_path=str(tmp_path))
    keys = crypto.load_master_keys(instance)
    path = tmp_path / "master_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.load_master_keys(instance) == keys
    assert len(keys) == 1 and len(keys[0]) == 32
    crypto.add_master_key(str(tmp_path))
    rotated = crypto.load_master_keys(instance)
    assert len(rotated) == 2 and rotated[1] == keys[0]


@pytest.fixture
def old_database(tmp_path):
    """Return the URL of an empty database for migrations (a new file, or the cleared PG db)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    clear_schema(DATABASE_URL)
    yield DATABASE_URL
    clear_schema(DATABASE_URL)


def test_migration_encrypts_existing_rows(old_database, tmp_path):
    """Upgrading a database with plaintext rows seals them; the app reads them back."""
    url = old_database
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade(revision="4a0b3389bec6")
        engine = db.engine
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, password_hash, timezone, region, gad7_enabled, "
                    "created_at, display_name, theme, week_start) VALUES ('old@example.com', 'x', "
                    "'UTC', 'US', :yes, '2026-01-01 00:00:00', :name, 'system', 'monday')"
                ),
                {"name": markers("name"), "yes": True},
            )
            connection.execute(
                text(
                    "INSERT INTO checkins (client_id, revision, user_id, instrument, local_date, "
                    "answers, mood, total, band, safety, note, created_at, updated_at) VALUES "
                    "(:cid, 1, 1, 'daily', '2026-01-02', '[]', 5, NULL, NULL, :no, :note, "
                    "'2026-01-02 00:00:00', '2026-01-02 00:00:00')"
                ),
                {"cid": uuid_value(7), "note": markers("note"), "no": False},
            )
            connection.execute(
                text(
                    "INSERT INTO reflections (client_id, revision, user_id, local_date, prompts, "
                    "text, tags, share, created_at, updated_at) VALUES (:cid, 1, 1, '2026-01-02', "
                    ":prompts, :text, :tags, :no, '2026-01-02 00:00:00', '2026-01-02 00:00:00')"
                ),
                {
                    "cid": uuid_value(8),
                    "no": False,
                    "prompts": json.dumps({"came_up": markers("prompt")}),
                    "text": markers("text"),
                    "tags": json.dumps([markers("tag")]),
                },
            )
        upgrade()
        engine.dispose()
    if ON_POSTGRES:
        raw = subprocess.run(
            ["/usr/bin/pg_dump", url.replace("+psycopg", "")], capture_output=True, check=True
        ).stdout
    else:
        raw = read_files(tmp_path / "old.sqlite", tmp_path / "old.sqlite-wal")
    assert MARK.encode() not in raw
    check = create_engine(url)
    with check.connect() as connection:
        if not ON_POSTGRES:
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        assert connection.execute(text("SELECT count(*) FROM checkins")).scalar() == 1
    check.dispose()
    with app.app_context():
        note = db.session.scalars(select(CheckIn)).one().note
        reflection = db.session.scalars(select(Reflection)).one()
        name = db.session.scalars(select(User)).one().display_name
        assert (note, name) == (markers("note"), markers("name"))
        assert reflection.prompts == {"came_up": markers("prompt")}
        assert reflection.tags == [markers("tag")]
        db.session.remove()
        db.engine.dispose()


def uuid_value(number: int):
    """Return a UUID as the database stores it (SQLite: 32 hex digits; PostgreSQL: native)."""
    value = uuid.UUID(int=number)
    return str(value) if ON_POSTGRES else value.hex


def test_pg_dump_is_available_for_the_postgres_run():
    """The PostgreSQL run needs pg_dump to read what the server stores."""
    if ON_POSTGRES:
        assert shutil.which("pg_dump") or os.path.exists("/usr/bin/pg_dump")
