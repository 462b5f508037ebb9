"""No 500 for any input: every request shape the audit found, and stored data at the window's edges.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (NUL bytes only break there).
The app runs with TESTING off so that an unhandled exception becomes the 500 a person would see
instead of propagating into the test.
"""

import json
import time
import uuid
from datetime import date, timedelta

import pytest

from journal.dashboard.services import CHART_NAMES
from journal.fields import AHEAD, EARLIEST
from journal.records import user_today
from tests.conftest import Api, app_with_schema

HUGE = "9" * 30  # far past 64 bits
DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture
def app():
    """An app that turns unhandled exceptions into 500 responses, as in production."""
    yield from app_with_schema(TESTING=False, PROPAGATE_EXCEPTIONS=False)


def put_raw(api: Api, path: str, text: str, method: str = "PUT"):
    """Send a JSON body as written (escapes like \\ud800 survive; json.dumps would refuse)."""
    headers = {"X-CSRFToken": api.token or api.csrf(), "Content-Type": "application/json"}
    return api.client.open(path, method=method, data=text.encode(), headers=headers)


def checkin(user, **overrides) -> dict:
    """Return a valid daily check-in for today."""
    return {
        "local_date": user_today(user).isoformat(),
        "instrument": "daily",
        "mood": 5,
        **overrides,
    }


def reflection(user, **overrides) -> dict:
    """Return a valid reflection for today."""
    return {"local_date": user_today(user).isoformat(), "text": "A quiet day.", **overrides}


def path(kind: str) -> str:
    """Return a new record's API path."""
    return f"/api/v1/{kind}/{uuid.uuid4()}"


