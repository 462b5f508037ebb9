"""The treatment session API: fields, validation, idempotency, conflicts, ownership, due dates."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from journal.checkins.services import next_due
from journal.extensions import db
from journal.models import TreatmentSession, User
from journal.records import user_today
from tests.conftest import new_id


def started(user, days_ago: int = 0, at: time = time(9, 30)) -> str:
    """Return an ISO time with offset on a day relative to the user's today, in their zone."""
    day = user_today(user) - timedelta(days=days_ago)
    return datetime.combine(day, at, tzinfo=ZoneInfo(user.timezone)).isoformat()


def body(user, **overrides) -> dict:
    """Return a valid session body for two days ago."""
    return {"started_at": started(user, 2), "route": "iv", **overrides}


def full_body(user) -> dict:
    """Return a session body with every field filled in."""
    return body(
        user,
        route="intranasal",
        dose=56,
        dose_unit="mg",
        clinic="Lakeside Clinic",
        intention="Be curious rather than afraid.",
        side_effects={"dissociation": 6, "nausea": "mild", "anxiety": "none"},
        bp_before={"systolic": 128, "diastolic": 82},
        bp_after={"systolic": 141, "diastolic": 90},
        notes="Felt far away for a while, then calm.",
    )


def count_sessions(app) -> int:
    """Return how many sessions are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(TreatmentSession))


def test_put_creates_with_every_field(auth_api, user):
    """A new session is 201 and the response carries every field it was given."""
    client_id = new_id()
    response = auth_api.put(f"/api/v1/treatments/{client_id}", full_body(user))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    sent = full_body(user)
    for key in ("route", "clinic", "intention", "side_effects", "bp_before", "bp_after", "notes"):
        assert data[key] == sent[key]
    assert (data["dose"], data["dose_unit"], data["planned"]) == (56, "mg", False)
    assert data["client_id"] == client_id
    assert data["revision"] == 1
    assert data["local_date"] == (user_today(user) - timedelta(days=2)).isoformat()
    assert data["created_at"] and data["updated_at"]


def test_started_at_comes_back_in_the_users_zone(auth_api, user):
    """A time sent in UTC is returned as the same instant on the user's wall clock."""
    sent = datetime.fromisoformat(started(user, 3)).astimezone(ZoneInfo("UTC"))
    data = auth_api.put(
        f"/api/v1/treatments/{new_id()}", body(user, started_at=sent.isoformat())
    ).get_json()
    returned = datetime.fromisoformat(data["started_at"])
    assert returned == sent
    assert returned.utcoffset() == sent.astimezone(ZoneInfo(user.timezone)).utcoffset()
    assert returned.time() == time(9, 30)


def test_z_suffix_is_accepted(auth_api, user):
    """ISO 8601 with Z (UTC) is accepted."""
    sent = datetime.fromisoformat(started(user, 3)).astimezone(ZoneInfo("UTC"))
    stamp = sent.strftime("%Y-%m-%dT%H:%M:%SZ")
    response = auth_api.put(f"/api/v1/treatments/{new_id()}", body(user, started_at=stamp))
    assert response.status_code == 201


def test_local_date_follows_the_users_zone(auth_api, make_user, api):
    """A session at 23:30 in Tokyo is that Tokyo date, not the UTC date."""
    tokyo = make_user("tokyo@example.com", timezone="Asia/Tokyo")
    api.login(tokyo.email)
    at = started(tokyo, 1, time(23, 30))
    data = api.put(f"/api/v1/treatments/{new_id()}", body(tokyo, started_at=at)).get_json()
    assert data["local_date"] == (user_today(tokyo) - timedelta(days=1)).isoformat()


def test_same_instant_in_another_offset_is_unchanged(auth_api, user):
    """The same moment written with a different offset is the same session, not an edit."""
    client_id = new_id()
    auth_api.put(f"/api/v1/treatments/{client_id}", body(user))
    utc = datetime.fromisoformat(started(user, 2)).astimezone(ZoneInfo("UTC")).isoformat()
    response = auth_api.put(f"/api/v1/treatments/{client_id}", body(user, started_at=utc))
    assert (response.status_code, response.get_json()["revision"]) == (200, 1)


