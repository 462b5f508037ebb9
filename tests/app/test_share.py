"""Share links: create, open anonymously, range and reflections rules, revoke, expire, log."""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from journal import models
from journal.extensions import db
from journal.models import ShareLink, ShareOpen
from journal.records import user_today
from journal.share import services
from tests.app import export_history as history

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def seeded(auth_api, user):
    """Give `user` the known history and return (API client, client ids)."""
    return auth_api, history.seed(auth_api, user)


def last_days(user, days: int) -> dict:
    """Return a from/to body covering the last `days` days."""
    today = user_today(user)
    return {"from": (today - timedelta(days=days - 1)).isoformat(), "to": today.isoformat()}


def make_link(api, user, **body) -> dict:
    """Create a share link through the API and return its JSON (with the URL)."""
    response = api.post("/api/v1/shares", {**last_days(user, 90), **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def path_of(link: dict) -> str:
    """Return the path of a link's URL."""
    return "/s/" + link["url"].rsplit("/s/", 1)[1]


def test_create_returns_the_url_once(app, seeded, user):
    """POST answers the token URL; the list never does, and only a hash is stored."""
    api, _ids = seeded
    link = make_link(api, user, expires_in_days=7, include_reflections=True)
    token = path_of(link).removeprefix("/s/")

    assert link["url"].startswith("http://localhost/s/")
    assert len(token) >= 43  # 32 random bytes: 256 bits
    assert link["status"] == "active" and link["open_count"] == 0
    assert link["include_reflections"] is True
    created = datetime.fromisoformat(link["created_at"])
    assert datetime.fromisoformat(link["expires_at"]) - created == timedelta(days=7)
    listed = api.get("/api/v1/shares").get_json()["items"]
    assert [item["id"] for item in listed] == [link["id"]]
    assert "url" not in listed[0] and token not in json.dumps(listed)
    with app.app_context():
        row = db.session.get(ShareLink, link["id"])
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str([getattr(row, c.key) for c in ShareLink.__table__.columns])


def test_default_expiry_is_14_days_and_range_90(seeded, user):
    """Without options a link shows the last 90 days and works for 14 days."""
    api, _ids = seeded
    link = api.post("/api/v1/shares", {}).get_json()
    assert (link["from"], link["to"]) == tuple(last_days(user, 90).values())
    created = datetime.fromisoformat(link["created_at"])
    assert datetime.fromisoformat(link["expires_at"]) - created == timedelta(days=14)
    assert link["include_reflections"] is False


def test_tokens_differ_every_time(seeded, user):
    """Two links never share a token."""
    api, _ids = seeded
    assert make_link(api, user)["url"] != make_link(api, user)["url"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 91}, "expires_in_days"),
        ({"expires_in_days": "7"}, "expires_in_days"),
        ({"expires_in_days": True}, "expires_in_days"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "from"),
        ({"from": "March"}, "from"),
        ({"include_reflections": "maybe"}, "include_reflections"),
    ],
)
def test_bad_link_options_are_422(auth_api, body, field):
    """Expiry outside 1-90 days, a reversed range or a bad switch is refused by name."""
    response = auth_api.post("/api/v1/shares", body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_open_anonymously_logs_the_opening(app, client, seeded, user):
    """Anyone with the link sees the page without signing in; each opening is logged."""
    api, _ids = seeded
    link = make_link(api, user)
    anonymous = app.test_client()

    first = anonymous.get(path_of(link))
    anonymous.get(path_of(link))

    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert first.headers["X-Robots-Tag"].startswith("noindex")
    assert first.headers["Cache-Control"] == "no-store"
    listed = api.get("/api/v1/shares").get_json()["items"][0]
    assert listed["open_count"] == 2 and listed["last_opened_at"]
    with app.app_context():
        opens = db.session.scalars(select(ShareOpen).where(ShareOpen.share_id == link["id"]))
        opens = list(opens)
        assert len(opens) == 2
        # Nothing but the time is kept about who opened it.
        assert {c.key for c in ShareOpen.__table__.columns} == {"id", "share_id", "opened_at"}


def test_chart_data_is_not_counted_as_an_opening(app, seeded, user):
    """The page's chart requests need the token but do not add openings."""
    api, _ids = seeded
    link = make_link(api, user)
    anonymous = app.test_client()
    anonymous.get(path_of(link))
    for name in ("timeline", "around-sessions", "session-change", "items"):
        response = anonymous.get(f"{path_of(link)}/charts/{name}")
        assert response.status_code == 200 and response.get_json()["caption"]
    assert anonymous.get(f"{path_of(link)}/charts/pie").status_code == 404
    assert api.get("/api/v1/shares").get_json()["items"][0]["open_count"] == 1


def test_page_has_the_report_and_no_way_into_the_account(app, seeded, user):
    """The page shows the report and charts; it links nowhere in the app and has no nav."""
    api, _ids = seeded
    link = make_link(api, user)
    html = app.test_client().get(path_of(link)).get_data(as_text=True)

    assert "<strong>Response</strong>: 52.9 % lower than the baseline of 17" in html
    # The sessions table names the drug and the route in their own columns.
    assert "<td>Ketamine</td>" in html and "<td>IV infusion</td>" in html
    assert "<td>Esketamine</td>" in html and "<td>Intranasal</td>" in html
    for name in ("timeline", "around-sessions", "session-change", "items"):
        assert f'data-src="{path_of(link)}/charts/{name}"' in html
    assert re.findall(r"<a\b", html) == []
    assert "<nav" not in html and "<form" not in html and "Sign out" not in html
    assert "js/app.js" not in html  # no service worker or offline queue for a visitor


def test_owner_signed_in_sees_no_account_links_either(seeded, user, logged_in):
    """Even the owner's own session adds nothing from their account to the page."""
    api, _ids = seeded
    html = logged_in.get(path_of(make_link(api, user))).get_data(as_text=True)
    assert re.findall(r"<a\b", html) == [] and "Sign out" not in html


def test_range_is_enforced(app, seeded, user):
    """Entries outside the link's range appear nowhere: not in the page, not in chart data."""
    api, _ids = seeded
    link = make_link(api, user, **last_days(user, 30))
    anonymous = app.test_client()
    html = anonymous.get(path_of(link)).get_data(as_text=True)
    charts = [
        anonymous.get(f"{path_of(link)}/charts/{n}").get_data(as_text=True)
        for n in ("timeline", "around-sessions", "session-change", "items")
    ]
    old_day = history.day(user, 200)
    for body in (html, *charts):
        assert history.OLD_CLINIC not in body and history.OLD_NOTE not in body
        assert old_day not in body
    assert "Oral" not in html
    timeline = json.loads(charts[0])
    start = datetime.fromisoformat(last_days(user, 30)["from"]).date()
    for trace in timeline["data"]:
        days = [x for x in trace.get("x") or [] if x] + ([trace["x0"]] if "x0" in trace else [])
        assert all(datetime.fromisoformat(d[:10]).date() >= start for d in days), trace["name"]


def test_reflections_only_when_the_link_includes_them_and_only_shared(app, seeded, user):
    """With reflections on, the shared one shows and the private one never does."""
    api, _ids = seeded
    anonymous = app.test_client()
    without = anonymous.get(path_of(make_link(api, user))).get_data(as_text=True)
    with_them = anonymous.get(path_of(make_link(api, user, include_reflections=True)))
    with_them = with_them.get_data(as_text=True)

    assert history.SHARED_TEXT not in without and "Reflections shared" not in without
    assert history.SHARED_TEXT in with_them and "Walk daily." in with_them
    assert history.PRIVATE_TEXT not in with_them and history.PRIVATE_TEXT not in without


def test_user_text_is_escaped_on_the_page(app, auth_api, user):
    """Markup a user wrote is shown as text on the share page."""
    history.put(
        auth_api,
        "treatments",
        {"started_at": history.at(user, 2), "route": "other", "route_label": "<img src=x>"},
    )
    history.put(
        auth_api,
        "reflections",
        {"local_date": history.day(user, 1), "text": "</p><script>bad()</script>", "share": True},
    )
    link = make_link(auth_api, user, include_reflections=True)
    html = app.test_client().get(path_of(link)).get_data(as_text=True)
    assert "<script>bad()" not in html and "&lt;script&gt;bad()" in html
    assert "<img src=x>" not in html and "&lt;img src=x&gt;" in html


def test_revoked_link_is_404_at_once(app, seeded, user):
    """After DELETE the page and its chart data are 404; the list shows it revoked."""
    api, _ids = seeded
    link = make_link(api, user)
    anonymous = app.test_client()
    assert anonymous.get(path_of(link)).status_code == 200

    assert api.delete(f"/api/v1/shares/{link['id']}").status_code == 204

    assert anonymous.get(path_of(link)).status_code == 404
    assert anonymous.get(f"{path_of(link)}/charts/timeline").status_code == 404
    listed = api.get("/api/v1/shares").get_json()["items"][0]
    assert listed["status"] == "revoked" and listed["revoked_at"]
    assert api.delete(f"/api/v1/shares/{link['id']}").status_code == 204  # idempotent


def test_expired_link_is_404_with_a_frozen_clock(app, monkeypatch, seeded, user):
    """A link works until its expiry and is 404 from that instant on."""
    api, _ids = seeded
    monkeypatch.setattr(models, "utcnow", lambda: NOW)
    link = make_link(api, user, expires_in_days=3)
    assert datetime.fromisoformat(link["expires_at"]) == NOW + timedelta(days=3)
    anonymous = app.test_client()

    monkeypatch.setattr(models, "utcnow", lambda: NOW + timedelta(days=3, seconds=-1))
    assert anonymous.get(path_of(link)).status_code == 200
    monkeypatch.setattr(models, "utcnow", lambda: NOW + timedelta(days=3))
    assert anonymous.get(path_of(link)).status_code == 404
    assert anonymous.get(f"{path_of(link)}/charts/items").status_code == 404
    assert api.get("/api/v1/shares").get_json()["items"][0]["status"] == "expired"


def test_open_share_service_takes_the_time(app, seeded, user):
    """The service opens by token at a given time, logging exactly that time."""
    api, _ids = seeded
    link = make_link(api, user, expires_in_days=1)
    token = path_of(link).removeprefix("/s/")
    created = datetime.fromisoformat(link["created_at"])
    with app.app_context():
        opened = services.open_share(token, now=created + timedelta(hours=1))
        assert opened.last_opened_at == created + timedelta(hours=1)
        with pytest.raises(services.NotFound):
            services.open_share(token, now=created + timedelta(days=1))


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 200, "%00", "a.b"])
def test_unknown_or_malformed_tokens_are_404(client, seeded, token):
    """A token that opens nothing is a 404 that does not say why."""
    response = client.get(f"/s/{token}")
    assert response.status_code == 404
    if token != "%00":  # a NUL matches no route at all (journal.request_limits): the plain 404
        assert services.NOT_FOUND in response.get_data(as_text=True)
    assert client.get(f"/s/{token}/charts/timeline").status_code == 404


