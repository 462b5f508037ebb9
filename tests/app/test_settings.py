"""Settings: PATCH /api/v1/me and /settings apply the same rules; region defaults by zone."""

import pytest

from journal.extensions import db
from journal.models import User
from tests.conftest import PASSWORD, csrf_from, new_id


def patch(api, body, **kwargs):
    """PATCH /api/v1/me with the CSRF header."""
    return api.request("PATCH", "/api/v1/me", body, **kwargs)


def test_me_shows_settings_with_defaults(auth_api):
    """GET /api/v1/me carries every setting, defaults included."""
    me = auth_api.get("/api/v1/me").get_json()
    assert me["display_name"] is None and me["theme"] == "system" and me["week_start"] == "monday"
    assert me["schedules"]["phq9"] == {"enabled": True, "every_days": 14, "after_session": True}
    assert (
        me["schedules"]["pcl5"]["enabled"] is False and me["schedules"]["pcl5"]["form"] == "month"
    )
    assert me["schedules"]["who5"]["every_days"] == 14


def test_patch_changes_only_what_is_given(auth_api):
    """Each field given changes; the rest stay."""
    body = {
        "display_name": "  Sam   Rivera ",
        "timezone": "Europe/London",
        "theme": "dark",
        "week_start": "sunday",
        "schedules": {"pcl5": {"enabled": True, "form": "week"}, "gad7": {"enabled": False}},
    }
    response = patch(auth_api, body)
    assert response.status_code == 200, response.get_json()
    me = response.get_json()
    assert me["display_name"] == "Sam Rivera" and me["timezone"] == "Europe/London"
    assert me["theme"] == "dark" and me["week_start"] == "sunday" and me["region"] == "US"
    assert me["schedules"]["pcl5"] == {
        "enabled": True,
        "every_days": 30,
        "after_session": False,
        "form": "week",
    }
    assert me["gad7_enabled"] is False and me["schedules"]["gad7"]["enabled"] is False
    assert auth_api.get("/api/v1/me").get_json()["theme"] == "dark"


