"""The check-in API: scoring, the crisis path, validation, idempotency, conflicts, ownership."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import CheckIn
from journal.records import user_today
from tests.conftest import new_id

ZEROS = [0] * 9


def body(user, **overrides) -> dict:
    """Return a valid daily check-in body for the user's today."""
    return {
        "instrument": "daily",
        "local_date": user_today(user).isoformat(),
        "answers": [1, 1, 0, 0, 2, 0, 1, 0, 0],
        "mood": 6,
        **overrides,
    }


def count_checkins(app) -> int:
    """Return how many check-ins are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CheckIn))


def test_put_creates_and_scores(auth_api, user):
    """A new check-in is 201 with total, band, revision 1 and no crisis block."""
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", body(user))
    assert response.status_code == 201
    data = response.get_json()
    assert (data["total"], data["band"], data["revision"], data["mood"]) == (5, "Mild", 1, 6)
    assert data["safety"] is None
    assert {"client_id", "created_at", "updated_at", "local_date"} <= set(data)


@pytest.mark.parametrize("instrument", ["daily", "phq9"])
def test_item9_above_zero_returns_crisis_resources(auth_api, user, instrument):
    """Item 9 above 0 puts the region's crisis resources in the response, 988 for the US."""
    answers = [0] * 8 + [1]
    response = auth_api.put(
        f"/api/v1/checkins/{new_id()}",
        body(user, instrument=instrument, answers=answers, mood=None),
    )
    safety = response.get_json()["safety"]
    assert safety["region"] == "US"
    assert safety["resources"][0]["contact"] == "call or text 988"
    assert "not an emergency service" in safety["notice"]


def test_crisis_resources_follow_the_users_region(app, make_user, api):
    """A UK user is pointed at Samaritans."""
    uk = make_user("uk@example.com", timezone="Europe/London", region="UK")
    api.login(uk.email)
    response = api.put(f"/api/v1/checkins/{new_id()}", body(uk, answers=[0] * 8 + [2]))
    assert "116 123" in response.get_json()["safety"]["resources"][0]["contact"]


def test_item9_flag_is_kept_on_read_and_list(auth_api, user):
    """GET and the list carry the crisis block too, so an offline client re-shows it."""
    client_id = new_id()
    auth_api.put(f"/api/v1/checkins/{client_id}", body(user, answers=[0] * 8 + [3]))
    assert auth_api.get(f"/api/v1/checkins/{client_id}").get_json()["safety"]
    assert auth_api.get("/api/v1/checkins").get_json()["items"][0]["safety"]


def test_second_checkin_same_date_is_409(app, auth_api, user):
    """Two check-ins for one instrument and date: the second is 409 with the first."""
    first_id = new_id()
    auth_api.put(f"/api/v1/checkins/{first_id}", body(user))
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", body(user, answers=ZEROS))
    assert response.status_code == 409
    assert response.get_json()["error"]["current"]["client_id"] == first_id
    assert count_checkins(app) == 1


def test_moving_a_checkin_onto_an_occupied_date_is_409(auth_api, user):
    """An edit that moves a check-in onto another's date is refused."""
    today = user_today(user)
    yesterday = (today - timedelta(days=1)).isoformat()
    auth_api.put(f"/api/v1/checkins/{new_id()}", body(user))
    other = new_id()
    auth_api.put(f"/api/v1/checkins/{other}", body(user, local_date=yesterday))
    response = auth_api.put(
        f"/api/v1/checkins/{other}", body(user, local_date=today.isoformat(), base_revision=1)
    )
    assert response.status_code == 409


def test_different_instruments_share_a_date(auth_api, user):
    """A daily check-in, a PHQ-9 and a GAD-7 may all be on the same date."""
    for instrument, answers, mood in (
        ("daily", ZEROS, 5),
        ("phq9", ZEROS, None),
        ("gad7", [0] * 7, None),
    ):
        response = auth_api.put(
            f"/api/v1/checkins/{new_id()}",
            body(user, instrument=instrument, answers=answers, mood=mood),
        )
        assert response.status_code == 201, response.get_json()


