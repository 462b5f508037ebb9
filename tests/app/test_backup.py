"""flask backup / flask restore: every table back field by field, also when taken during writes."""

import enum
import os
import sqlite3
import stat
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from decimal import Decimal

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Enum,
    Float,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    Uuid,
    create_engine,
    func,
    null,
    select,
)

from journal import demo, records
from journal.accounts.users import find_user, register_user
from journal.backup import logical, services
from journal.checkins import services as checkins
from journal.cli import load_demo
from journal.extensions import db
from journal.records import user_today
from journal.settings.services import update_settings
from journal.share import services as shares
from tests.conftest import DATABASE_URL, PASSWORD, app_with_schema

ON_SQLITE = DATABASE_URL.startswith("sqlite")


@pytest.fixture
def file_app(tmp_path):
    """An app on a database other processes and threads can reach (a SQLite file, or PG)."""
    if ON_SQLITE:
        yield from app_with_schema(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}")
    else:
        yield from app_with_schema()


def snapshot() -> dict[str, list[dict]]:
    """Return every row of every table in the metadata, by primary key, as plain dicts."""
    tables = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns)
        rows = db.session.execute(select(table).order_by(*order)).mappings()
        tables[table.name] = [dict(row) for row in rows]
    db.session.rollback()
    return tables


def seed(app) -> None:
    """Fill two accounts with records, settings and share links (one revoked, one opened)."""
    with app.app_context():
        for n, email in enumerate(("sam@example.com", "alex@example.com")):
            user = register_user(email, PASSWORD, "America/Chicago", "US")
            load_demo(user, demo.generate(0.3, user_today(user), "America/Chicago", seed=n + 1))
            update_settings(
                user,
                {
                    "display_name": f"Person {n} <b>é</b>",
                    "theme": "dark",
                    "week_start": "sunday",
                    "schedules": {"pcl5": {"enabled": True, "form": "week"}},
                },
            )
            link, token = shares.create_share(user, {"label": "for Dr. Rivera"})
            shares.open_share(token)
            revoked, _ = shares.create_share(user, {"expires_in_days": 3})
            db.session.commit()
            shares.revoke_share(user, revoked.id)
            db.session.commit()


def mutate(app) -> None:
    """Change the database after the backup: delete an account, edit settings, add a row."""
    with app.app_context():
        db.session.delete(find_user("alex@example.com"))
        sam = find_user("sam@example.com")
        update_settings(sam, {"display_name": "changed", "theme": "light"})
        register_user("new@example.com", PASSWORD, "UTC", "US")
        db.session.commit()


def assert_tables_equal(restored: dict, expected: dict) -> None:
    """Compare every table row by row and field by field, naming the first difference."""
    assert restored.keys() == expected.keys()
    for name in expected:
        assert len(restored[name]) == len(expected[name]), name
        for got, want in zip(restored[name], expected[name], strict=True):
            for column in want:
                assert got[column] == want[column], (name, want.get("id"), column)


@pytest.mark.parametrize("logical", [False, True], ids=["native", "logical"])
def test_backup_then_restore_gives_back_every_row(file_app, tmp_path, logical):
    """Back up, change things, restore: every table is as it was at the backup, field by field."""
    app = file_app
    seed(app)
    with app.app_context():
        before = snapshot()
    assert len(before["share_links"]) == 4 and len(before["share_opens"]) == 2
    assert all(len(before[name]) > 10 for name in ("checkins", "treatment_sessions"))
    path = tmp_path / "journal.backup"
    runner = app.test_cli_runner()
    args = ["backup", str(path), *(["--logical"] if logical else [])]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "master key is not in it" in result.output
    expected_kind = "logical" if logical else ("sqlite" if ON_SQLITE else "pg_dump")
    assert services.kind_of(str(path)) == expected_kind
    mutate(app)
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert_tables_equal(snapshot(), before)
        # The restored database takes new writes (PostgreSQL's sequences were moved on).
        register_user("after@example.com", PASSWORD, "UTC", "US")
        link, _ = shares.create_share(find_user("sam@example.com"), {})
        db.session.commit()