def assert_error(response, status: int, field: str | None = None):
    """Check the one JSON error shape, its status and (for 422) the named field."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) >= {"code", "message", "fields"}
    if field is not None:
        assert field in error["fields"], error


@pytest.mark.parametrize("signed_in", [False, True])
def test_json_nested_1000_deep_is_400(api, user, signed_in):
    """A deeply nested body is refused before parsing recursion can fail, signed in or not."""
    if signed_in:
        api.login(user.email)
    assert_error(put_raw(api, path("checkins"), DEEP), 400)
    assert_error(put_raw(api, "/api/v1/auth/login", DEEP, method="POST"), 400)


def test_json_33_deep_is_400_and_32_passes_the_gate(auth_api):
    """The depth limit is 32 levels: one more is a 400, at the limit the field rules answer."""
    too_deep = "[" * 33 + "]" * 33
    assert_error(put_raw(auth_api, path("checkins"), too_deep), 400)
    nested = '{"note": ' + "[" * 31 + "]" * 31 + "}"
    assert_error(put_raw(auth_api, path("checkins"), nested), 422)


@pytest.mark.parametrize(
    "kind, make, field",
    [
        ("checkins", lambda u, t: checkin(u, note=t), "note"),
        ("reflections", lambda u, t: reflection(u, text=t), "text"),
        ("reflections", lambda u, t: reflection(u, prompts={"came_up": t}), "prompts.came_up"),
        ("reflections", lambda u, t: reflection(u, tags=["ok", t]), "tags.1"),
    ],
)
@pytest.mark.parametrize("bad", ["\\u0000", "a\\u0000b", "\\ud800", "x\\udfff"])
def test_nul_and_lone_surrogates_in_record_text_are_422(auth_api, user, kind, make, field, bad):
    """NUL (breaks PostgreSQL) and lone surrogates (break UTF-8) name the field."""
    marker = "@@BAD@@"
    text = json.dumps(make(user, marker)).replace(marker, bad)
    assert_error(put_raw(auth_api, path(kind), text), 422, field)


@pytest.mark.parametrize("field", ["clinic", "intention", "notes"])
def test_bad_text_in_session_fields_is_422(auth_api, user, field):
    """Session free text uses the same check."""
    start = f"{user_today(user) - timedelta(days=1)}T09:00:00+00:00"
    text = json.dumps({"started_at": start, "route": "iv", field: "@@"}).replace("@@", "\\ud800")
    assert_error(put_raw(auth_api, path("treatments"), text), 422, field)


@pytest.mark.parametrize(
    "method, url, body, field",
    [
        ("PATCH", "/api/v1/me", '{"display_name": "\\ud800"}', "display_name"),
        ("PATCH", "/api/v1/me", '{"display_name": "a\\u0000"}', "display_name"),
        ("POST", "/api/v1/shares", '{"label": "\\udfff"}', "label"),
        ("POST", "/api/v1/shares", '{"label": "x\\u0000"}', "label"),
    ],
)
def test_bad_text_in_settings_and_share_labels_is_422(auth_api, method, url, body, field):
    """The display name and share labels refuse unstorable text."""
    assert_error(put_raw(auth_api, url, body, method=method), 422, field)


@pytest.mark.parametrize(
    "url, body",
    [
        ("/api/v1/auth/login", '{"email": "\\ud800@example.com", "password": "x"}'),
        ("/api/v1/auth/login", '{"email": "a@example.com", "password": "\\u0000"}'),
        (
            "/api/v1/auth/register",
            '{"email": "a\\u0000@x.org", "password": "p", "timezone": "UTC"}',
        ),
    ],
)
def test_bad_text_before_sign_in_is_422(api, url, body):
    """Anonymous bodies get the same answer (no field rule reads email through journal.fields)."""
    assert_error(put_raw(api, url, body, method="POST"), 422)


def test_text_is_stored_in_nfc(auth_api, user):
    """Decomposed input (e + combining acute) is stored composed."""
    response = auth_api.put(path("checkins"), checkin(user, note="cafe\u0301"))
    assert response.status_code == 201
    assert response.get_json()["note"] == "caf\u00e9"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/checkins?instrument=daily%00",
        "/api/v1/crisis?region=US%00",
        "/checkins/?page=1%00",
        "/export/report?name=Sam%00",
    ],
)
def test_nul_in_query_string_is_400(auth_api, url):
    """A NUL anywhere in the query string is refused before any view."""
    assert auth_api.get(url).status_code == 400


def test_nul_in_form_field_is_400_before_csrf(client, user):
    """A form with a NUL is refused by the request check, not by CSRF or the database."""
    response = client.post("/login", data={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400
    assert b"cannot be stored" in response.data


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/shares/{HUGE}",
        f"/api/v1/shares/{2**63}",
        f"/api/v1/shares/{2**31}",
    ],
)
def test_ids_past_the_column_range_are_404(auth_api, url):
    """Integer ids past 2**31-1 match no route: 404, not an overflow in the driver."""
    assert_error(auth_api.delete(url), 404)


def test_share_revoke_form_with_huge_id_is_404(auth_api):
    """The HTML revoke route uses the same capped converter."""
    assert auth_api.post(f"/shares/{HUGE}/revoke", data={}).status_code == 404


@pytest.mark.parametrize("area", ["checkins", "treatments", "reflections"])
@pytest.mark.parametrize("page", [HUGE, str(2**63), "-5", "0"])
def test_page_numbers_are_range_checked(auth_api, area, page):
    """Any page number shows a page (clamped to a sane range), never a 500."""
    assert auth_api.get(f"/{area}/?page={page}").status_code == 200


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/checkins?to=0001-01-01", "to"),
        ("/api/v1/checkins?from=0001-01-01", "from"),
        ("/api/v1/treatments?to=9999-12-31", "to"),
        ("/api/v1/reflections?from=1899-12-31", "from"),
        ("/api/v1/charts/timeline?from=0001-01-01", "from"),
        ("/api/v1/charts/durability?to=9999-12-31", "to"),
    ],
)
def test_api_range_outside_the_window_is_422(auth_api, url, field):
    """Every from/to query uses the records' window (1900 to a year ahead)."""
    assert_error(auth_api.get(url), 422, field)


@pytest.mark.parametrize(
    "url",
    [
        "/export/charts/timeline.svg?to=9999-12-31",
        "/export/report?to=0001-01-01",
        "/export/report?from=0001-01-01&to=0001-02-01",
        "/export/charts/timeline.svg?from=0001-01-01",
        "/timeline?until=0001-01-01",
        "/timeline?until=9999-12-31",
    ],
)
def test_page_and_export_ranges_outside_the_window_are_422(auth_api, url):
    """Pages and exports refuse those dates with a 422 too."""
    assert auth_api.get(url).status_code == 422