def test_instrument_cannot_change_on_edit(auth_api, user):
    """A stored check-in keeps its instrument."""
    client_id = new_id()
    auth_api.put(f"/api/v1/checkins/{client_id}", body(user))
    response = auth_api.put(
        f"/api/v1/checkins/{client_id}",
        body(user, instrument="phq9", mood=None, base_revision=1),
    )
    assert response.status_code == 422
    assert "instrument" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"answers": [0] * 8}, "answers"),
        ({"answers": [0] * 10}, "answers"),
        ({"answers": [0] * 8 + [4]}, "answers.9"),
        ({"answers": [-1] + [0] * 8}, "answers.1"),
        ({"answers": [0.5] + [0] * 8}, "answers.1"),
        ({"answers": ["1"] + [0] * 8}, "answers.1"),
        ({"answers": [True] + [0] * 8}, "answers.1"),
        ({"answers": "000000000"}, "answers"),
        ({"instrument": "phq99"}, "instrument"),
        ({"instrument": None}, "instrument"),
        ({"mood": 11}, "mood"),
        ({"mood": -1}, "mood"),
        ({"mood": "7"}, "mood"),
        ({"mood": 5.5}, "mood"),
        ({"local_date": "2026-02-30"}, "local_date"),
        ({"local_date": "yesterday"}, "local_date"),
        ({"note": "x" * 5001}, "note"),
        ({"note": 12}, "note"),
        ({"base_revision": "one"}, "base_revision"),
    ],
)
def test_bad_input_is_422_naming_the_field(app, auth_api, user, overrides, field):
    """Each kind of bad input is a 422 with that field named, and nothing is stored."""
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", body(user, **overrides))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert count_checkins(app) == 0


def test_phq9_with_mood_is_422(auth_api, user):
    """Mood belongs to the daily check-in only."""
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", body(user, instrument="phq9"))
    assert "mood" in response.get_json()["error"]["fields"]


def test_missing_fields_are_422(auth_api):
    """An empty body names every required field."""
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", {})
    assert response.status_code == 422
    assert {"instrument", "local_date"} <= set(response.get_json()["error"]["fields"])
    # Answers may be left out of a daily check-in only (mood alone), so the service names them.
    body = {"instrument": "phq9", "local_date": "2026-01-05"}
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", body)
    assert response.status_code == 422 and "answers" in response.get_json()["error"]["fields"]


def test_non_json_body_is_4xx_not_500(auth_api):
    """A body that is not JSON gets a clear 4xx."""
    response = auth_api.put(
        f"/api/v1/checkins/{new_id()}", data="{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.get_json()


def test_future_date_is_refused(auth_api, user):
    """A check-in for a date after the user's today is refused."""
    tomorrow = (user_today(user) + timedelta(days=1)).isoformat()
    response = auth_api.put(f"/api/v1/checkins/{new_id()}", body(user, local_date=tomorrow))
    assert response.status_code == 422
    assert "local_date" in response.get_json()["error"]["fields"]


def test_today_is_the_users_local_date(app, make_user, api):
    """A user at UTC+14 may check in for their today even when UTC is still on yesterday."""
    far_east = make_user("kiri@example.com", timezone="Pacific/Kiritimati")
    api.login(far_east.email)
    response = api.put(f"/api/v1/checkins/{new_id()}", body(far_east))
    assert response.status_code == 201
    assert response.get_json()["local_date"] == user_today(far_east).isoformat()


def test_list_is_oldest_first_and_filters(auth_api, user):
    """The list is {"items": [...]} oldest first, filtered by range and instrument."""
    today = user_today(user)
    for days_ago in (0, 5, 10):
        date = (today - timedelta(days=days_ago)).isoformat()
        auth_api.put(f"/api/v1/checkins/{new_id()}", body(user, local_date=date))
    auth_api.put(f"/api/v1/checkins/{new_id()}", body(user, instrument="phq9", mood=None))
    items = auth_api.get("/api/v1/checkins?instrument=daily").get_json()["items"]
    assert [i["local_date"] for i in items] == sorted(i["local_date"] for i in items)
    assert len(items) == 3
    start = (today - timedelta(days=6)).isoformat()
    ranged = auth_api.get(f"/api/v1/checkins?from={start}&to={today}").get_json()["items"]
    assert len(ranged) == 3  # two daily and the PHQ-9


def test_list_rejects_bad_query(auth_api):
    """Bad filters are 422, not ignored."""
    assert auth_api.get("/api/v1/checkins?from=soon").status_code == 422
    assert auth_api.get("/api/v1/checkins?instrument=bdi").status_code == 422


def test_deleted_date_can_be_used_again(auth_api, user):
    """After deleting a day's check-in a new one may take its date."""
    client_id = new_id()
    auth_api.put(f"/api/v1/checkins/{client_id}", body(user))
    auth_api.delete(f"/api/v1/checkins/{client_id}")
    assert auth_api.put(f"/api/v1/checkins/{new_id()}", body(user)).status_code == 201


def test_instruments_endpoint_lists_all(api):
    """The instrument definitions are public and complete."""
    items = api.get("/api/v1/instruments").get_json()["items"]
    assert [i["id"] for i in items] == ["daily", "phq9", "gad7", "pcl5", "pcl5w", "who5"]
    assert items[1]["items"][8]["loinc"] == "44260-8"
