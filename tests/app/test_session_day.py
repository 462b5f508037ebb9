"""Session day: preparation and follow-up on a session, Today's cards, and encryption at rest."""

import json
import uuid
from datetime import timedelta

import pytest

from journal.extensions import db
from journal.models import TreatmentSession, utcnow
from journal.safety.spec import DEFAULT_CHECKLIST
from tests.app.test_encryption import MARK, ON_POSTGRES, raw_database
from tests.conftest import DATABASE_URL, app_with_schema, csrf_from


@pytest.fixture
def app(tmp_path):
    """An app on a SQLite file (so its bytes can be searched), or on the PostgreSQL test db."""
    uri = DATABASE_URL if ON_POSTGRES else f"sqlite:///{tmp_path / 'journal.sqlite'}"
    yield from app_with_schema(SQLALCHEMY_DATABASE_URI=uri)


def session_at(api, hours: float, **extra) -> str:
    """Log (or plan) a session starting `hours` from now; return its client id."""
    client_id = str(uuid.uuid4())
    body = {"started_at": (utcnow() + timedelta(hours=hours)).isoformat(), "route": "iv"}
    body |= {"planned": hours > 0, **extra}
    response = api.put(f"/api/v1/treatments/{client_id}", body)
    assert response.status_code == 201, response.get_json()
    return client_id


def stored(app, client_id: str) -> TreatmentSession:
    """Return a session row as stored."""
    with app.app_context():
        row = db.session.scalar(
            db.select(TreatmentSession).where(TreatmentSession.client_id == uuid.UUID(client_id))
        )
        db.session.expunge(row)
        return row


PREPARATION = {
    "checklist": [{"text": "Ride home", "done": True}, {"text": "Headphones", "done": False}],
    "ride_home": {"name": "Sam", "phone": "+1 555 0100"},
}


def test_a_session_carries_preparation_and_follow_up(auth_api):
    """Both go in and come back through the treatment API."""
    follow_up = {"sleep_hours": 7.5, "dissociation": 2, "mood": 6}
    client_id = session_at(auth_api, 20, preparation=PREPARATION, follow_up=follow_up)
    body = auth_api.get(f"/api/v1/treatments/{client_id}").get_json()
    assert body["preparation"] == PREPARATION and body["follow_up"] == follow_up


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"preparation": {"checklist": [{"text": "x"}] * 16}}, "preparation.checklist"),
        ({"preparation": {"checklist": [{"text": "x" * 121}]}}, "preparation.checklist.0.text"),
        ({"preparation": {"checklist": [{"text": ""}]}}, "preparation.checklist.0.text"),
        (
            {"preparation": {"checklist": [{"text": "x", "done": "yes"}]}},
            "preparation.checklist.0.done",
        ),
        ({"preparation": {"ride_home": {"phone": "555 0100"}}}, "preparation.ride_home.name"),
        (
            {"preparation": {"ride_home": {"name": "S", "phone": "x"}}},
            "preparation.ride_home.phone",
        ),
        ({"preparation": {"extra": 1}}, "preparation.extra"),
        ({"preparation": "pack"}, "preparation"),
        ({"follow_up": {"sleep_hours": 25}}, "follow_up.sleep_hours"),
        ({"follow_up": {"sleep_hours": -1}}, "follow_up.sleep_hours"),
        ({"follow_up": {"dissociation": 11}}, "follow_up.dissociation"),
        ({"follow_up": {"mood": 5.5}}, "follow_up.mood"),
        ({"follow_up": {"mood": True}}, "follow_up.mood"),
    ],
)
def test_session_day_fields_break_rules_with_a_path(auth_api, extra, path):
    """Each limit is a 422 naming the field path; nothing is stored."""
    client_id = str(uuid.uuid4())
    body = {"started_at": (utcnow() - timedelta(hours=3)).isoformat(), "route": "iv", **extra}
    response = auth_api.put(f"/api/v1/treatments/{client_id}", body)
    assert response.status_code == 422
    assert path in response.get_json()["error"]["fields"]
    assert auth_api.get(f"/api/v1/treatments/{client_id}").status_code == 404


def test_limits_are_inclusive(auth_api):
    """Fifteen checklist items of 120 characters, 0 and 24 hours of sleep, 0 and 10 pass."""
    prep = {"checklist": [{"text": "x" * 120, "done": False}] * 15}
    session_at(auth_api, -10, preparation=prep, follow_up={"sleep_hours": 0, "mood": 10})
    session_at(auth_api, -40, follow_up={"sleep_hours": 24, "dissociation": 0})


