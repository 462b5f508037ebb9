"""The reflection API: links to sessions, tags, privacy default, conflicts, ownership."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import Reflection
from journal.records import user_today
from tests.conftest import new_id


def log_session(api, user, days_ago: int = 1) -> str:
    """Log a session through the API and return its client id."""
    client_id = new_id()
    day = user_today(user) - timedelta(days=days_ago)
    at = datetime.combine(day, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()
    response = api.put(f"/api/v1/treatments/{client_id}", {"started_at": at, "route": "iv"})
    assert response.status_code == 201, response.get_json()
    return client_id


def body(user, **overrides) -> dict:
    """Return a valid free-standing reflection for the user's today."""
    return {"local_date": user_today(user).isoformat(), "text": "A quiet day.", **overrides}


def count_reflections(app) -> int:
    """Return how many reflections are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Reflection))


def test_put_creates_a_linked_reflection(auth_api, user):
    """A reflection linked to a session names it by the session's client id."""
    session_id, client_id = log_session(auth_api, user), new_id()
    prompts = {"came_up": "My father.", "action": "Call him."}
    response = auth_api.put(
        f"/api/v1/reflections/{client_id}",
        body(user, treatment_id=session_id, prompts=prompts, tags=["Family", " family "]),
    )
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["treatment_id"] == session_id
    assert data["prompts"] == prompts
    assert data["tags"] == ["family"]
    assert data["share"] is False
    assert (data["client_id"], data["revision"]) == (client_id, 1)
    assert data["created_at"] and data["updated_at"]


def test_free_standing_reflection(auth_api, user):
    """A reflection needs no session."""
    data = auth_api.put(f"/api/v1/reflections/{new_id()}", body(user)).get_json()
    assert (data["treatment_id"], data["prompts"], data["tags"]) == (None, None, [])


def test_share_can_be_switched_on(auth_api, user):
    """share is false unless the body says true."""
    data = auth_api.put(f"/api/v1/reflections/{new_id()}", body(user, share=True)).get_json()
    assert data["share"] is True


def test_relinking_and_unlinking(auth_api, user):
    """An edit can move a reflection to another session, or unlink it."""
    first, second = log_session(auth_api, user, 3), log_session(auth_api, user, 1)
    client_id = new_id()
    auth_api.put(f"/api/v1/reflections/{client_id}", body(user, treatment_id=first))
    moved = auth_api.put(
        f"/api/v1/reflections/{client_id}", body(user, treatment_id=second, base_revision=1)
    )
    assert moved.get_json()["treatment_id"] == second
    unlinked = auth_api.put(
        f"/api/v1/reflections/{client_id}", body(user, treatment_id=None, base_revision=2)
    )
    assert (unlinked.get_json()["treatment_id"], unlinked.get_json()["revision"]) == (None, 3)


def test_another_users_session_is_no_such_session(app, auth_api, other_api, user):
    """Linking to someone else's session is a 422 "no such session", not a leak."""
    theirs = log_session(other_api, user)
    response = auth_api.put(f"/api/v1/reflections/{new_id()}", body(user, treatment_id=theirs))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["treatment_id"] == "No such session."
    assert count_reflections(app) == 0


@pytest.mark.parametrize("treatment_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_session_is_no_such_session(auth_api, user, treatment_id):
    """A malformed or unknown session id gets the same answer."""
    response = auth_api.put(
        f"/api/v1/reflections/{new_id()}", body(user, treatment_id=treatment_id)
    )
    assert response.get_json()["error"]["fields"]["treatment_id"] == "No such session."


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"local_date": "2026-02-30"}, "local_date"),
        ({"local_date": None}, "local_date"),
        ({"text": "x" * 20001}, "text"),
        ({"text": None}, "text"),
        ({"text": None, "prompts": {"came_up": ""}}, "text"),
        ({"prompts": {"insight": "x" * 5001}}, "prompts.insight"),
        ({"prompts": {"dreams": "flying"}}, "prompts.dreams"),
        ({"prompts": "what came up"}, "prompts"),
        ({"tags": ["x" * 41]}, "tags.0"),
        ({"tags": ["ok", ""]}, "tags.1"),
        ({"tags": [f"t{n}" for n in range(21)]}, "tags"),
        ({"tags": "sleep"}, "tags"),
        ({"tags": [1]}, "tags.0"),
        ({"share": "yes"}, "share"),
        ({"base_revision": 1.5}, "base_revision"),
    ],
)
def test_bad_input_is_422_naming_the_field(app, auth_api, user, overrides, field):
    """Each kind of bad input is a 422 with that field named, and nothing is stored."""
    response = auth_api.put(f"/api/v1/reflections/{new_id()}", body(user, **overrides))
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    # A nested object of the wrong type is reported as "field._schema" by the error handler.
    assert any(name == field or name == f"{field}._schema" for name in fields), fields
    assert count_reflections(app) == 0


def test_future_date_is_refused(auth_api, user):
    """A reflection dated after the user's today is refused."""
    tomorrow = (user_today(user) + timedelta(days=1)).isoformat()
    response = auth_api.put(f"/api/v1/reflections/{new_id()}", body(user, local_date=tomorrow))
    assert "local_date" in response.get_json()["error"]["fields"]


def test_missing_date_is_422(auth_api):
    """local_date is required."""
    response = auth_api.put(f"/api/v1/reflections/{new_id()}", {"text": "hi"})
    assert "local_date" in response.get_json()["error"]["fields"]


def test_list_is_oldest_first_and_filters(auth_api, user):
    """The list is oldest first and filters by date range and by session."""
    session_id = log_session(auth_api, user, 10)
    today = user_today(user)
    for days_ago, linked in ((0, True), (9, True), (4, False)):
        auth_api.put(
            f"/api/v1/reflections/{new_id()}",
            body(
                user,
                local_date=(today - timedelta(days=days_ago)).isoformat(),
                treatment_id=session_id if linked else None,
            ),
        )
    items = auth_api.get("/api/v1/reflections").get_json()["items"]
    assert [i["local_date"] for i in items] == sorted(i["local_date"] for i in items)
    linked = auth_api.get(f"/api/v1/reflections?session={session_id}").get_json()["items"]
    assert len(linked) == 2 and {i["treatment_id"] for i in linked} == {session_id}
    start = (today - timedelta(days=5)).isoformat()
    assert len(auth_api.get(f"/api/v1/reflections?from={start}").get_json()["items"]) == 2
    both = f"/api/v1/reflections?from={start}&to={today}&session={session_id}"
    assert len(auth_api.get(both).get_json()["items"]) == 1


def test_list_by_another_users_session_is_404(auth_api, other_api, user):
    """Filtering by a session that is not yours is "no such session"."""
    theirs = log_session(other_api, user)
    response = auth_api.get(f"/api/v1/reflections?session={theirs}")
    assert response.status_code == 404


def test_list_rejects_bad_query(auth_api):
    """Bad filters are 422, not ignored."""
    assert auth_api.get("/api/v1/reflections?session=abc").status_code == 422
    assert auth_api.get("/api/v1/reflections?to=tomorrow").status_code == 422


def test_deleting_a_reflection_keeps_its_session(auth_api, user):
    """Deleting a reflection leaves the session alone."""
    session_id, client_id = log_session(auth_api, user), new_id()
    auth_api.put(f"/api/v1/reflections/{client_id}", body(user, treatment_id=session_id))
    auth_api.delete(f"/api/v1/reflections/{client_id}")
    assert auth_api.get(f"/api/v1/treatments/{session_id}").status_code == 200