@pytest.mark.parametrize(
    "body", [{"to": "0001-01-01"}, {"from": "0001-01-01"}, {"to": "9999-12-31"}]
)
def test_share_range_outside_the_window_is_422(auth_api, body):
    """A share link's dates (its default start is 89 days before `to`) stay in the window."""
    assert_error(auth_api.post("/api/v1/shares", body), 422, next(iter(body)))


def test_dashboard_custom_range_near_year_1_falls_back(auth_api):
    """The range picker treats out-of-window dates as unreadable and shows its message."""
    response = auth_api.get("/?range=custom&from=0001-01-01&to=0001-01-02")
    assert response.status_code == 200
    assert b"Choose a start date" in response.data


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_checkin_outside_the_window_is_refused(auth_api, user, day):
    """A check-in dated year 1 (which broke the timeline for good) is a 422."""
    assert_error(auth_api.put(path("checkins"), checkin(user, local_date=day)), 422, "local_date")


def test_session_outside_the_window_is_refused(auth_api):
    """A session's start near year 1 is a 422 (its UTC conversion would overflow)."""
    body = {"started_at": "0001-01-01T00:00:00+05:00", "route": "iv"}
    assert_error(auth_api.put(path("treatments"), body), 422, "started_at")


def test_40000_tags_are_refused_quickly(auth_api, user):
    """The tag count is checked before de-duplication: a huge list costs no time."""
    tags = [f"t{i}" for i in range(40_000)]
    started = time.perf_counter()
    response = auth_api.put(path("reflections"), reflection(user, tags=tags))
    elapsed = time.perf_counter() - started
    assert_error(response, 422, "tags")
    assert elapsed < 1.0


def test_tag_de_duplication_is_linear():
    """100 tags of which 80 repeat de-duplicate to 20, keeping first spellings in order."""
    from journal.fields import Tags

    tags = [f"Tag{i % 20}" for i in range(100)]
    errors: dict = {}
    started = time.perf_counter()
    for _ in range(200):
        clean = Tags(max_items=20).clean(tags, "tags", errors)
    assert time.perf_counter() - started < 1.0
    assert errors == {}
    assert clean == [f"tag{i}" for i in range(20)]


def test_records_at_the_edges_of_the_window_break_nothing(auth_api, user):
    """Records on the first and last allowed day leave every page, chart and export working."""
    today = user_today(user)
    last = date.today() + AHEAD
    assert (
        auth_api.put(path("checkins"), checkin(user, local_date=EARLIEST.isoformat())).status_code
        == 201
    )
    reflected = reflection(user, local_date=EARLIEST.isoformat(), tags=["caf\u00e9", "\U0001f600"])
    assert auth_api.put(path("reflections"), reflected).status_code == 201
    ahead = min(last, today + timedelta(days=89))
    planned = {"started_at": f"{ahead}T09:00:00+00:00", "route": "iv", "planned": True}
    assert auth_api.put(path("treatments"), planned).status_code == 201
    early = {"started_at": "1900-01-01T12:00:00+00:00", "route": "iv"}
    assert auth_api.put(path("treatments"), early).status_code == 201
    for url in (
        "/",
        "/?range=all",
        "/timeline",
        "/timeline?until=1900-01-05",
        "/checkins/",
        "/reflections/",
        "/treatments/",
        "/export/report?from=1900-01-01&to=1900-03-01",
        "/api/v1/checkins",
        "/api/v1/reflections",
        "/api/v1/treatments",
    ):
        assert auth_api.get(url).status_code == 200, url
    for name in CHART_NAMES:
        assert auth_api.get(f"/api/v1/charts/{name}").status_code == 200, name
    for url in ("/export/data.csv", "/export/data.json", "/export/fhir.json"):
        response = auth_api.get(url)
        assert response.status_code == 200, url
        assert len(response.get_data()) > 100
    exported = json.loads(auth_api.get("/export/data.json").get_data())
    assert exported["reflections"][0]["tags"] == ["caf\u00e9", "\U0001f600"]


def test_a_form_part_without_a_name_is_a_400(auth_api):
    """A multipart part with no name is refused before CSRF (which would fail on it): no 500."""
    boundary = "b0undary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{boundary}--\r\n"
    ).encode("latin-1")
    response = auth_api.client.post(
        "/api/v1/imports",
        data=body,
        headers={
            "X-CSRFToken": auth_api.token,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert response.status_code == 400
