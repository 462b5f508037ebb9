"""Who may reach sessions, reflections and the timeline: sign-in required, other users' rows 404."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal.records import user_today
from tests.conftest import csrf_from, new_id

SOME_ID = "6f1c8a52-3c1e-4d8a-9a7e-2b4f1c0d9e11"

HTML_PAGES = [
    "/treatments/",
    "/treatments/new",
    f"/treatments/{SOME_ID}",
    f"/treatments/{SOME_ID}/edit",
    f"/treatments/{SOME_ID}/delete",
    "/reflections/",
    "/reflections/new",
    f"/reflections/new?session={SOME_ID}&prompt=day1",
    f"/reflections/{SOME_ID}",
    f"/reflections/{SOME_ID}/edit",
    f"/reflections/{SOME_ID}/delete",
    "/timeline",
    "/timeline?until=2026-01-01",
]

API_ENDPOINTS = [
    ("GET", "/api/v1/treatments"),
    ("GET", f"/api/v1/treatments/{SOME_ID}"),
    ("PUT", f"/api/v1/treatments/{SOME_ID}"),
    ("DELETE", f"/api/v1/treatments/{SOME_ID}"),
    ("GET", "/api/v1/reflections"),
    ("GET", f"/api/v1/reflections?session={SOME_ID}"),
    ("GET", f"/api/v1/reflections/{SOME_ID}"),
    ("PUT", f"/api/v1/reflections/{SOME_ID}"),
    ("DELETE", f"/api/v1/reflections/{SOME_ID}"),
]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_pages_need_sign_in(client, path):
    """Anonymous visitors are sent to the sign-in page, coming back afterwards."""
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/treatments/new",
        f"/treatments/{SOME_ID}/edit",
        f"/treatments/{SOME_ID}/delete",
        "/reflections/new",
        f"/reflections/{SOME_ID}/edit",
        f"/reflections/{SOME_ID}/delete",
    ],
)
def test_anonymous_form_posts_go_to_sign_in(api, client, path):
    """An anonymous POST, even with a valid CSRF token, is sent to sign in."""
    response = client.post(path, data={"csrf_token": api.csrf(), "route": "iv", "text": "x"})
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path"), API_ENDPOINTS)
def test_api_needs_sign_in(api, method, path):
    """Every endpoint answers 401 JSON to anonymous clients."""
    response = api.request(method, path, json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.fixture
def theirs(other_api, user):
    """Return the client ids of a session and a reflection owned by another user."""
    # The other user lives in the same zone as `user` (both Chicago).
    on = user_today(user) - timedelta(days=1)
    at = datetime.combine(on, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()
    session_id, reflection_id = new_id(), new_id()
    other_api.put(f"/api/v1/treatments/{session_id}", {"started_at": at, "route": "iv"})
    other_api.put(
        f"/api/v1/reflections/{reflection_id}",
        {"local_date": on.isoformat(), "treatment_id": session_id, "text": "Their secret."},
    )
    return {"session": session_id, "reflection": reflection_id}


@pytest.mark.parametrize(
    "template",
    [
        "/treatments/{session}",
        "/treatments/{session}/edit",
        "/treatments/{session}/delete",
        "/reflections/new?session={session}",
        "/reflections/{reflection}",
        "/reflections/{reflection}/edit",
        "/reflections/{reflection}/delete",
    ],
)
def test_another_users_rows_are_404_on_pages(logged_in, theirs, template):
    """Another user's session or reflection page is not found, and shows none of it."""
    response = logged_in.get(template.format(**theirs))
    assert response.status_code == 404
    assert "Their secret." not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "template",
    [
        "/treatments/{session}/edit",
        "/treatments/{session}/delete",
        "/reflections/{reflection}/edit",
        "/reflections/{reflection}/delete",
    ],
)
def test_another_users_rows_are_404_on_posts(logged_in, other_api, theirs, template):
    """Posting an edit or a delete of another user's row is 404 and changes nothing."""
    token = csrf_from(logged_in.get("/treatments/new").get_data(as_text=True))
    data = {"csrf_token": token, "day": "2026-01-01", "clock": "09:00", "route": "im", "text": "x"}
    assert logged_in.post(template.format(**theirs), data=data).status_code == 404
    assert other_api.get(f"/api/v1/treatments/{theirs['session']}").get_json()["route"] == "iv"
    reflection = other_api.get(f"/api/v1/reflections/{theirs['reflection']}").get_json()
    assert reflection["text"] == "Their secret."


@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("GET", "/api/v1/treatments/{session}"),
        ("DELETE", "/api/v1/treatments/{session}"),
        ("GET", "/api/v1/reflections/{reflection}"),
        ("DELETE", "/api/v1/reflections/{reflection}"),
        ("GET", "/api/v1/reflections?session={session}"),
    ],
)
def test_another_users_rows_are_404_in_the_api(auth_api, theirs, method, template):
    """The API does not find another user's rows either."""
    response = auth_api.request(method, template.format(**theirs))
    assert response.status_code == 404
    assert "Their secret." not in response.get_data(as_text=True)


def test_another_users_rows_never_appear_in_my_lists(logged_in, auth_api, theirs):
    """Lists, the timeline and the dashboard only show the signed-in user's rows."""
    for path in ("/treatments/", "/reflections/", "/timeline", "/"):
        html = logged_in.get(path).get_data(as_text=True)
        assert "Their secret." not in html and theirs["session"] not in html
    assert auth_api.get("/api/v1/reflections").get_json()["items"] == []
