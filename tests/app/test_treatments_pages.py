"""Session pages: log in the user's zone, list, details with reflections and check-ins, edit."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Reflection, TreatmentSession
from journal.records import user_today
from tests.conftest import csrf_from, new_id


def form(client, url: str, **fields) -> dict:
    """Return a filled-in session form with a fresh CSRF token from `url`."""
    token = csrf_from(client.get(url).get_data(as_text=True))
    return {"csrf_token": token, "clock": "09:30", "route": "iv", **fields}


def day(user, days_ago: int) -> str:
    """Return an ISO date relative to the user's today."""
    return (user_today(user) - timedelta(days=days_ago)).isoformat()


def api_session(api, user, days_ago: int = 1, **fields) -> str:
    """Log a session through the API and return its client id."""
    client_id = new_id()
    on = user_today(user) - timedelta(days=days_ago)
    at = datetime.combine(on, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()
    response = api.put(
        f"/api/v1/treatments/{client_id}", {"started_at": at, "route": "iv", **fields}
    )
    assert response.status_code == 201, response.get_json()
    return client_id


def stored(app) -> list[TreatmentSession]:
    """Return every stored session."""
    with app.app_context():
        return list(db.session.scalars(select(TreatmentSession)))


def test_new_form_starts_at_now_in_the_users_zone(logged_in, user):
    """The date box holds the user's today; the route choices and side effects are there."""
    html = logged_in.get("/treatments/new").get_data(as_text=True)
    assert f'value="{user_today(user).isoformat()}"' in html
    assert 'type="time"' in html
    assert "Intranasal" in html and "Esketamine" in html
    assert "Dissociation" in html and "mmHg" in html


def test_logging_converts_the_wall_clock_time(app, logged_in, user):
    """09:30 on the form is 09:30 in Chicago, stored as the matching UTC instant."""
    data = form(
        logged_in,
        "/treatments/new",
        day=day(user, 3),
        dose="0.5",
        dose_unit="mg/kg",
        clinic="Lakeside",
        nausea="mild",
        dissociation="4",
        bp_before_systolic="120",
        bp_before_diastolic="80",
    )
    response = logged_in.post("/treatments/new", data=data)
    assert response.status_code == 302
    [session] = stored(app)
    local = datetime.combine(user_today(user) - timedelta(days=3), time(9, 30))
    expected = local.replace(tzinfo=ZoneInfo("America/Chicago")).astimezone(UTC)
    assert session.started_at == expected
    assert session.local_date.isoformat() == day(user, 3)
    assert (session.dose, session.dose_unit, session.clinic) == (0.5, "mg/kg", "Lakeside")
    assert session.side_effects == {"dissociation": 4, "nausea": "mild"}
    assert session.bp_before == {"systolic": 120, "diastolic": 80}
    assert session.bp_after is None
    assert response.headers["Location"].endswith(f"/treatments/{session.client_id}")


def test_only_date_time_and_route_are_needed(app, logged_in, user):
    """The quickest log is three taps: the unit is ignored without a dose."""
    response = logged_in.post(
        "/treatments/new", data=form(logged_in, "/treatments/new", day=day(user, 0))
    )
    assert response.status_code == 302
    [session] = stored(app)
    assert (session.dose, session.dose_unit, session.side_effects) == (None, None, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"route": "other"}, "Name it when you choose Other"),
        ({"dose": "1500", "dose_unit": "mg"}, "at most 1,000 mg"),
        ({"dose": "12", "dose_unit": "mg/kg"}, "at most 10 mg/kg"),
        ({"bp_after_systolic": "120"}, "Give both numbers"),
        ({"bp_after_systolic": "300", "bp_after_diastolic": "80"}, "from 60 to 260"),
        ({"bp_before_systolic": "80", "bp_before_diastolic": "90"}, "higher than diastolic"),
        ({"clinic": "x" * 201}, "At most 200"),
    ],
)
def test_bad_form_shows_the_message(app, logged_in, user, fields, message):
    """Each rule's message appears on the form (422) and nothing is stored."""
    data = form(logged_in, "/treatments/new", day=day(user, 1), **fields)
    response = logged_in.post("/treatments/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(app) == []


def test_future_session_needs_planned(app, logged_in, user):
    """Tomorrow is refused with a hint to tick "planned"; ticking it saves a plan."""
    data = form(logged_in, "/treatments/new", day=day(user, -1))
    response = logged_in.post("/treatments/new", data=data)
    assert response.status_code == 422
    assert "Mark the session as planned" in response.get_data(as_text=True)
    data = form(logged_in, "/treatments/new", day=day(user, -1), planned="y")
    assert logged_in.post("/treatments/new", data=data).status_code == 302
    assert stored(app)[0].planned is True


def test_time_skipped_by_a_clock_change_is_refused(app, logged_in, user):
    """02:30 on the morning clocks spring forward in Chicago does not exist."""
    data = form(logged_in, "/treatments/new", day="2026-03-08", clock="02:30")
    response = logged_in.post("/treatments/new", data=data)
    assert response.status_code == 422
    assert "clocks changed" in response.get_data(as_text=True)


def test_missing_route_is_refused(logged_in, user):
    """The route is required."""
    data = form(logged_in, "/treatments/new", day=day(user, 1))
    del data["route"]
    response = logged_in.post("/treatments/new", data=data)
    assert response.status_code == 422
    assert "Choose how the treatment was given" in response.get_data(as_text=True)


def test_form_without_csrf_is_400(logged_in, user):
    """The HTML form needs its CSRF token."""
    data = form(logged_in, "/treatments/new", day=day(user, 1))
    del data["csrf_token"]
    assert logged_in.post("/treatments/new", data=data).status_code == 400


def test_a_retried_form_post_is_one_session(app, logged_in, user):
    """The form carries its client id, so a double submit stores one session."""
    html = logged_in.get("/treatments/new").get_data(as_text=True)
    client_id = re.search(r'name="client_id" value="([^"]+)"', html).group(1)
    data = {
        "csrf_token": csrf_from(html),
        "client_id": client_id,
        "day": day(user, 1),
        "clock": "09:30",
        "route": "im",
    }
    assert logged_in.post("/treatments/new", data=data).status_code == 302
    assert logged_in.post("/treatments/new", data=data).status_code == 302
    assert len(stored(app)) == 1


def test_list_is_newest_first(logged_in, auth_api, user):
    """The list shows sessions newest first, with plans ahead at the top."""
    api_session(auth_api, user, 10, clinic="Oldest clinic")
    api_session(auth_api, user, 2, clinic="Recent clinic")
    api_session(auth_api, user, -5, clinic="Planned clinic", planned=True)
    html = logged_in.get("/treatments/").get_data(as_text=True)
    assert html.index("Planned clinic") < html.index("Recent clinic") < html.index("Oldest clinic")
    assert "planned" in html


def test_empty_list_invites_a_first_session(logged_in):
    """With no sessions the page says how to start."""
    html = logged_in.get("/treatments/").get_data(as_text=True)
    assert "No sessions yet" in html and "/treatments/new" in html


def test_show_has_details_reflections_and_nearby_checkins(logged_in, auth_api, user):
    """The session page has its details, its reflections, and check-ins from day -3 to +14."""
    session_id = api_session(
        auth_api,
        user,
        20,
        dose=56,
        dose_unit="mg",
        intention="Let go.",
        side_effects={"dissociation": 7, "headache": "moderate"},
        bp_after={"systolic": 150, "diastolic": 95},
    )
    for offset in (-4, -3, 0, 14, 15):
        auth_api.put(
            f"/api/v1/checkins/{new_id()}",
            {
                "instrument": "daily",
                "local_date": day(user, 20 - offset),
                "answers": [offset % 3] + [0] * 8,
                "mood": 5,
            },
        )
    auth_api.put(
        f"/api/v1/reflections/{new_id()}",
        {"local_date": day(user, 19), "treatment_id": session_id, "text": "Felt lighter."},
    )
    html = logged_in.get(f"/treatments/{session_id}").get_data(as_text=True)
    assert "56 mg" in html and "Let go." in html
    assert "Dissociation: 7 of 10" in html and "Headache: moderate" in html
    assert "150/95 mmHg" in html
    assert "Felt lighter." in html
    offsets = re.findall(r"<td>([+-]?\d+)</td>\s*<td><a href=\"/checkins/", html)
    assert offsets == ["-3", "0", "+14"]


def test_show_lists_follow_up_prompts(logged_in, auth_api, user):
    """A session a day ago: day 0 and day 1 are open, day 7 not yet."""
    session_id = api_session(auth_api, user, 1)
    html = logged_in.get(f"/treatments/{session_id}").get_data(as_text=True)
    assert html.count("Write it now") == 2
    assert "not yet" in html
    assert f"/reflections/new?session={session_id}&amp;prompt=day1" in html


def test_planned_session_has_no_prompts(logged_in, auth_api, user):
    """A plan is not followed by reflection prompts."""
    session_id = api_session(auth_api, user, -3, planned=True)
    html = logged_in.get(f"/treatments/{session_id}").get_data(as_text=True)
    assert "Write it now" not in html
    assert "has not happened yet" in html


def test_edit_form_is_filled_in_the_users_zone(logged_in, auth_api, user):
    """Editing shows the stored time on the user's wall clock and the stored values."""
    session_id = api_session(
        auth_api, user, 4, dose=0.5, dose_unit="mg/kg", side_effects={"nausea": "severe"}
    )
    html = logged_in.get(f"/treatments/{session_id}/edit").get_data(as_text=True)
    assert 'value="09:30"' in html
    assert f'value="{day(user, 4)}"' in html
    assert 'value="0.5"' in html
    assert '<option selected value="severe">' in html
    assert 'name="base_revision" value="1"' in html


def test_edit_saves_and_bumps_the_revision(app, logged_in, auth_api, user):
    """Saving the edit form updates the session."""
    session_id = api_session(auth_api, user, 4)
    data = form(
        logged_in,
        f"/treatments/{session_id}/edit",
        day=day(user, 4),
        clock="10:15",
        route="im",
        notes="Changed.",
        base_revision="1",
    )
    response = logged_in.post(f"/treatments/{session_id}/edit", data=data)
    assert response.status_code == 302
    [session] = stored(app)
    assert (session.route, session.notes, session.revision) == ("im", "Changed.", 2)
    local = session.started_at.astimezone(ZoneInfo(user.timezone))
    assert local.time() == time(10, 15)


def test_stale_edit_keeps_the_form_and_shows_the_saved_copy(app, logged_in, auth_api, user):
    """An edit based on an old revision is not saved; the typed notes stay in the form."""
    session_id = api_session(auth_api, user, 4)
    auth_api.put(
        f"/api/v1/treatments/{session_id}",
        {
            "started_at": datetime.combine(
                user_today(user) - timedelta(days=4), time(9, 30), tzinfo=ZoneInfo(user.timezone)
            ).isoformat(),
            "route": "iv",
            "notes": "Saved on the phone.",
            "base_revision": 1,
        },
    )
    data = form(
        logged_in,
        f"/treatments/{session_id}/edit",
        day=day(user, 4),
        notes="Typed on the laptop.",
        base_revision="1",
    )
    response = logged_in.post(f"/treatments/{session_id}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "changed elsewhere" in html
    assert "Typed on the laptop." in html and "Saved on the phone." in html
    assert 'name="base_revision" value="2"' in html
    assert stored(app)[0].notes == "Saved on the phone."


def test_delete_asks_first_and_says_reflections_are_kept(logged_in, auth_api, user):
    """The confirmation page says how many reflections will be kept."""
    session_id = api_session(auth_api, user, 1)
    for text in ("One.", "Two."):
        auth_api.put(
            f"/api/v1/reflections/{new_id()}",
            {"local_date": day(user, 0), "treatment_id": session_id, "text": text},
        )
    html = logged_in.get(f"/treatments/{session_id}/delete").get_data(as_text=True)
    assert "Its 2 reflections will be kept" in html


def test_delete_keeps_reflections_unlinked(app, logged_in, auth_api, user):
    """Deleting a session removes it and unlinks its reflections, which stay."""
    session_id = api_session(auth_api, user, 1)
    auth_api.put(
        f"/api/v1/reflections/{new_id()}",
        {"local_date": day(user, 0), "treatment_id": session_id, "text": "Keep me."},
    )
    token = csrf_from(logged_in.get(f"/treatments/{session_id}/delete").get_data(as_text=True))
    response = logged_in.post(f"/treatments/{session_id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert stored(app) == []
    with app.app_context():
        [reflection] = db.session.scalars(select(Reflection))
        assert (reflection.text, reflection.treatment_id) == ("Keep me.", None)
    follow = logged_in.get("/treatments/").get_data(as_text=True)
    assert "Its reflections (1) are kept." in follow


def test_malformed_id_in_a_page_url_is_404(logged_in):
    """A page URL with something other than a UUID is simply not found."""
    assert logged_in.get("/treatments/not-a-uuid").status_code == 404


def test_nav_links_to_sessions_reflections_and_timeline(logged_in):
    """Every page's navigation reaches the new areas."""
    html = logged_in.get("/treatments/").get_data(as_text=True)
    for path, name in (
        ("/treatments/", "Sessions"),
        ("/reflections/", "Reflections"),
        ("/timeline", "Timeline"),
    ):
        assert f'href="{path}"' in html and f">{name}</a>" in html
    assert 'href="/treatments/" aria-current="page"' in html