def test_same_body_with_current_revision_does_not_bump(auth_api, user):
    """Re-sending an edit that is already stored changes nothing."""
    client_id = new_id()
    auth_api.put(f"/api/v1/treatments/{client_id}", body(user))
    response = auth_api.put(f"/api/v1/treatments/{client_id}", body(user, base_revision=1))
    assert (response.status_code, response.get_json()["revision"]) == (200, 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"started_at": "2026-01-31T09:30:00"}, "started_at"),
        ({"started_at": "2026-01-31"}, "started_at"),
        ({"started_at": "last tuesday"}, "started_at"),
        ({"started_at": None}, "started_at"),
        ({"route": "iv drip"}, "route"),
        ({"route": None}, "route"),
        ({"route": "other"}, "route_label"),
        ({"route": "other", "route_label": "x" * 81}, "route_label"),
        ({"dose": 0, "dose_unit": "mg"}, "dose"),
        ({"dose": -5, "dose_unit": "mg"}, "dose"),
        ({"dose": 1001, "dose_unit": "mg"}, "dose"),
        ({"dose": 11, "dose_unit": "mg/kg"}, "dose"),
        ({"dose": "56", "dose_unit": "mg"}, "dose"),
        ({"dose": True, "dose_unit": "mg"}, "dose"),
        ({"dose": 56}, "dose_unit"),
        ({"dose": 56, "dose_unit": "ml"}, "dose_unit"),
        ({"clinic": "x" * 201}, "clinic"),
        ({"intention": "x" * 5001}, "intention"),
        ({"notes": "x" * 20001}, "notes"),
        ({"notes": 12}, "notes"),
        ({"side_effects": {"dissociation": 11}}, "side_effects.dissociation"),
        ({"side_effects": {"dissociation": "7"}}, "side_effects.dissociation"),
        ({"side_effects": {"nausea": "terrible"}}, "side_effects.nausea"),
        ({"side_effects": {"vertigo": "mild"}}, "side_effects.vertigo"),
        ({"side_effects": "nausea"}, "side_effects"),
        ({"bp_before": {"systolic": 300, "diastolic": 80}}, "bp_before.systolic"),
        ({"bp_before": {"systolic": 120, "diastolic": 20}}, "bp_before.diastolic"),
        ({"bp_after": {"systolic": 120}}, "bp_after.diastolic"),
        ({"bp_after": {"systolic": 80, "diastolic": 90}}, "bp_after"),
        ({"bp_after": {"systolic": "120", "diastolic": 80}}, "bp_after.systolic"),
        ({"planned": "maybe"}, "planned"),
        ({"base_revision": "one"}, "base_revision"),
    ],
)
def test_bad_input_is_422_naming_the_field(app, auth_api, user, overrides, field):
    """Each kind of bad input is a 422 with that field named, and nothing is stored."""
    response = auth_api.put(f"/api/v1/treatments/{new_id()}", body(user, **overrides))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    # A nested object of the wrong type is reported as "field._schema" by the error handler.
    assert any(name == field or name == f"{field}._schema" for name in error["fields"]), error
    assert count_sessions(app) == 0


def test_naive_time_message_asks_for_an_offset(auth_api, user):
    """The message for a time without an offset says how to fix it."""
    response = auth_api.put(
        f"/api/v1/treatments/{new_id()}", body(user, started_at="2026-01-31T09:30:00")
    )
    assert "offset" in response.get_json()["error"]["fields"]["started_at"]


def test_dose_message_names_the_maximum(auth_api, user):
    """The dose message gives the unit's maximum."""
    response = auth_api.put(
        f"/api/v1/treatments/{new_id()}", body(user, dose=12, dose_unit="mg/kg")
    )
    assert "at most 10 mg/kg" in response.get_json()["error"]["fields"]["dose"]


def test_missing_fields_are_422(auth_api):
    """An empty body names both required fields."""
    response = auth_api.put(f"/api/v1/treatments/{new_id()}", {})
    assert response.status_code == 422
    assert {"started_at", "route"} <= set(response.get_json()["error"]["fields"])


def test_future_session_must_be_planned(auth_api, user):
    """Tomorrow's session is refused unless planned, with a message saying so."""
    tomorrow = started(user, -1)
    refused = auth_api.put(f"/api/v1/treatments/{new_id()}", body(user, started_at=tomorrow))
    assert refused.status_code == 422
    assert "planned" in refused.get_json()["error"]["fields"]["started_at"]
    planned = auth_api.put(
        f"/api/v1/treatments/{new_id()}", body(user, started_at=tomorrow, planned=True)
    )
    assert (planned.status_code, planned.get_json()["planned"]) == (201, True)