def test_region_null_means_from_the_time_zone(auth_api):
    """region null (or "") picks the region from the zone as given."""
    me = patch(auth_api, {"timezone": "Europe/Oslo", "region": None}).get_json()
    assert me["region"] == "NO"
    assert patch(auth_api, {"region": "DE"}).get_json()["region"] == "DE"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": ["Europe/London"]}, "timezone"),
        ({"region": "ZZ"}, "region"),
        ({"region": {"a": 1}}, "region"),
        ({"theme": "pink"}, "theme"),
        ({"week_start": "friday"}, "week_start"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": 5}, "display_name"),
        ({"schedules": []}, "schedules"),
        ({"schedules": {"phq2": {}}}, "schedules.phq2"),
        ({"schedules": {"phq9": {"every_days": 3}}}, "schedules.phq9.every_days"),
        ({"schedules": {"phq9": {"every_days": "14"}}}, "schedules.phq9.every_days"),
        ({"schedules": {"phq9": {"enabled": 1}}}, "schedules.phq9.enabled"),
        ({"schedules": {"phq9": {"form": "week"}}}, "schedules.phq9.form"),
        ({"schedules": {"pcl5": {"form": "year"}}}, "schedules.pcl5.form"),
        ({"schedules": {"who5": "yes"}}, "schedules.who5"),
    ],
)
def test_bad_settings_are_422_with_the_field(auth_api, body, field):
    """Bad input is a clear 422 naming the field, never a 500, and changes nothing."""
    response = patch(auth_api, body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert auth_api.get("/api/v1/me").get_json()["theme"] == "system"


def test_patch_needs_csrf_and_a_session(api, auth_api):
    """No CSRF header: refused; signed out: 401."""
    assert patch(auth_api, {"theme": "dark"}, csrf=False).status_code in (400, 403)
    auth_api.post("/api/v1/auth/logout")
    auth_api.token = None
    assert patch(auth_api, {"theme": "dark"}).status_code == 401


@pytest.mark.parametrize(
    ("zone", "region", "line"),
    [
        ("Europe/London", "UK", "116 123"),
        ("Europe/Oslo", "NO", "116 123"),
        ("America/Toronto", "CA", "9-8-8"),
        ("Europe/Berlin", "DE", "0800 111 0 111"),
        ("Etc/GMT+5", "OTHER", "findahelpline.com"),
    ],
)
def test_registration_defaults_region_from_zone(api, zone, region, line):
    """No region chosen at registration: it comes from the zone; /help shows its lines."""
    response = api.post(
        "/api/v1/auth/register",
        {"email": f"{region.lower()}@example.com", "password": PASSWORD, "timezone": zone},
    )
    assert response.status_code == 201
    assert response.get_json()["user"]["region"] == region
    html = api.get("/help").get_data(as_text=True)
    assert line in html


def test_registration_page_defaults_region_from_zone(client):
    """The page's 'From my time zone' choice sends London to the UK lines."""
    html = client.get("/auth/register").get_data(as_text=True)
    client.post(
        "/auth/register",
        data={
            "csrf_token": csrf_from(html),
            "email": "london@example.com",
            "password": PASSWORD,
            "timezone": "Europe/London",
            "region": "",
        },
    )
    html = client.get("/help").get_data(as_text=True)
    assert "Samaritans" in html and 'href="tel:116123"' in html and "988" not in html


def test_help_picker_and_crisis_api(client):
    """Anyone can pick another country on /help and through GET /api/v1/crisis."""
    html = client.get("/help?region=JP").get_data(as_text=True)
    assert "0120-279-338" in html and 'href="tel:0120279338"' in html
    assert '<option value="JP" selected>' in html
    body = client.get("/api/v1/crisis?region=nl").get_json()
    assert body["region"] == "NL" and body["resources"][0]["links"][0]["href"] == "tel:113"
    assert client.get("/api/v1/crisis?region=ZZ").get_json()["region"] == "OTHER"


def test_settings_page_saves_every_setting(logged_in):
    """The page shows the settings and saves them through the same rules."""
    html = logged_in.get("/settings/").get_data(as_text=True)
    assert "Crisis lines for" in html and "PCL-5" in html and "WHO-5" in html
    data = {
        "csrf_token": csrf_from(html),
        "display_name": "Sam <b>R</b>",
        "timezone": "Europe/Oslo",
        "region": "",
        "theme": "dark",
        "week_start": "saturday",
        "phq9_enabled": "y",
        "phq9_every": "14",
        "phq9_after_session": "y",
        "gad7_every": "14",
        "pcl5_enabled": "y",
        "pcl5_every": "7",
        "pcl5_form": "week",
        "who5_enabled": "y",
        "who5_every": "30",
    }
    response = logged_in.post("/settings/", data=data)
    assert response.status_code == 302
    me = logged_in.get("/api/v1/me").get_json()
    assert me["region"] == "NO" and me["timezone"] == "Europe/Oslo" and me["theme"] == "dark"
    assert me["schedules"]["pcl5"] == {
        "enabled": True,
        "every_days": 7,
        "after_session": False,
        "form": "week",
    }
    assert me["schedules"]["gad7"]["enabled"] is False and me["week_start"] == "saturday"
    page = logged_in.get("/settings/").get_data(as_text=True)
    assert "Sam &lt;b&gt;R&lt;/b&gt;" in page and 'data-theme="dark"' in page
    today = logged_in.get("/").get_data(as_text=True)
    assert "PCL-5 (past week)" in today and "WHO-5" in today and "GAD-7" not in today


def test_settings_page_shows_field_errors(logged_in):
    """A bad zone on the page is a 422 with the message by the field."""
    html = logged_in.get("/settings/").get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(html),
        "timezone": "Nowhere/Else",
        "region": "UK",
        "theme": "light",
        "week_start": "monday",
        "phq9_every": "14",
        "gad7_every": "14",
        "pcl5_every": "30",
        "pcl5_form": "month",
        "who5_every": "14",
    }
    response = logged_in.post("/settings/", data=data)
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)


def test_settings_travel_with_the_json_export(app, auth_api, make_user, runner, tmp_path):
    """Export carries the settings; importing into a new account restores them."""
    patch(
        auth_api, {"display_name": "Sam", "theme": "dark", "schedules": {"who5": {"enabled": True}}}
    )
    path = tmp_path / "export.json"
    path.write_text(auth_api.get("/export/data.json").get_data(as_text=True))
    other = make_user("restored@example.com")
    result = runner.invoke(args=["import-json", str(path), "--email", other.email])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.get(User, other.id)
        assert (user.display_name, user.theme) == ("Sam", "dark")
        assert user.schedules["who5"]["enabled"] is True


def test_first_day_of_the_week_orders_the_calendar(auth_api):
    """The calendar's weeks start on the day the person chose."""
    assert patch(auth_api, {"week_start": "sunday"}).status_code == 200
    today = auth_api.get("/api/v1/me").get_json()["today"]
    entry = {"instrument": "daily", "local_date": today, "answers": [1] * 9, "mood": 5}
    assert auth_api.put(f"/api/v1/checkins/{new_id()}", entry).status_code == 201
    chart = auth_api.get("/api/v1/charts/calendar?range=30d").get_json()
    heat = next(trace for trace in chart["data"] if trace["type"] == "heatmap")
    assert heat["x"][:2] == ["Sun", "Mon"]
