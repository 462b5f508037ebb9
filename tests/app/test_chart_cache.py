"""Charts cached by the user's data revision: fresh after every write, never another user's."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from journal import demo
from journal.accounts.users import find_user
from journal.cli import load_demo
from journal.dashboard import cache, services
from journal.extensions import db
from journal.models import User
from journal.records import user_today
from tests.conftest import new_id


@pytest.fixture(autouse=True)
def empty_cache():
    """Start and end each test with empty chart caches."""
    cache.bodies.clear()
    cache.analyses.clear()
    yield
    cache.bodies.clear()
    cache.analyses.clear()


def revision(app, email: str) -> int:
    """Return the user's stored data revision."""
    with app.app_context():
        return db.session.scalar(select(User.data_revision).where(User.email == email))


def daily(user, days_ago: int = 0, mood: int = 6, answers=None) -> dict:
    """Return a daily check-in body."""
    day = (user_today(user) - timedelta(days=days_ago)).isoformat()
    return {"instrument": "daily", "local_date": day, "answers": answers or [1] * 9, "mood": mood}


def chart(api, name: str = "timeline", query: str = "") -> dict:
    """GET one chart and return its JSON."""
    response = api.get(f"/api/v1/charts/{name}{query}")
    assert response.status_code == 200
    return response.get_json()


def uncached(app, email: str, name: str) -> dict:
    """Build the chart without any cache, as the API would serialise it."""
    with app.app_context():
        body = services.charts.body(name, services.chart_data(find_user(email), None, None))
        return {k: v for k, v in json.loads(body).items() if k not in ("name", "title")}


def test_every_kind_of_record_write_bumps_the_revision_once(app, auth_api, user):
    """Create, edit and delete each bump it; an idempotent retry and a conflict do not."""
    client_id, body = new_id(), daily(user)
    assert revision(app, user.email) == 0
    assert auth_api.put(f"/api/v1/checkins/{client_id}", body).status_code == 201
    assert revision(app, user.email) == 1
    assert auth_api.put(f"/api/v1/checkins/{client_id}", body).status_code == 200  # a retry
    assert revision(app, user.email) == 1
    edit = {**body, "mood": 2, "base_revision": 1}
    assert auth_api.put(f"/api/v1/checkins/{client_id}", edit).status_code == 200
    assert revision(app, user.email) == 2
    assert auth_api.put(f"/api/v1/checkins/{new_id()}", body).status_code == 409  # date taken
    assert revision(app, user.email) == 2
    session = {"started_at": f"{body['local_date']}T15:00:00+00:00", "route": "iv"}
    assert auth_api.put(f"/api/v1/treatments/{new_id()}", session).status_code == 201
    assert revision(app, user.email) == 3
    reflection = {"local_date": body["local_date"], "text": "calmer"}
    assert auth_api.put(f"/api/v1/reflections/{new_id()}", reflection).status_code == 201
    assert revision(app, user.email) == 4
    assert auth_api.delete(f"/api/v1/checkins/{client_id}").status_code == 204
    assert revision(app, user.email) == 5


def test_a_bulk_load_bumps_once_per_transaction(app, user):
    """Thousands of rows in one transaction are one revision, not one per row."""
    with app.app_context():
        owner = find_user(user.email)
        load_demo(owner, demo.generate(0.5, user_today(owner), owner.timezone, seed=3))
    assert revision(app, user.email) == 1


@pytest.mark.parametrize("name", services.CHART_NAMES)
def test_a_repeat_is_served_from_the_cache_and_equals_a_fresh_build(app, auth_api, user, name):
    """The second request is a cache hit, and both equal a chart built with no cache at all."""
    with app.app_context():
        owner = find_user(user.email)
        load_demo(owner, demo.generate(0.5, user_today(owner), owner.timezone, seed=2))
    first = chart(auth_api, name)
    hits = cache.bodies.hits
    second = chart(auth_api, name)
    assert cache.bodies.hits == hits + 1
    assert first == second
    fresh = uncached(app, user.email, name)
    assert {k: first[k] for k in ("data", "layout", "caption")} == {
        k: fresh[k] for k in ("data", "layout", "caption")
    }


def test_the_chart_follows_a_write_an_edit_and_a_delete(app, auth_api, user):
    """After each write the next chart is rebuilt and shows the change."""
    client_id = new_id()
    empty = chart(auth_api)
    assert auth_api.put(f"/api/v1/checkins/{client_id}", daily(user, mood=3)).status_code == 201
    written = chart(auth_api)
    assert written != empty
    assert written == uncached(app, user.email, "timeline") | {
        "name": "timeline",
        "title": services.CHART_TITLES["timeline"],
    }
    edit = {**daily(user, mood=9, answers=[3] * 9), "base_revision": 1}
    assert auth_api.put(f"/api/v1/checkins/{client_id}", edit).status_code == 200
    edited = chart(auth_api)
    assert edited != written
    assert json.dumps(edited).count("27") > json.dumps(written).count("27")  # total 27 drawn
    assert auth_api.delete(f"/api/v1/checkins/{client_id}").status_code == 204
    assert chart(auth_api) == empty


def test_the_cache_never_shows_another_users_data(app, auth_api, other_api, user):
    """Two users at the same revision and range each get their own chart."""
    assert auth_api.put(f"/api/v1/checkins/{new_id()}", daily(user, mood=1)).status_code == 201
    other_body = daily(user, mood=10, answers=[3] * 9)
    assert other_api.put(f"/api/v1/checkins/{new_id()}", other_body).status_code == 201
    assert revision(app, user.email) == revision(app, "alex@example.com") == 1
    mine, theirs = chart(auth_api), chart(other_api)
    assert mine != theirs
    assert mine["data"] == uncached(app, user.email, "timeline")["data"]
    assert theirs["data"] == uncached(app, "alex@example.com", "timeline")["data"]


def test_a_new_account_at_a_reused_id_does_not_see_the_old_charts(app, api, make_user):
    """SQLite may hand a deleted account's id to the next: the cache key tells them apart."""
    first = make_user("first@example.com")
    assert api.login(first.email).status_code == 200
    assert api.put(f"/api/v1/checkins/{new_id()}", daily(first, mood=1)).status_code == 201
    old = chart(api)
    with app.app_context():
        db.session.delete(find_user(first.email))
        db.session.commit()
    second = make_user("second@example.com")
    assert api.login(second.email).status_code == 200
    assert api.put(f"/api/v1/checkins/{new_id()}", daily(second, mood=9)).status_code == 201
    assert revision(app, second.email) == 1
    assert chart(api) != old


def test_a_ranged_chart_reads_answers_only_in_range_and_draws_the_same(app, user):
    """Answers before the range are not decoded, and every chart is the same as with them."""
    with app.app_context():
        owner = find_user(user.email)
        load_demo(owner, demo.generate(1, user_today(owner), owner.timezone, seed=4))
        end = user_today(owner)
        start = end - timedelta(days=89)
        ranged = services.load_inputs(owner, start, end)
        assert all((row["answers"] is None) == (row["date"] < start) for row in ranged.daily)
        full = services.load_inputs(owner, None, end)
        whole = services.charts.ChartInputs(full.daily, full.validated, full.sessions, start, end)
        for name in services.CHART_NAMES:
            mine = services.charts.body(name, services.charts.ChartData(ranged, end))
            theirs = services.charts.body(name, services.charts.ChartData(whole, end))
            assert mine == theirs, name
