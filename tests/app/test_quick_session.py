"""The quick session log on Today and the sessions list: the last session again, in one tap."""

import html as html_lib
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import TreatmentSession
from journal.records import user_today
from tests.conftest import new_id

ESKETAMINE = {"medication": "esketamine", "route": "intranasal", "dose": 84, "dose_unit": "mg"}


def log_session(api, user, days_ago: int = 3, **fields) -> str:
    """Log a session through the API, `days_ago` days back at 09:30 local; return its id."""
    client_id = new_id()
    on = user_today(user) - timedelta(days=days_ago)
    at = datetime.combine(on, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()
    body = {"started_at": at, "route": "iv", **fields}
    response = api.put(f"/api/v1/treatments/{client_id}", body)
    assert response.status_code == 201, response.get_json()
    return client_id


def quick_form(page: str) -> dict[str, str] | None:
    """Return the quick session form's fields on a page (None when it is not there)."""
    found = re.search(r'<form[^>]*class="quick-session".*?</form>', page, re.S)
    if not found:
        return None
    inputs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', found.group(0))
    return {name: html_lib.unescape(value) for name, value in inputs}


def sessions(app) -> list[TreatmentSession]:
    """Return every stored session, oldest first."""
    with app.app_context():
        query = select(TreatmentSession).order_by(TreatmentSession.started_at)
        return list(db.session.scalars(query))


def test_without_an_earlier_session_today_links_to_the_full_form(logged_in):
    """Nothing to copy: no one-tap form, a link to the full session form instead."""
    page = logged_in.get("/").get_data(as_text=True)
    assert quick_form(page) is None
    assert 'class="quick-session"' in page and "full session form" in page


@pytest.mark.parametrize("path", ["/", "/treatments/"])
def test_the_form_is_prefilled_from_the_last_session(logged_in, auth_api, user, path):
    """Medication, route and dose come from the newest session; the date and time are now."""
    log_session(auth_api, user, days_ago=10, route="iv", dose=0.5, dose_unit="mg/kg")
    log_session(auth_api, user, days_ago=3, clinic="Lakeside", notes="dizzy", **ESKETAMINE)

    page = logged_in.get(path).get_data(as_text=True)

    fields = quick_form(page)
    assert fields is not None
    assert {k: fields.get(k) for k in ESKETAMINE} == {k: str(v) for k, v in ESKETAMINE.items()}
    assert fields["day"] == user_today(user).isoformat()
    assert re.fullmatch(r"\d\d:\d\d", fields["clock"])
    # Details belong to that day, not to today's session.
    assert "clinic" not in fields and "notes" not in fields
    assert "Log today's session:" in page and "Esketamine · Intranasal 84 mg" in page


def test_a_plan_is_not_copied(logged_in, auth_api, user):
    """A planned session (even a newer one) is not what was taken last time."""
    log_session(auth_api, user, days_ago=3, **ESKETAMINE)
    log_session(auth_api, user, days_ago=1, route="im", planned=True)
    fields = quick_form(logged_in.get("/").get_data(as_text=True))
    assert fields["route"] == "intranasal"


def test_one_tap_saves_todays_session_and_the_form_goes_away(app, logged_in, auth_api, user):
    """Posting the form as it stands logs today's session; Today then offers it no more."""
    log_session(auth_api, user, days_ago=3, **ESKETAMINE)
    fields = quick_form(logged_in.get("/").get_data(as_text=True))

    response = logged_in.post("/treatments/new", data=fields)

    assert response.status_code == 302
    saved = sessions(app)[-1]
    assert response.headers["Location"].endswith(f"/treatments/{saved.client_id}")
    assert str(saved.client_id) == fields["client_id"]
    assert saved.local_date == user_today(user)
    assert (saved.medication, saved.route, saved.dose, saved.dose_unit) == tuple(
        ESKETAMINE.values()
    )
    assert not saved.planned and saved.side_effects is None and saved.notes is None
    page = logged_in.get("/").get_data(as_text=True)
    assert quick_form(page) is None and "full session form" not in page


def test_a_session_without_a_dose_is_copied_without_a_unit(app, logged_in, auth_api, user):
    """No dose last time: the quick log has none either, and saves."""
    log_session(auth_api, user, days_ago=2, route="oral", medication="ketamine")
    fields = quick_form(logged_in.get("/").get_data(as_text=True))
    assert "dose" not in fields and "dose_unit" not in fields
    assert logged_in.post("/treatments/new", data=fields).status_code == 302
    assert sessions(app)[-1].dose is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"route": "teleport"}, "Not a valid choice"),
        ({"dose": "lots"}, "Not a valid decimal value"),
        ({"dose": "5000"}, "must be above 0 and at most"),
        ({"medication": "other"}, "Which medication"),
        ({"clock": ""}, "This field is required"),
    ],
)
def test_bad_input_is_422_with_the_field_named_and_nothing_saved(
    app, logged_in, auth_api, user, change, message
):
    """A tampered or broken quick log lands on the full form with its error, and stores nothing."""
    log_session(auth_api, user, days_ago=3, **ESKETAMINE)
    fields = quick_form(logged_in.get("/").get_data(as_text=True))

    response = logged_in.post("/treatments/new", data={**fields, **change})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "has-error" in page
    assert len(sessions(app)) == 1


def test_the_quick_log_needs_csrf(app, logged_in, auth_api, user):
    """Without its token the post is refused (400) and nothing is stored."""
    log_session(auth_api, user, days_ago=3, **ESKETAMINE)
    fields = quick_form(logged_in.get("/").get_data(as_text=True))
    del fields["csrf_token"]
    assert logged_in.post("/treatments/new", data=fields).status_code == 400
    assert len(sessions(app)) == 1


def test_another_persons_sessions_are_never_copied(logged_in, auth_api, other_api, user):
    """Someone else's newer session neither prefills nor turns on this person's quick log."""
    log_session(other_api, user, days_ago=1, medication="other", medication_label="Secretol")
    assert quick_form(logged_in.get("/").get_data(as_text=True)) is None

    log_session(auth_api, user, days_ago=5, **ESKETAMINE)
    page = logged_in.get("/").get_data(as_text=True)
    assert quick_form(page)["route"] == "intranasal" and "Secretol" not in page
