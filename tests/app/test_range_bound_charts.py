"""Charts of a range read only what the range's analysis needs, with the same results."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from journal import charts, demo
from journal.accounts.users import find_user
from journal.charts import CHART_NAMES, ChartData
from journal.cli import load_demo
from journal.dashboard import cache, services
from journal.extensions import db
from journal.models import CheckIn
from journal.records import user_today


@pytest.fixture(autouse=True)
def empty_cache():
    """Start and end each test with empty chart caches."""
    cache.bodies.clear()
    cache.analyses.clear()
    yield
    cache.bodies.clear()
    cache.analyses.clear()


def full_history(user, start, end) -> ChartData:
    """Build the analysis from the whole history (the reference the bounded read must match)."""
    inputs = services.load_inputs(user, start, end, bounded=False)
    week_start = services.WEEKDAY_NUMBERS.get(user.week_start or "monday", 0)
    return ChartData(inputs, user_today(user), week_start=week_start)


def rendered(data: ChartData, name: str) -> dict:
    """Return one chart's figure JSON and caption."""
    return json.loads(charts.body(name, data))


@pytest.fixture
def history(app, user):
    """Three years of demo data (sessions, daily and validated check-ins) for the user."""
    with app.app_context():
        owner = find_user(user.email)
        load_demo(owner, demo.generate(3, user_today(owner), owner.timezone, seed=5))
        db.session.commit()
    return user


@pytest.mark.parametrize("days", [30, 90, 365, 800])
def test_bounded_read_equals_the_whole_history(app, history, days):
    """Every chart and analysis part of a range is the same as from the whole history."""
    with app.app_context():
        owner = find_user(history.email)
        today = user_today(owner)
        start = today - timedelta(days=days - 1)
        bounded = services.chart_data(owner, start, today)
        reference = full_history(owner, start, today)
        assert len(bounded.inputs.daily) < len(reference.inputs.daily)  # it did read less
        if days <= 365:
            assert len(bounded.inputs.sessions) < len(reference.inputs.sessions)
        for part in ("baseline", "windows", "changes", "durability", "since_last", "rolling"):
            assert getattr(bounded, part) == getattr(reference, part), part
        assert bounded.series("total") == reference.series("total")
        for name in CHART_NAMES:
            assert rendered(bounded, name) == rendered(reference, name), name


def test_a_range_after_the_last_session_still_counts_the_days_since_it(app, user):
    """A last session long before the range is still read: "today is day N after" holds."""
    with app.app_context():
        owner = find_user(user.email)
        today = user_today(owner)
        data = demo.generate(1, today, owner.timezone, seed=5)
        data["treatments"] = [
            t for t in data["treatments"] if t["local_date"] < today - timedelta(days=120)
        ]
        data["reflections"] = []
        load_demo(owner, data)
        start = today - timedelta(days=89)
        bounded = services.chart_data(owner, start, today)
        reference = full_history(owner, start, today)
        assert len(bounded.inputs.sessions) == 2  # the first and the last, nothing between
        assert bounded.since_last is not None and bounded.since_last["day"] > 120
        assert bounded.since_last == reference.since_last
        assert bounded.baseline == reference.baseline
        for name in CHART_NAMES:
            assert rendered(bounded, name) == rendered(reference, name), name


def test_a_write_inside_the_range_changes_the_cached_chart(app, auth_api, history):
    """After an edit inside the range its cached chart is rebuilt, equal to the uncached one."""
    today = user_today(history)
    query = f"?from={today - timedelta(days=89)}&to={today}"
    before = auth_api.get(f"/api/v1/charts/timeline{query}").get_json()
    with app.app_context():
        owner = find_user(history.email)
        query_row = select(CheckIn).where(
            CheckIn.user_id == owner.id,
            CheckIn.instrument == "daily",
            CheckIn.local_date >= today - timedelta(days=30),
        )
        row = db.session.scalars(query_row.order_by(CheckIn.local_date.desc()).limit(1)).one()
        stored = {"client_id": str(row.client_id), "revision": row.revision}
        on = row.local_date.isoformat()
    edit = {"instrument": "daily", "local_date": on, "answers": [0] * 9}
    edit = {**edit, "mood": 1, "base_revision": stored["revision"]}
    response = auth_api.put(f"/api/v1/checkins/{stored['client_id']}", edit)
    assert response.status_code == 200, response.get_json()
    after = auth_api.get(f"/api/v1/charts/timeline{query}").get_json()
    assert after != before
    with app.app_context():
        owner = find_user(history.email)
        expected = rendered(full_history(owner, today - timedelta(days=89), today), "timeline")
    assert {key: after[key] for key in expected} == expected
