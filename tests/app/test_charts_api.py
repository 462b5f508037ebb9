"""Chart endpoints, the dashboard's chart section, the demo-data command and static gzip."""

import gzip
import json
import re
from datetime import timedelta

import pytest

from journal.cli import load_demo
from journal.demo import generate
from journal.extensions import db
from journal.models import User
from journal.records import user_today
from tests.conftest import PASSWORD, new_id

CHARTS = ["timeline", "calendar", "around-sessions", "session-change", "durability", "items"]


@pytest.fixture
def demo_api(app, auth_api, user):
    """Give `user` a year of demo history and return their API client."""
    with app.app_context():
        row = db.session.get(User, user.id)
        load_demo(row, generate(1, user_today(row), row.timezone, seed=2))
    return auth_api


@pytest.mark.parametrize("name", CHARTS)
def test_chart_returns_figure_and_caption(demo_api, name):
    """Each chart is Plotly JSON (data and layout) with a title and a caption from the data."""
    response = demo_api.get(f"/api/v1/charts/{name}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["data"] and body["layout"]
    assert body["name"] == name and body["title"] and body["caption"]


@pytest.mark.parametrize("name", CHARTS)
def test_chart_for_new_user_is_an_empty_state(auth_api, name):
    """With no data each chart says what to log first, instead of failing."""
    body = auth_api.get(f"/api/v1/charts/{name}").get_json()
    assert "Log" in body["caption"]
    assert body["layout"]["annotations"]


def test_chart_range_limits_points(demo_api, user):
    """A 30-day range draws only the last 30 days of daily totals."""
    today = user_today(user)
    start = today - timedelta(days=29)
    body = demo_api.get(f"/api/v1/charts/timeline?from={start}&to={today}").get_json()
    daily = next(t for t in body["data"] if t.get("name") == "Each day")
    assert 0 < len([y for y in daily["y"] if y is not None]) <= 30
    assert body["layout"]["xaxis"]["range"] == [
        start.isoformat(),
        (today + timedelta(days=1)).isoformat(),
    ]


@pytest.mark.parametrize("name", CHARTS)
def test_five_years_of_every_chart_is_under_100_kb_gzipped(app, auth_api, user, name):
    """The longest range stays small on the wire (the PWA caches every chart)."""
    with app.app_context():
        row = db.session.get(User, user.id)
        load_demo(row, generate(5, user_today(row), row.timezone, seed=1))
    body = auth_api.get(f"/api/v1/charts/{name}").data
    assert len(gzip.compress(body)) < 100_000


def test_unknown_chart_is_404(auth_api):
    """An unknown chart name is not found."""
    assert auth_api.get("/api/v1/charts/pie").status_code == 404


def test_bad_range_is_422(auth_api):
    """A malformed date is a 422 naming the field."""
    response = auth_api.get("/api/v1/charts/timeline?from=last-week")
    assert response.status_code == 422 and "from" in response.get_json()["error"]["fields"]


def test_charts_need_sign_in(api):
    """Anonymous chart requests are 401."""
    assert api.get("/api/v1/charts/timeline").status_code == 401


def test_charts_only_show_the_callers_data(demo_api, other_api):
    """Another user's charts are their own empty state."""
    body = other_api.get("/api/v1/charts/timeline").get_json()
    assert "Log a daily check-in" in body["caption"]


def test_clinic_name_is_escaped_in_hovers(auth_api, user):
    """A clinic name with markup is escaped in the timeline hover text."""
    today = user_today(user)
    auth_api.put(
        f"/api/v1/treatments/{new_id()}",
        {
            "started_at": f"{today - timedelta(days=1)}T10:00:00-06:00",
            "route": "iv",
            "clinic": "<img src=x onerror=alert(1)>",
        },
    )
    auth_api.put(
        f"/api/v1/checkins/{new_id()}",
        {"instrument": "daily", "local_date": today.isoformat(), "answers": [1] * 9},
    )
    # Decode the JSON first: Plotly writes "<" as \u003c, so a raw search would always pass.
    text = json.dumps(auth_api.get("/api/v1/charts/timeline").get_json())
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<img src=x" not in text


def test_dashboard_has_range_picker_and_chart_slots(logged_in):
    """The dashboard offers the ranges and one slot per chart pointing at its endpoint."""
    html = logged_in.get("/?range=30d").get_data(as_text=True)
    for key in ("30d", "90d", "1y", "all", "custom"):
        assert f'value="{key}"' in html
    assert 'value="30d" checked' in html
    for name in CHARTS:
        assert f'data-chart="{name}"' in html and f"/api/v1/charts/{name}?" in html
    # plotly.js is named for charts.js to fetch when a chart nears the screen, not loaded up front.
    # (the URL carries the bundle's content hash: journal/static_urls.py)
    assert re.search(r'data-plotly-src="/static/v/\w+/js/vendor/plotly-cartesian.min.js"', html)
    assert 'vendor/plotly-cartesian.min.js"></script>' not in html


def test_dashboard_custom_range_kept_in_url(logged_in):
    """A custom range's dates are used for the chart sources."""
    html = logged_in.get("/?range=custom&from=2026-01-01&to=2026-02-01").get_data(as_text=True)
    assert "from=2026-01-01&amp;to=2026-02-01" in html


def test_dashboard_bad_custom_range_explains(logged_in):
    """A start after the end falls back to 90 days with a message."""
    html = logged_in.get("/?range=custom&from=2026-03-01&to=2026-02-01").get_data(as_text=True)
    assert "Choose a start date on or before the end date." in html


def test_demo_data_command_creates_history(app, runner):
    """`flask demo-data` creates the account and its history, deterministically by seed."""
    result = runner.invoke(
        args=["demo-data", "--email", "demo@example.com", "--password", PASSWORD, "--years", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "check-ins" in result.output and "sessions" in result.output


def test_demo_data_refuses_existing_email(app, runner, user):
    """An email that already has an account is refused, not overwritten."""
    result = runner.invoke(
        args=["demo-data", "--email", user.email, "--password", PASSWORD, "--years", "1"]
    )
    assert result.exit_code != 0 and "already has an account" in result.output


def test_vendored_plotly_is_served_gzipped(client):
    """plotly.js is sent precompressed to clients that accept gzip, and plain to others."""
    zipped = client.get(
        "/static/js/vendor/plotly-cartesian.min.js", headers={"Accept-Encoding": "gzip"}
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.mimetype in ("text/javascript", "application/javascript")
    assert len(zipped.data) < 520_000
    plain = client.get("/static/js/vendor/plotly-cartesian.min.js")
    assert "Content-Encoding" not in plain.headers and len(plain.data) > 1_400_000
    assert gzip.decompress(zipped.data) == plain.data
    zipped.close()
    plain.close()


def test_dashboard_says_which_day_after_the_last_session_it_is(app, logged_in, user):
    """Today's card names the day since the last session and how the 3-day mean moves."""
    today = user_today(user)
    with app.app_context():
        row = db.session.get(User, user.id)
        load_demo(row, generate(1, today, row.timezone, seed=2))
    html = logged_in.get("/").get_data(as_text=True)
    assert "after your last session (" in html


def test_dashboard_without_sessions_says_nothing_about_them(logged_in):
    """No session, no sentence about one."""
    assert "after your last session" not in logged_in.get("/").get_data(as_text=True)
