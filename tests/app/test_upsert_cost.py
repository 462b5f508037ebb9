"""A check-in upsert runs only the statements it needs, and its date guard still holds."""

from datetime import timedelta

from journal.records import user_today
from tests.app.test_timeline import count_statements
from tests.conftest import new_id


def daily(on, mood=5) -> dict:
    """Return a daily check-in body for a date."""
    return {"instrument": "daily", "local_date": on.isoformat(), "answers": [1] * 9, "mood": mood}


def test_create_is_four_statements(app, auth_api, user):
    """Load the user, find row and date holder in one SELECT, INSERT, bump the data revision."""
    today = user_today(user)
    auth_api.put(f"/api/v1/checkins/{new_id()}", daily(today))  # warm the connection and CSRF
    with count_statements(app) as statements:
        response = auth_api.put(f"/api/v1/checkins/{new_id()}", daily(today - timedelta(days=1)))
    assert response.status_code == 201
    sql = [s.split()[0].upper() for s in statements if s.split()[0].upper() != "BEGIN"]
    assert sql.count("SELECT") == 2, statements
    assert sql.count("INSERT") == 1 and sql.count("UPDATE") == 1, statements


def test_taken_date_is_a_conflict_with_the_holder(auth_api, user):
    """A new client id on a taken date is 409 with the stored copy; the holder is unchanged."""
    on = user_today(user)
    first = new_id()
    assert auth_api.put(f"/api/v1/checkins/{first}", daily(on, 3)).status_code == 201
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", daily(on, 9))
    assert response.status_code == 409
    assert response.get_json()["error"]["current"]["client_id"] == first
    assert auth_api.get(f"/api/v1/checkins/{first}").get_json()["mood"] == 3


def test_moving_onto_a_taken_date_conflicts_and_own_date_does_not(auth_api, user):
    """An edit to another check-in's date is 409; an edit on its own date succeeds."""
    on = user_today(user)
    mine, other = new_id(), new_id()
    auth_api.put(f"/api/v1/checkins/{mine}", daily(on - timedelta(days=2)))
    auth_api.put(f"/api/v1/checkins/{other}", daily(on - timedelta(days=3)))
    moved = {**daily(on - timedelta(days=3), 8), "base_revision": 1}
    assert auth_api.put(f"/api/v1/checkins/{mine}", moved).status_code == 409
    edit = {**daily(on - timedelta(days=2), 8), "base_revision": 1}
    response = auth_api.put(f"/api/v1/checkins/{mine}", edit)
    assert response.status_code == 200 and response.get_json()["revision"] == 2
    again = auth_api.put(f"/api/v1/checkins/{mine}", {**edit, "base_revision": 1})
    assert again.status_code == 409  # stale base revision