def test_plans_reach_90_days_ahead(auth_api, user):
    """A plan 90 days ahead is fine; 91 days is refused."""
    ok = auth_api.put(
        f"/api/v1/treatments/{new_id()}", body(user, started_at=started(user, -90), planned=True)
    )
    assert ok.status_code == 201
    too_far = auth_api.put(
        f"/api/v1/treatments/{new_id()}", body(user, started_at=started(user, -91), planned=True)
    )
    assert too_far.status_code == 422
    assert "90 days" in too_far.get_json()["error"]["fields"]["started_at"]


def test_before_1900_is_refused(auth_api, user):
    """Sessions before 1900 are typos."""
    response = auth_api.put(
        f"/api/v1/treatments/{new_id()}", body(user, started_at="1899-06-01T09:00:00+00:00")
    )
    assert "1900" in response.get_json()["error"]["fields"]["started_at"]


def test_list_is_oldest_first_and_filters_by_local_date(auth_api, user):
    """The list is {"items": [...]} oldest first, filtered by local date."""
    for days_ago in (1, 20, 5):
        auth_api.put(
            f"/api/v1/treatments/{new_id()}", body(user, started_at=started(user, days_ago))
        )
    items = auth_api.get("/api/v1/treatments").get_json()["items"]
    assert [i["local_date"] for i in items] == sorted(i["local_date"] for i in items)
    assert len(items) == 3
    start = (user_today(user) - timedelta(days=6)).isoformat()
    ranged = auth_api.get(f"/api/v1/treatments?from={start}").get_json()["items"]
    assert len(ranged) == 2
    end = (user_today(user) - timedelta(days=2)).isoformat()
    assert len(auth_api.get(f"/api/v1/treatments?from={start}&to={end}").get_json()["items"]) == 1


def test_list_rejects_bad_query(auth_api):
    """A bad date filter is 422, not ignored."""
    assert auth_api.get("/api/v1/treatments?from=soon").status_code == 422


def test_deleting_a_session_keeps_its_reflections_unlinked(auth_api, user):
    """A session's reflections survive its deletion, with treatment_id set to null."""
    session_id, reflection_id = new_id(), new_id()
    auth_api.put(f"/api/v1/treatments/{session_id}", body(user))
    auth_api.put(
        f"/api/v1/reflections/{reflection_id}",
        {
            "local_date": user_today(user).isoformat(),
            "treatment_id": session_id,
            "text": "Still mine.",
        },
    )
    assert auth_api.delete(f"/api/v1/treatments/{session_id}").status_code == 204
    reflection = auth_api.get(f"/api/v1/reflections/{reflection_id}").get_json()
    assert (reflection["treatment_id"], reflection["text"]) == (None, "Still mine.")


def test_openapi_documents_sessions_and_reflections(api):
    """The generated OpenAPI document has the new paths and the fixed field names."""
    spec = api.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/treatments/{client_id}", "/api/v1/reflections"} <= set(spec["paths"])
    treatment = spec["components"]["schemas"]["TreatmentIn"]["properties"]
    assert {"started_at", "route", "dose_unit", "side_effects", "bp_before", "planned"} <= set(
        treatment
    )
    assert treatment["route"]["enum"] == ["iv", "im", "intranasal", "sublingual", "oral", "other"]


def phq9_due(app, user):
    """Return the PHQ-9's next due date for the user."""
    with app.app_context():
        return next_due(db.session.get(User, user.id), "phq9")


def test_a_session_restarts_the_phq9_clock(app, auth_api, user):
    """The PHQ-9 is due 14 days after the later of the last PHQ-9 and the last session."""
    today = user_today(user)
    assert phq9_due(app, user) == today
    auth_api.put(
        f"/api/v1/checkins/{new_id()}",
        {
            "instrument": "phq9",
            "local_date": (today - timedelta(days=10)).isoformat(),
            "answers": [0] * 9,
        },
    )
    assert phq9_due(app, user) == today + timedelta(days=4)
    auth_api.put(f"/api/v1/treatments/{new_id()}", body(user, started_at=started(user, 2)))
    assert phq9_due(app, user) == today + timedelta(days=12)


def test_planned_sessions_do_not_move_the_phq9_clock(app, auth_api, user):
    """Only sessions that happened restart the clock; plans (past or future) do not."""
    for days_ago in (-5, 1):
        auth_api.put(
            f"/api/v1/treatments/{new_id()}",
            body(user, started_at=started(user, days_ago), planned=True),
        )
    assert phq9_due(app, user) == user_today(user)
