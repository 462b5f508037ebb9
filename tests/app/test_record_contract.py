"""The record contract, stated once over every synced record kind (check-in, session, reflection).

Idempotent PUT by client id, base_revision and 409 with the server copy, another user's row is a
404, validation is a 422 naming the field with nothing stored, and delete.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import CheckIn, Reflection, TreatmentSession
from journal.records import user_today
from tests.conftest import new_id


@dataclass(frozen=True)
class Kind:
    """One record kind: where it lives, a valid body, an edit, and a bad field."""

    plural: str
    model: type
    body: object  # user -> dict
    edit: dict
    bad: dict
    bad_field: str


def day(user, ago: int) -> str:
    """Return an ISO date `ago` days before the user's today."""
    return (user_today(user) - timedelta(days=ago)).isoformat()


def started(user, ago: int) -> str:
    """Return 09:30 on that day where the user is, with its offset."""
    on = user_today(user) - timedelta(days=ago)
    return datetime.combine(on, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()


KINDS = [
    Kind(
        "checkins",
        CheckIn,
        lambda user: {
            "instrument": "daily",
            "local_date": day(user, 1),
            "answers": [1, 0, 2, 0, 1, 0, 0, 1, 0],
            "mood": 6,
        },
        {"note": "Slept better."},
        {"mood": 11},
        "mood",
    ),
    Kind(
        "treatments",
        TreatmentSession,
        lambda user: {
            "started_at": started(user, 2),
            "medication": "ketamine",
            "route": "iv",
            "dose": 0.5,
            "dose_unit": "mg/kg",
        },
        {"notes": "Calm afterwards."},
        {"medication": "lsd"},
        "medication",
    ),
    Kind(
        "reflections",
        Reflection,
        lambda user: {"local_date": day(user, 1), "text": "Felt lighter.", "tags": ["calm"]},
        {"text": "Felt lighter, then tired."},
        {"tags": ["x" * 41]},
        "tags.0",
    ),
]
IDS = [kind.plural for kind in KINDS]


def count(app, model) -> int:
    """Return how many rows of a model are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture(params=KINDS, ids=IDS)
def kind(request) -> Kind:
    """Return each record kind in turn."""
    return request.param


def test_put_twice_is_one_record(app, auth_api, user, kind):
    """A retried upload is 201 then 200 with the same revision, and one row."""
    client_id = new_id()
    first = auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user))
    again = auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user))
    assert (first.status_code, again.status_code) == (201, 200), first.get_json()
    assert first.get_json()["revision"] == again.get_json()["revision"] == 1
    assert first.get_json()["client_id"] == client_id
    assert count(app, kind.model) == 1


def test_edit_with_its_revision_bumps_it(auth_api, user, kind):
    """An edit that names the revision it was based on is 200 and revision 2."""
    client_id = new_id()
    auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user))
    edited = {**kind.body(user), **kind.edit, "base_revision": 1}
    response = auth_api.put(f"/api/v1/{kind.plural}/{client_id}", edited)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["revision"] == 2
    assert all(data[key] == value for key, value in kind.edit.items())
    assert auth_api.get(f"/api/v1/{kind.plural}/{client_id}").get_json()["revision"] == 2


@pytest.mark.parametrize("base_revision", [None, 7])
def test_stale_or_missing_revision_is_409_with_the_server_copy(auth_api, user, kind, base_revision):
    """A changed body that is not based on the stored revision is refused, showing what is kept."""
    client_id = new_id()
    auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user))
    edited = {**kind.body(user), **kind.edit, "base_revision": base_revision}
    response = auth_api.put(f"/api/v1/{kind.plural}/{client_id}", edited)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert error["current"]["client_id"] == client_id and error["current"]["revision"] == 1


def test_another_users_record_is_not_found(auth_api, other_api, user, kind):
    """Reading or deleting someone else's record is a 404, and theirs is untouched."""
    client_id = new_id()
    assert auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user)).status_code == 201
    assert other_api.get(f"/api/v1/{kind.plural}/{client_id}").status_code == 404
    assert other_api.delete(f"/api/v1/{kind.plural}/{client_id}").status_code == 404
    assert other_api.get(f"/api/v1/{kind.plural}").get_json()["items"] == []
    assert auth_api.get(f"/api/v1/{kind.plural}/{client_id}").status_code == 200