def test_postgresql_without_pg_dump_writes_the_logical_format(file_app, tmp_path, monkeypatch):
    """With no pg_dump on PATH the backup is the logical export (on SQLite: the backup API)."""
    app = file_app
    seed(app)
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no pg_dump in it
    path = tmp_path / "journal.backup"
    with app.app_context():
        kind = services.backup(str(path))
        assert kind == ("sqlite" if ON_SQLITE else "logical")
        before = snapshot()
        mutate(app)
        services.restore(str(path))
        assert_tables_equal(snapshot(), before)


def test_restore_refuses_what_is_not_a_backup(file_app, tmp_path):
    """A file that is not a backup is refused, and the database is untouched."""
    app = file_app
    seed(app)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello, not a backup")
    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "not a Mood Journal backup" in result.output
    with app.app_context():
        assert find_user("alex@example.com") is not None


def test_backup_during_writes_restores_a_consistent_copy(file_app, tmp_path):
    """A backup taken while check-ins are being written holds every write acknowledged before
    it began, a prefix of the writer's commits, and every other row field by field."""
    app = file_app
    seed(app)
    acknowledged: list[str] = []
    stop, errors = threading.Event(), []

    def write() -> None:
        """Commit check-ins one by one (one per past day) until told to stop."""
        with app.app_context():
            user = find_user("sam@example.com")
            start = user_today(user) - timedelta(days=400)
            for n in range(2000):
                if stop.is_set():
                    break
                body = {"instrument": "phq9", "local_date": (start - timedelta(days=n)).isoformat()}
                body["answers"] = [n % 4] * 9
                try:
                    row, _ = records.upsert(checkins.KIND, user, uuid.uuid4(), body)
                    db.session.commit()
                    acknowledged.append(str(row.client_id))
                except Exception as exc:  # a thread cannot fail the test: collect and assert
                    db.session.rollback()
                    errors.append(exc)
                    time.sleep(0.01)
            db.session.remove()

    with app.app_context():
        start_revision = find_user("sam@example.com").data_revision
    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(acknowledged) < 20 and writer.is_alive():
            time.sleep(0.01)
        before_backup = list(acknowledged)
        path = tmp_path / "during.backup"
        with app.app_context():
            services.backup(str(path))
        time.sleep(0.2)  # let writes continue after the backup, so some are not in it
    finally:
        stop.set()
        writer.join()
    assert not [e for e in errors if "locked" not in str(e)], errors
    assert len(acknowledged) > len(before_backup)
    with app.app_context():
        final = snapshot()
        services.restore(str(path))
        restored = snapshot()
    written = set(acknowledged)
    kept = [str(row["client_id"]) for row in restored["checkins"]]
    kept_written = [client_id for client_id in kept if client_id in written]
    assert set(before_backup) <= set(kept_written), "an acknowledged write is missing"
    # One writer commits in order: the backup holds a prefix of its commits, nothing torn.
    assert set(kept_written) == set(acknowledged[: len(kept_written)])
    # The writer's account counts its commits: the copy's count matches the copy's rows.
    sam = next(row for row in restored["users"] if row["email"] == "sam@example.com")
    assert sam["data_revision"] == start_revision + len(kept_written)
    # Every row in the copy is the live row, field by field; every other row is there too.
    for name, rows in final.items():
        live = {row_key(row): row for row in rows}
        for row in restored[name]:
            expected = live[row_key(row)]
            if name == "users":  # only the revision moved on after the backup
                expected = {**expected, "data_revision": row["data_revision"]}
            assert expected == row, name
        if name != "checkins":
            assert len(restored[name]) == len(rows), name
    missing = [row for row in final["checkins"] if str(row["client_id"]) not in written]
    assert all(row in restored["checkins"] for row in missing)


def row_key(row: dict) -> object:
    """Return a row's identity for comparison (its id, or the whole row without one)."""
    return row.get("id", tuple(sorted(row.items())))


WHEN = datetime(2026, 3, 8, 9, 5, 7, 123456, tzinfo=UTC)


