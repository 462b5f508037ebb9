"""Cursor paging on every list: limits, bad cursors, and walks while rows are being written."""

import threading
import uuid
from datetime import timedelta

import pytest

from journal import records
from journal.accounts.users import find_user
from journal.checkins import services as checkins
from journal.extensions import db
from journal.records import user_today
from tests.conftest import DATABASE_URL, Api, app_with_schema, new_id


def checkin(day, instrument: str = "daily", note: str | None = None) -> dict:
    """Return a valid check-in body for a date."""
    body = {"instrument": instrument, "local_date": day.isoformat(), "mood": 5, "note": note}
    if instrument == "phq9":
        body["answers"] = [0] * 9
        del body["mood"]
    return body


def seed_checkins(app, email: str, days: list) -> list[str]:
    """Store one daily check-in per day for the user; return their client ids."""
    with app.app_context():
        user = find_user(email)
        ids = []
        for day in days:
            client_id = uuid.uuid4()
            records.restore(checkins.KIND, user, {"client_id": client_id}, checkin(day))
            ids.append(str(client_id))
        db.session.commit()
        return ids


def walk(api: Api, path: str, limit: int, between=None) -> list[dict]:
    """Follow `next` to the end of a list; call `between(page_number)` after each page."""
    items, url, number = [], f"{path}?limit={limit}", 0
    while True:
        response = api.get(url)
        assert response.status_code == 200, response.get_json()
        data = response.get_json()
        assert len(data["items"]) <= limit
        items += data["items"]
        number += 1
        if between is not None:
            between(number)
        if data["next"] is None:
            return items
        url = f"{path}?limit={limit}&cursor={data['next']}"


def test_default_page_has_every_row_and_no_next(app, auth_api, user):
    """A short list comes back whole, with next null."""
    today = user_today(user)
    seed_checkins(app, user.email, [today - timedelta(days=n) for n in range(3)])
    data = auth_api.get("/api/v1/checkins").get_json()
    assert len(data["items"]) == 3 and data["next"] is None


def test_walk_returns_every_row_once_oldest_first(app, auth_api, user):
    """Pages of 3 over 10 rows: 4 pages, every row once, in the list's order."""
    today = user_today(user)
    days = [today - timedelta(days=n) for n in range(10)]
    ids = seed_checkins(app, user.email, days)
    items = walk(auth_api, "/api/v1/checkins", 3)
    assert [item["client_id"] for item in items] == ids[::-1]
    first = auth_api.get("/api/v1/checkins?limit=3").get_json()
    assert len(first["items"]) == 3 and first["next"]


def test_exact_multiple_ends_with_an_empty_next(app, auth_api, user):
    """A page that ends exactly on the last row says next null, not an empty extra page."""
    today = user_today(user)
    seed_checkins(app, user.email, [today - timedelta(days=n) for n in range(4)])
    first = auth_api.get("/api/v1/checkins?limit=2").get_json()
    second = auth_api.get(f"/api/v1/checkins?limit=2&cursor={first['next']}").get_json()
    assert len(second["items"]) == 2 and second["next"] is None


def test_paging_keeps_the_filters(app, auth_api, user):
    """The cursor continues the filtered list (instrument, range) the client asked for."""
    today = user_today(user)
    for n in range(5):
        day = today - timedelta(days=n)
        auth_api.put(f"/api/v1/checkins/{new_id()}", checkin(day))
        auth_api.put(f"/api/v1/checkins/{new_id()}", checkin(day, "phq9"))
    items = walk(auth_api, "/api/v1/checkins", 2)
    assert len(items) == 10
    path = f"/api/v1/checkins?instrument=phq9&from={(today - timedelta(days=3)).isoformat()}"
    items, url = [], path + "&limit=2"
    while url:
        data = auth_api.get(url).get_json()
        items += data["items"]
        url = data["next"] and f"{path}&limit=2&cursor={data['next']}"
    assert len(items) == 4 and {item["instrument"] for item in items} == {"phq9"}


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "abc", "2.5"])
def test_limit_out_of_range_is_422(auth_api, limit):
    """A limit outside 1-1000 (or not a whole number) is a 422 naming `limit`."""
    for path in ("/api/v1/checkins", "/api/v1/treatments", "/api/v1/reflections", "/api/v1/shares"):
        response = auth_api.get(f"{path}?limit={limit}")
        assert response.status_code == 422, path
        assert "limit" in response.get_json()["error"]["fields"]