def test_today_shows_the_session_day_card_with_defaults(logged_in, auth_api):
    """A planned session tomorrow (within 24 h): checklist defaults and no driving."""
    session_at(auth_api, 20)
    html = logged_in.get("/").get_data(as_text=True)
    assert "data-session-day" in html and "No driving until tomorrow" in html
    for text in DEFAULT_CHECKLIST:
        assert f'value="{text}"' in html
    assert "data-session-follow-up" not in html


def test_no_card_for_a_session_more_than_a_day_ahead(logged_in, auth_api):
    """Planned 30 hours ahead: not yet."""
    session_at(auth_api, 30)
    assert "data-session-day" not in logged_in.get("/").get_data(as_text=True)


def test_the_card_saves_ticks_removals_additions_and_the_ride_home(app, logged_in, auth_api):
    """The no-JS form: tick, remove one, add one, name the ride home; it shows as a tel: link."""
    client_id = session_at(auth_api, 20)
    token = csrf_from(logged_in.get("/").get_data(as_text=True))
    form = {f"item-{n}-text": text for n, text in enumerate(DEFAULT_CHECKLIST)}
    form |= {"csrf_token": token, "item-0-done": "on", "remove": "2", "new_item": " Socks "}
    form |= {"ride_name": "Sam", "ride_phone": "+1 (555) 010-0100"}
    response = logged_in.post(f"/session-day/{client_id}/preparation", data=form)
    assert response.status_code == 302
    preparation = stored(app, client_id).preparation
    texts = [item["text"] for item in preparation["checklist"]]
    assert texts == [*DEFAULT_CHECKLIST[:2], *DEFAULT_CHECKLIST[3:], "Socks"]
    assert preparation["checklist"][0]["done"] is True
    assert preparation["ride_home"] == {"name": "Sam", "phone": "+1 (555) 010-0100"}
    html = logged_in.get("/").get_data(as_text=True)
    assert 'href="tel:+15550100100"' in html and "Socks" in html


