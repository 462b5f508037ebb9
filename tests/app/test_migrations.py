"""Migrations: an empty database upgrades to head, and the models match it (no drift)."""

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from journal import create_app
from tests.conftest import DATABASE_URL, test_config


@pytest.fixture
def empty_database(tmp_path):
    """Return the URL of an empty database: a new SQLite file, or the cleared test PostgreSQL."""
    if DATABASE_URL.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrate.sqlite'}"
        return
    clear_schema(DATABASE_URL)
    yield DATABASE_URL
    clear_schema(DATABASE_URL)


def clear_schema(url: str) -> None:
    """Drop every table in the PostgreSQL test database, alembic_version included."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def test_upgrade_from_empty_then_check_finds_no_drift(empty_database, capsys):
    """`flask db upgrade` builds every table, and `flask db check` finds nothing to add."""
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=empty_database))
    with app.app_context():
        upgrade()
        tables = set(inspect(app.extensions["sqlalchemy"].engine).get_table_names())
        assert {"users", "checkins", "alembic_version"} <= tables
        check()  # raises (exits) on drift
    assert "No new upgrade operations detected" in capsys.readouterr().out


def test_downgrade_to_base_and_up_again(empty_database):
    """Every migration can be undone and redone."""
    app = create_app(test_config(SQLALCHEMY_DATABASE_URI=empty_database))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        engine = app.extensions["sqlalchemy"].engine
        assert "checkins" not in inspect(engine).get_table_names()
        upgrade()
        assert "checkins" in inspect(engine).get_table_names()