def test_no_other_route_accepts_a_share_token(app, seeded, user):
    """The token opens only /s/<token>: the API and exports still need a sign-in."""
    api, _ids = seeded
    link = make_link(api, user)
    token = path_of(link).removeprefix("/s/")
    anonymous = app.test_client()
    for path in (
        f"/api/v1/charts/timeline?token={token}",
        f"/api/v1/checkins?token={token}",
        f"/api/v1/reflections?share={token}",
    ):
        assert anonymous.get(path).status_code == 401
    for path in (f"/export/data.json?token={token}", f"/export/report?token={token}"):
        assert anonymous.get(path).status_code == 302  # to the sign-in page
    assert anonymous.get(f"/?token={token}").status_code == 200
    assert "Sign out" not in anonymous.get(f"/?token={token}").get_data(as_text=True)


def test_another_users_link_is_404(seeded, user, other_api):
    """Another user cannot revoke (or learn about) a link: 404, and the link still works."""
    api, _ids = seeded
    link = make_link(api, user)
    assert other_api.delete(f"/api/v1/shares/{link['id']}").status_code == 404
    assert other_api.get("/api/v1/shares").get_json()["items"] == []
    assert api.get("/api/v1/shares").get_json()["items"][0]["status"] == "active"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/shares"), ("POST", "/api/v1/shares"), ("DELETE", "/api/v1/shares/1")],
)
def test_share_api_needs_sign_in(api, method, path):
    """Anonymous share API calls are 401."""
    assert api.request(method, path, json={}).status_code == 401


def test_share_api_is_in_the_openapi_document(api):
    """The share endpoints are described in the OpenAPI document."""
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/shares"])
    assert "delete" in paths["/api/v1/shares/{share_id}"]


def test_deleting_the_user_deletes_links_and_log(app, seeded, user):
    """Links and their openings go with the account."""
    api, _ids = seeded
    link = make_link(api, user)
    app.test_client().get(path_of(link))
    with app.app_context():
        db.session.delete(db.session.get(models.User, user.id))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ShareLink)) == 0
        assert db.session.scalar(select(func.count()).select_from(ShareOpen)) == 0