def test_the_card_refuses_a_bad_phone_and_keeps_the_session(app, logged_in, auth_api):
    """A refusal is Today again (422) as typed, the fault beside the phone; nothing is saved."""
    client_id = session_at(auth_api, 20)
    token = csrf_from(logged_in.get("/").get_data(as_text=True))
    form = {"csrf_token": token, "ride_name": "Sam <b>", "ride_phone": "call me"}
    form |= {"item-0-text": "Eat lightly", "item-0-done": "on", "new_item": "Bring socks"}
    response = logged_in.post(f"/session-day/{client_id}/preparation", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    card = html[html.index("data-session-day") :]
    assert 'role="alert"' in card and "Not saved" in card
    phone = card[card.index('id="ride_phone"') :]
    phone = phone[: phone.index("</div>")]
    assert 'value="call me" aria-invalid="true" aria-describedby="ride_phone-errors"' in phone
    assert 'id="ride_phone-errors">' in phone and "phone" in phone.split("ride_phone-errors")[-1]
    assert 'value="Sam &lt;b&gt;"' in card and 'value="Bring socks"' in card
    assert 'id="item-0-done" name="item-0-done" checked' in card
    assert stored(app, client_id).preparation is None
    assert "Not saved" not in logged_in.get("/").get_data(as_text=True)  # said once, not flashed


def test_the_follow_up_card_refuses_25_hours_of_sleep(app, logged_in, auth_api):
    """An impossible answer: 422 with the fault beside the sleep hours; nothing is saved."""
    client_id = session_at(auth_api, -10)
    token = csrf_from(logged_in.get("/").get_data(as_text=True))
    form = {"csrf_token": token, "sleep_hours": "25", "mood": "6"}
    response = logged_in.post(f"/session-day/{client_id}/follow-up", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    card = html[html.index("data-session-follow-up") :]
    assert 'id="sleep_hours-errors"' in card and 'value="25"' in card
    assert 'name="mood" value="6" checked' in card
    assert stored(app, client_id).follow_up is None


def test_another_persons_session_is_a_404(logged_in, other_api, client):
    """The card's endpoints act only on the person's own sessions."""
    theirs = session_at(other_api, 20)
    token = csrf_from(logged_in.get("/").get_data(as_text=True))
    form = {"csrf_token": token, "mood": "5"}
    assert logged_in.post(f"/session-day/{theirs}/follow-up", data=form).status_code == 404
    assert logged_in.post(f"/session-day/{theirs}/preparation", data=form).status_code == 404


def test_the_card_needs_csrf(logged_in, auth_api):
    """A post without its token is refused."""
    client_id = session_at(auth_api, 20)
    response = logged_in.post(f"/session-day/{client_id}/follow-up", data={"mood": "5"})
    assert response.status_code == 400


@pytest.mark.parametrize("hours", [-7, -30])
def test_the_follow_up_card_from_6_to_36_hours_after(logged_in, auth_api, hours):
    """A session that started 7 or 30 hours ago asks the three questions."""
    session_at(auth_api, hours)
    html = logged_in.get("/").get_data(as_text=True)
    assert "data-session-follow-up" in html and "how detached or unreal" in html.lower()


@pytest.mark.parametrize("hours", [-5, -37])
def test_no_follow_up_card_outside_the_window(logged_in, auth_api, hours):
    """Too soon or too late: no card."""
    session_at(auth_api, hours)
    assert "data-session-follow-up" not in logged_in.get("/").get_data(as_text=True)


def test_the_follow_up_is_saved_on_the_session(app, logged_in, auth_api):
    """Answers merge into follow_up; with all three given the card goes away."""
    client_id = session_at(auth_api, -10, notes="kept")
    token = csrf_from(logged_in.get("/").get_data(as_text=True))
    url = f"/session-day/{client_id}/follow-up"
    assert logged_in.post(url, data={"csrf_token": token, "sleep_hours": "6.5"}).status_code == 302
    assert "data-session-follow-up" in logged_in.get("/").get_data(as_text=True)
    data = {"csrf_token": token, "dissociation": "3", "mood": "7"}
    assert logged_in.post(url, data=data).status_code == 302
    row = stored(app, client_id)
    assert row.follow_up == {"sleep_hours": 6.5, "dissociation": 3, "mood": 7}
    assert row.notes == "kept" and row.revision == 3
    assert "data-session-follow-up" not in logged_in.get("/").get_data(as_text=True)


def test_editing_a_session_keeps_its_session_day_values(app, logged_in, auth_api):
    """The session form carries preparation and follow-up through unchanged."""
    follow_up = {"sleep_hours": 8.0, "mood": 4}
    client_id = session_at(auth_api, -10, preparation=PREPARATION, follow_up=follow_up)
    html = logged_in.get(f"/treatments/{client_id}/edit").get_data(as_text=True)
    assert 'name="preparation_json"' in html and 'name="follow_up_json"' in html
    form = {
        "csrf_token": csrf_from(html),
        "day": stored(app, client_id).local_date.isoformat(),
        "clock": "09:00",
        "route": "im",
        "base_revision": "1",
        "dose_unit": "mg",
    }
    for name in ("preparation_json", "follow_up_json"):
        start = html.index(f'name="{name}"')
        value = html[
            html.index('value="', start) + 7 : html.index('"', html.index('value="', start) + 7)
        ]
        form[name] = value.replace("&#34;", '"').replace("&quot;", '"')
    assert logged_in.post(f"/treatments/{client_id}/edit", data=form).status_code == 302
    row = stored(app, client_id)
    assert row.route == "im" and row.preparation == PREPARATION and row.follow_up == follow_up


def test_plan_and_preparation_text_never_reach_the_database_in_plaintext(app, auth_api):
    """The plan's every list and a session's checklist and ride home are encrypted at rest."""
    text = f"{MARK}-plan"
    plan = {
        "warning_signs": [f"{text}-ws"],
        "coping": [f"{text}-coping"],
        "distractions": [f"{text}-dis"],
        "helpers": [{"name": f"{text}-helper", "phone": "555 0100"}],
        "professionals": [{"name": f"{text}-pro"}],
        "safe_environment": [f"{text}-env"],
        "reasons": [f"{text}-reason"],
    }
    assert auth_api.put("/api/v1/safety-plan", plan).status_code == 200
    preparation = {"checklist": [{"text": f"{text}-item"}], "ride_home": {"name": f"{text}-ride"}}
    session_at(auth_api, 20, preparation=preparation)
    raw = raw_database(app)
    assert len(raw) > 1000 and b"enc1:" in raw
    assert MARK.encode() not in raw
    assert auth_api.get("/api/v1/safety-plan").get_json()["coping"] == [f"{text}-coping"]


def test_csv_has_one_json_cell_each(app, auth_api):
    """The CSV export writes preparation and follow_up as JSON cells, not Python reprs."""
    follow_up = {"sleep_hours": 7.5, "mood": 6}
    session_at(auth_api, -10, preparation=PREPARATION, follow_up=follow_up)
    with app.app_context():
        from journal.export.csv_export import TREATMENT_COLUMNS, treatment_row

        row = treatment_row(db.session.scalar(db.select(TreatmentSession)))
    assert {"preparation", "follow_up"} <= set(TREATMENT_COLUMNS)
    assert json.loads(row["preparation"]) == PREPARATION
    assert json.loads(row["follow_up"]) == follow_up