def test_limit_bounds_are_accepted(auth_api):
    """1 and 1000 are both valid limits."""
    for limit in (1, 1000):
        assert auth_api.get(f"/api/v1/checkins?limit={limit}").status_code == 200


def tampered(cursor: str) -> str:
    """Return the cursor with one character of its payload changed."""
    index = 3
    swap = "A" if cursor[index] != "A" else "B"
    return cursor[:index] + swap + cursor[index + 1 :]


def test_bad_cursors_are_422_never_500(app, auth_api, user):
    """Garbage, a tampered cursor and another list's cursor are each a 422 on `cursor`."""
    today = user_today(user)
    seed_checkins(app, user.email, [today - timedelta(days=n) for n in range(3)])
    good = auth_api.get("/api/v1/checkins?limit=1").get_json()["next"]
    auth_api.post("/api/v1/shares", {})
    auth_api.post("/api/v1/shares", {})
    share_cursor = auth_api.get("/api/v1/shares?limit=1").get_json()["next"]
    bad = ["x", "", "....", tampered(good), share_cursor, good + "A", "a" * 5000]
    for cursor in bad:
        if cursor == "":
            continue  # an empty cursor is the same as none: the first page
        response = auth_api.get(f"/api/v1/checkins?limit=1&cursor={cursor}")
        assert response.status_code == 422, cursor
        assert set(response.get_json()["error"]["fields"]) == {"cursor"}
    # A NUL in any query string is refused before the view, like every malformed request.
    assert auth_api.get("/api/v1/checkins?limit=1&cursor=%00").status_code == 400
    assert auth_api.get(f"/api/v1/shares?cursor={good}").status_code == 422


def test_a_cursor_never_shows_another_users_rows(app, auth_api, other_api, user):
    """A cursor only holds a position: used by another user it pages that user's own rows."""
    today = user_today(user)
    seed_checkins(app, user.email, [today - timedelta(days=n) for n in range(3)])
    cursor = auth_api.get("/api/v1/checkins?limit=1").get_json()["next"]
    data = other_api.get(f"/api/v1/checkins?cursor={cursor}").get_json()
    assert data == {"items": [], "next": None}


def test_treatments_reflections_and_shares_page(auth_api, user):
    """Sessions and reflections page oldest first; share links newest first."""
    today = user_today(user)
    for n in range(5):
        day = today - timedelta(days=n)
        started = f"{day.isoformat()}T15:00:00+00:00"
        session = {"started_at": started, "route": "iv", "medication": "ketamine"}
        assert auth_api.put(f"/api/v1/treatments/{new_id()}", session).status_code == 201
        reflection = {"local_date": day.isoformat(), "text": f"day {n}"}
        assert auth_api.put(f"/api/v1/reflections/{new_id()}", reflection).status_code == 201
        assert auth_api.post("/api/v1/shares", {"label": f"link {n}"}).status_code == 201
    sessions = walk(auth_api, "/api/v1/treatments", 2)
    assert [s["local_date"] for s in sessions] == sorted(s["local_date"] for s in sessions)
    assert len(sessions) == 5
    reflections = walk(auth_api, "/api/v1/reflections", 2)
    assert [r["text"] for r in reflections] == [f"day {n}" for n in range(4, -1, -1)]
    shares = walk(auth_api, "/api/v1/shares", 2)
    assert [s["label"] for s in shares] == [f"link {n}" for n in range(4, -1, -1)]