def extra_rows(sam: int, alex: int) -> dict[str, list[dict]]:
    """Return rows for the tables seed() leaves empty, with every column type the models use:
    wall-clock times (reminders), dates, aware datetimes with microseconds, nested JSON with
    text outside ASCII and nulls, SQL NULLs, booleans both ways, floats, long and odd text."""
    later = WHEN + timedelta(days=1, microseconds=1)
    odd = 'quote " back\\slash \u2028 line sep, é, 🙂, <b>tag</b>'
    return {
        # Raw column values: the backup copies ciphertext as it is, never decrypting it.
        "safety_plans": [
            {
                "user_id": sam,
                "warning_signs": odd,
                "coping": "enc1:k1:" + "A" * 40,
                "distractions": None,
                "helpers": None,
                "professionals": "[]",
                "safe_environment": None,
                "reasons": odd,
                "updated_at": later,
            },
        ],
        "pending_signups": [
            {
                "token_hash": "a" * 64,
                "email": "pending@example.com",
                "password_hash": "$argon2id$x",
                "timezone": "Europe/Paris",
                "region": "FR",
                "expires_at": later,
            },
        ],
        "throttle_counters": [{"key": "signin:ip:2001:db8::1", "hits": 3, "expires_at": later}],
        "export_jobs": [
            {
                "id": uuid.uuid4().hex,
                "user_id": sam,
                "kind": "pdf",
                "state": "done",
                "parameters": {"from": "2026-01-01", "tags": ["a", odd], "n": None, "x": 1.5},
                "progress": 100,
                "progress_text": "Done",
                "error": None,
                "attempts": 1,
                "runner_pid": 4321,
                "created_at": WHEN,
                "started_at": WHEN,
                "heartbeat_at": later,
                "finished_at": later,
                "file_name": "mood.pdf",
                "file_size": 123456,
                "mimetype": "application/pdf",
                "fetched_at": None,
            },
            {
                "id": uuid.uuid4().hex,
                "user_id": alex,
                "kind": "csv",
                "state": "failed",
                "parameters": {},
                "progress": 0,
                "progress_text": odd,
                "error": odd,
                "attempts": 2,
                "runner_pid": None,
                "created_at": WHEN,
                "started_at": None,
                "heartbeat_at": None,
                "finished_at": None,
                "file_name": None,
                "file_size": None,
                "mimetype": None,
                "fetched_at": None,
            },
        ],
        "login_sessions": [
            {
                "user_id": uid,
                "token_hash": f"{uid:064d}",
                "device": "Firefox on Linux",
                "remember": uid == sam,
                "created_at": WHEN,
                "last_used_at": later,
                "idle_expires_at": later,
                "expires_at": later + timedelta(days=30),
            }
            for uid in (sam, alex)
        ],
        "password_reset_tokens": [
            {"user_id": alex, "token_hash": "b" * 64, "created_at": WHEN, "expires_at": later},
        ],
        "push_subscriptions": [
            {
                "user_id": sam,
                "endpoint": "https://push.example.com/send/abc",
                "p256dh": "B" * 87,
                "auth": "c" * 22,
                "created_at": WHEN,
                "last_sent_at": None,
            },
            {
                "user_id": alex,
                "endpoint": "https://push.example.com/send/def",
                "p256dh": "D" * 87,
                "auth": "e" * 22,
                "created_at": WHEN,
                "last_sent_at": later,
            },
        ],
        "recovery_codes": [{"user_id": sam, "code_hash": f"{n:064d}"} for n in range(3)],
        "reminder_preferences": [
            {
                "user_id": sam,
                "time": wall_time(7, 30),
                "quiet_start": wall_time(22, 0, 0, 500),
                "quiet_end": wall_time(6, 45),
                "push": True,
                "email": False,
                "calendar": True,
                "daily": True,
                "questionnaires": False,
                "reflections": True,
                "calendar_secret_hash": "f" * 64,
                "created_at": WHEN,
                "updated_at": later,
                "evaluated_on": date(2026, 3, 8),
            },
            {
                "user_id": alex,
                "time": wall_time(20, 0),
                "quiet_start": None,
                "quiet_end": None,
                "push": False,
                "email": True,
                "calendar": False,
                "daily": False,
                "questionnaires": True,
                "reflections": False,
                "calendar_secret_hash": None,
                "created_at": WHEN,
                "updated_at": WHEN,
                "evaluated_on": None,
            },
        ],
        "reminders_sent": [
            {
                "user_id": sam,
                "kind": "daily",
                "local_date": date(2026, 3, 8),
                "claimed_at": WHEN,
                "sent_at": later,
                "channels": "email,push",
                "error": None,
                "attempts": 1,
            },
            {
                "user_id": alex,
                "kind": "phq9",
                "local_date": date(2024, 2, 29),
                "claimed_at": WHEN,
                "sent_at": None,
                "channels": None,
                "error": odd,
                "attempts": 3,
            },
        ],
        "security_events": [
            {
                "user_id": None,
                "kind": "signin_failed",
                "created_at": WHEN,
                "ip": "2001:db8::1",
                "user_agent": None,
            },
            {
                "user_id": sam,
                "kind": "password_changed",
                "created_at": later,
                "ip": "127.0.0.1",
                "user_agent": odd,
            },
        ],
        "totp_credentials": [
            {"user_id": sam, "secret": "v1:sealed-secret", "created_at": WHEN, "last_step": 123},
        ],
    }


