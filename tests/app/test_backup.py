"""flask backup / flask restore: every table back field by field, also when taken during writes."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from journal import demo, records
from journal.accounts.users import find_user, register_user
from journal.backup import services
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