def test_devices_and_account_activity_page_newest_first(app, auth_api, user):
    """Five more sign-ins: the devices list and the activity log walk newest first, each once."""
    for _ in range(5):
        assert Api(app.test_client()).login(user.email).status_code == 200
    devices = walk(auth_api, "/api/v1/auth/sessions", 2)
    ids = [d["id"] for d in devices]
    assert len(ids) == 6 and ids == sorted(ids, reverse=True)
    assert [d["current"] for d in devices] == [False] * 5 + [True]
    events = walk(auth_api, "/api/v1/auth/activity", 4)
    assert [e["kind"] for e in events] == ["signin"] * 6
    moments = [e["created_at"] for e in events]
    assert moments == sorted(moments, reverse=True)
    devices_cursor = auth_api.get("/api/v1/auth/sessions?limit=1").get_json()["next"]
    bad = auth_api.get(f"/api/v1/auth/activity?cursor={devices_cursor}")
    assert bad.status_code == 422  # one list's cursor does not fit another


@pytest.fixture
def file_app(tmp_path):
    """An app on a database two threads can share: a SQLite file, or the PostgreSQL test one."""
    if DATABASE_URL.startswith("sqlite"):
        yield from app_with_schema(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'walk.db'}")
    else:
        yield from app_with_schema()


def test_no_row_lost_or_repeated_while_rows_are_written(file_app):
    """Rows written during a walk (by another thread, and at the cursor's own date) never make
    a row that was there when the walk began go missing or come back twice."""
    app = file_app
    api = Api(app.test_client())
    with app.app_context():
        from journal.accounts.users import register_user

        user = register_user("walker@example.com", "correct horse battery", "UTC", "US")
        db.session.commit()
        today = user_today(user)
    # Existing rows on even days; the writer fills odd days (before and after the cursor).
    days = [today - timedelta(days=2 * n) for n in range(60)]
    before = set(seed_checkins(app, "walker@example.com", days))
    assert api.login("walker@example.com").status_code == 200
    stop, errors, written = threading.Event(), [], []

    def write() -> None:
        """Insert check-ins on odd days and edit existing ones until told to stop."""
        with app.app_context():
            owner = find_user("walker@example.com")
            for n in range(60):
                if stop.is_set():
                    break
                try:
                    body = checkin(today - timedelta(days=2 * n + 1))
                    row, _ = records.upsert(checkins.KIND, owner, uuid.uuid4(), body)
                    written.append(str(row.client_id))
                    # Edit an existing row too: an edit must not move it in the walk.
                    existing = checkins.list_checkins(owner, limit=1, offset=n)[0]
                    edit = checkin(existing.local_date, existing.instrument, f"edit {n}")
                    edit["base_revision"] = existing.revision
                    records.upsert(checkins.KIND, owner, existing.client_id, edit)
                    db.session.commit()
                except Exception as exc:  # reported below; a thread cannot fail the test itself
                    db.session.rollback()
                    errors.append(exc)
            db.session.remove()

    def at_the_cursor(page_number: int) -> None:
        """Add a PHQ-9 on the date the last page ended: same date, later id, after the cursor."""
        seen_day = today - timedelta(days=2 * (60 - 7 * page_number))
        if seen_day <= today:
            api.put(f"/api/v1/checkins/{new_id()}", checkin(seen_day, "phq9"))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        items = walk(api, "/api/v1/checkins", 7, between=at_the_cursor)
    finally:
        stop.set()
        writer.join()
    assert not errors, errors
    assert written, "the writer wrote nothing during the walk"
    ids = [item["client_id"] for item in items]
    assert len(ids) == len(set(ids)), "a row came back twice"
    assert before <= set(ids), "a row that was there when the walk began was skipped"
    assert [item["local_date"] for item in items] == sorted(item["local_date"] for item in items)


def test_openapi_documents_limit_cursor_and_next(api):
    """Every list operation declares limit and cursor, and every list schema has `next`."""
    document = api.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/checkins", "/api/v1/treatments", "/api/v1/reflections", "/api/v1/shares"):
        parameters = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}
        assert parameters["limit"]["schema"]["maximum"] == 1000, path
        assert parameters["limit"]["schema"]["minimum"] == 1, path
        assert parameters["limit"]["schema"]["default"] == 200, path
        assert "cursor" in parameters, path
    schemas = document["components"]["schemas"]
    for name in ("CheckInList", "TreatmentList", "ReflectionList", "ShareList", "InstrumentList"):
        assert schemas[name]["properties"]["next"]["nullable"] is True, name