def fill_every_table(app) -> dict[str, list[dict]]:
    """Seed two accounts, add a row of every kind seed() leaves out; return the snapshot."""
    seed(app)
    with app.app_context():
        sam, alex = (find_user(e).id for e in ("sam@example.com", "alex@example.com"))
        for name, rows in extra_rows(sam, alex).items():
            db.session.execute(db.metadata.tables[name].insert(), rows)
        # SQL NULL in a nullable JSON column (the app's "none recorded"), which is not JSON null.
        sessions = db.metadata.tables["treatment_sessions"]
        first = db.session.scalar(select(func.min(sessions.c.id)))
        update = sessions.update().where(sessions.c.id == first)
        db.session.execute(update.values(bp_after=null(), side_effects=null()))
        db.session.commit()
        before = snapshot()
    empty = [name for name, rows in before.items() if not rows]
    assert not empty, f"fill these tables in extra_rows(): {empty}"
    return before


def sql_nulls(app) -> dict[str, int]:
    """Count SQL NULLs in every nullable column (a JSON null reads back as None too)."""
    counts = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if column.nullable:
                    query = select(func.count()).select_from(table).where(column.is_(None))
                    counts[f"{table.name}.{column.name}"] = db.session.scalar(query)
        db.session.rollback()
    return counts


def empty_every_table(app) -> None:
    """Delete every row, so the restore goes into an empty database."""
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        assert not any(snapshot().values())


@pytest.mark.parametrize("logical", [False, True], ids=["native", "logical"])
def test_every_table_and_column_type_round_trips(file_app, tmp_path, logical):
    """Every table in the metadata, filled, backs up (0600) and restores into an empty database
    field by field, SQL NULLs included; on SQLite the native path is the backup API, on
    PostgreSQL pg_dump where installed (the logical format otherwise)."""
    app = file_app
    before = fill_every_table(app)
    nulls = sql_nulls(app)
    assert nulls["treatment_sessions.bp_after"] == 1
    path = tmp_path / "every.backup"
    old_umask = os.umask(0)  # a chmod after writing would hide a file first created 0644
    try:
        args = ["backup", str(path), *(["--logical"] if logical else [])]
        result = app.test_cli_runner().invoke(args=args)
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.glob("*.partial")) == []
    empty_every_table(app)
    result = app.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        restored = snapshot()
    assert_tables_equal(restored, before)
    assert sql_nulls(app) == nulls
    rows = sum(len(table) for table in restored.values())
    assert len(restored) == len(db.metadata.sorted_tables) and rows > 100