def test_put_on_another_users_id_makes_the_callers_own(app, auth_api, other_api, user, kind):
    """Client ids are per user: the same id from someone else is their own new record."""
    client_id = new_id()
    auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user))
    response = other_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user))
    assert response.status_code == 201
    assert count(app, kind.model) == 2
    assert auth_api.get(f"/api/v1/{kind.plural}/{client_id}").get_json()["revision"] == 1


def test_bad_field_is_422_naming_it_and_nothing_is_stored(app, auth_api, user, kind):
    """Validation names the field; no half-written record is left behind."""
    body = {**kind.body(user), **kind.bad}
    response = auth_api.put(f"/api/v1/{kind.plural}/{new_id()}", body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and kind.bad_field in error["fields"], error
    assert count(app, kind.model) == 0


def test_bad_field_on_an_edit_keeps_the_stored_copy(auth_api, user, kind):
    """A refused edit changes nothing."""
    client_id = new_id()
    stored = auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user)).get_json()
    body = {**kind.body(user), **kind.bad, "base_revision": 1}
    assert auth_api.put(f"/api/v1/{kind.plural}/{client_id}", body).status_code == 422
    assert auth_api.get(f"/api/v1/{kind.plural}/{client_id}").get_json() == stored


def test_delete_then_gone(app, auth_api, user, kind):
    """Delete is 204; afterwards the record is a 404 and a second delete is a 404 too."""
    client_id = new_id()
    auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user))
    assert auth_api.delete(f"/api/v1/{kind.plural}/{client_id}").status_code == 204
    assert auth_api.get(f"/api/v1/{kind.plural}/{client_id}").status_code == 404
    assert auth_api.delete(f"/api/v1/{kind.plural}/{client_id}").status_code == 404
    assert count(app, kind.model) == 0


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "g" * 32])
def test_malformed_client_id_is_422(auth_api, user, kind, bad_id):
    """A client id that is not a UUID is named as the problem."""
    response = auth_api.put(f"/api/v1/{kind.plural}/{bad_id}", kind.body(user))
    assert response.status_code == 422
    assert "client_id" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_unsafe_requests_need_csrf(app, auth_api, user, kind, method):
    """A write without the CSRF header is refused and changes nothing."""
    client_id = new_id()
    auth_api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user))
    edited = {**kind.body(user), **kind.edit, "base_revision": 1}
    path = f"/api/v1/{kind.plural}/{client_id}"
    response = auth_api.request(method, path, json=edited, csrf=False)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert auth_api.get(path).get_json()["revision"] == 1


def test_anonymous_is_401(api, user, kind):
    """Without a session every operation is a 401, before the body is read."""
    client_id = new_id()
    assert api.get(f"/api/v1/{kind.plural}").status_code == 401
    assert api.get(f"/api/v1/{kind.plural}/{client_id}").status_code == 401
    assert api.put(f"/api/v1/{kind.plural}/{client_id}", kind.body(user)).status_code == 401
    assert api.delete(f"/api/v1/{kind.plural}/{client_id}").status_code == 401


def test_openapi_documents_the_record_from_its_spec(api, kind):
    """The OpenAPI document shows each record's fields with their limits."""
    document = api.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    name = {"checkins": "CheckIn", "treatments": "Treatment", "reflections": "Reflection"}
    body = schemas[name[kind.plural] + "In"]["properties"]
    out = schemas[name[kind.plural] + "Out"]["properties"]
    assert "base_revision" in body and {"client_id", "revision", "updated_at"} <= set(out)
    for field in kind.bad:
        assert field.split(".")[0] in body


def test_medication_is_documented_with_its_choices(api):
    """The session's medication comes straight from its spec into the OpenAPI document."""
    schemas = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    medication = schemas["TreatmentIn"]["properties"]["medication"]
    assert medication["enum"] == ["ketamine", "esketamine", "other"]
    assert "medication" in schemas["TreatmentOut"]["properties"]
    assert schemas["TreatmentIn"]["properties"]["clinic"]["maxLength"] == 200
    assert set(schemas["TreatmentIn"]["required"]) == {"started_at", "route"}