def test_a_failed_backup_leaves_no_file_and_says_why(file_app, tmp_path, monkeypatch):
    """A backup that fails half-way (here: a column type the format cannot write, the old time
    bug) exits non-zero, says why in one line and leaves neither the file nor a .partial."""
    app = file_app
    fill_every_table(app)
    monkeypatch.setattr(logical, "CODECS", [c for c in logical.CODECS if c[0] is not wall_time])
    path = tmp_path / "broken.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(path), "--logical"])
    assert result.exit_code == 1
    message = result.output.strip()
    assert "\n" not in message and "Traceback" not in message, message
    expected = "reminder_preferences.time holds a time value the backup cannot write."
    assert message == f"Error: Backup failed: {expected}"
    assert list(tmp_path.glob("broken*")) == []


def test_a_failing_native_backup_is_one_line_and_leaves_nothing(file_app, tmp_path, monkeypatch):
    """A native backup that fails after writing part of the file (PostgreSQL: a pg_dump stand-in
    that prints two lines and exits 1; SQLite: the copy running out of disk) is reported in one
    line, exits 1 and leaves no file behind."""
    app = file_app
    path = tmp_path / "out" / "native.backup"
    path.parent.mkdir()
    if ON_SQLITE:

        def disk_full(engine, partial):
            """Write half a copy, then fail as a full disk does."""
            partial.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4096)
            raise sqlite3.OperationalError("database or disk is full\n(while copying page 2)")

        monkeypatch.setattr(services, "backup_sqlite", disk_full)
        reason = "OperationalError: database or disk is full (while copying page 2)"
    else:
        fake = tmp_path / "bin" / "pg_dump"
        fake.parent.mkdir()
        script = "echo half > \"$5\"; echo 'pg_dump: error: first' >&2; echo second >&2; exit 1"
        fake.write_text(f"#!/bin/sh\n{script}\n")
        fake.chmod(0o755)
        monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
        reason = "pg_dump failed: pg_dump: error: first second"
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: Backup failed: {reason}"
    assert list(path.parent.iterdir()) == []


class Mood(enum.Enum):
    """An enum for the column-type round trip (no model has one yet)."""

    LOW = "low"
    HIGH = "high"


def test_column_types_no_model_uses_yet_round_trip(tmp_path):
    """bytes, decimals, intervals, enums, floats and the rest go through the logical format and
    back unchanged, so a model that gains such a column keeps backing up."""
    url = f"sqlite:///{tmp_path / 'types.db'}" if ON_SQLITE else DATABASE_URL
    metadata = MetaData()
    table = Table(
        "backup_type_probe",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("blob", LargeBinary),
        Column("amount", Numeric(12, 4)),
        Column("ratio", Float),
        Column("span", Interval),
        Column("mood", Enum(Mood)),
        Column("at", Time),
        Column("stamp", DateTime(timezone=True)),
        Column("key", Uuid),
        Column("doc", JSON),
        Column("flag", Boolean),
    )
    rows = [
        {
            "id": 1,
            "blob": bytes(range(256)),
            "amount": Decimal("12345678.0001"),
            "ratio": 0.1,
            "span": timedelta(days=-1, seconds=5, microseconds=7),
            "mood": Mood.HIGH,
            "at": wall_time(23, 59, 59, 999999),
            "stamp": WHEN,
            "key": uuid.uuid4(),
            "doc": {"a": [1, None, "é"]},
            "flag": False,
        },
        {
            "id": 2,
            **dict.fromkeys(
                ("blob", "amount", "ratio", "span", "mood", "at", "stamp", "key", "doc", "flag")
            ),
        },
    ]
    engine = create_engine(url)
    metadata.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.execute(table.insert(), rows)
        path = tmp_path / "types.backup"
        with engine.connect() as connection:
            logical.write(str(path), connection, metadata)
            before = [row._asdict() for row in connection.execute(select(table).order_by("id"))]
        with engine.begin() as connection:
            connection.execute(table.delete())
            assert logical.restore(str(path), connection, metadata) == {table.name: 2}
        with engine.connect() as connection:
            after = [row._asdict() for row in connection.execute(select(table).order_by("id"))]
            nulls = connection.scalar(select(func.count()).where(table.c.doc.is_(None)))
        assert after == before and after[0]["mood"] is Mood.HIGH
        assert nulls == 1  # SQL NULL stayed SQL NULL, not the JSON value null
    finally:
        metadata.drop_all(engine)
        engine.dispose()
