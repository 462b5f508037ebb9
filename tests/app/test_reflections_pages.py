"""Reflection pages: guided writing after a session, privacy default, edit conflicts, delete."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Reflection
from journal.records import user_today
from tests.conftest import csrf_from, new_id


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


def api_reflection(api, user, days_ago: int = 0, **fields) -> str:
    """Write a reflection through the API and return its client id."""
    client_id = new_id()
    sent = {"local_date": day(user, days_ago), "text": "Written.", **fields}
    response = api.put(f"/api/v1/reflections/{client_id}", sent)
    assert response.status_code == 201, response.get_json()
    return client_id


def stored(app) -> list[Reflection]:
    """Return every stored reflection."""
    with app.app_context():
        return list(db.session.scalars(select(Reflection)))


def form(client, url: str, **fields) -> dict:
    """Return a reflection form with a fresh CSRF token from `url`."""
    token = csrf_from(client.get(url).get_data(as_text=True))
    return {"csrf_token": token, **fields}


def test_new_from_a_prompt_names_the_session_and_preselects_it(logged_in, auth_api, user):
    """/reflections/new?session=...&prompt=day1 is guided and linked; sharing is off."""
    session_id = api_session(auth_api, user, 1)
    html = logged_in.get(f"/reflections/new?session={session_id}&prompt=day1").get_data(
        as_text=True
    )
    assert "The day after your IV infusion session" in html
    assert f'<option selected value="{session_id}">' in html
    assert f'value="{user_today(user).isoformat()}"' in html
    for question in (
        "What came up?",
        "What did you notice in your body?",
        "One action I will take",
    ):
        assert question in html
    share = re.search(r'<input[^>]*name="share"[^>]*>', html).group(0)
    assert "checked" not in share
    assert "Include when sharing with my therapist" in html


@pytest.mark.parametrize(
    ("prompt", "lead"),
    [("day0", "On the day of your"), ("day1", "The day after your"), ("day7", "A week after your")],
)
def test_each_prompt_names_its_day_rightly(logged_in, auth_api, user, prompt, lead):
    """Day 0 is the day of the session, never "the day after" it."""
    session_id = api_session(auth_api, user, 1)
    url = f"/reflections/new?session={session_id}&prompt={prompt}"
    html = logged_in.get(url).get_data(as_text=True)
    assert f"{lead} IV infusion session of" in html
    assert "On the day after" not in html


def test_writing_a_reflection(app, logged_in, auth_api, user):
    """The form saves prompts, text and normalised tags, linked to the session, private."""
    session_id = api_session(auth_api, user, 1)
    url = f"/reflections/new?session={session_id}&prompt=day0"
    data = form(
        logged_in,
        url,
        local_date=day(user, 0),
        session=session_id,
        came_up="Old memories.",
        action="Walk tomorrow.",
        text="",
        tags="Sleep, family,, SLEEP ",
    )
    response = logged_in.post(url, data=data)
    assert response.status_code == 302
    [reflection] = stored(app)
    assert reflection.prompts == {"came_up": "Old memories.", "action": "Walk tomorrow."}
    assert reflection.text is None
    assert reflection.tags == ["sleep", "family"]
    assert reflection.share is False
    assert reflection.treatment_id is not None
    assert response.headers["Location"].endswith(f"/reflections/{reflection.client_id}")


def test_sharing_is_opt_in(app, logged_in, user):
    """Ticking the box includes the reflection when sharing."""
    data = form(logged_in, "/reflections/new", local_date=day(user, 0), text="Hi.", share="y")
    assert logged_in.post("/reflections/new", data=data).status_code == 302
    assert stored(app)[0].share is True


def test_an_empty_reflection_is_refused(app, logged_in, user):
    """Something must be written."""
    data = form(logged_in, "/reflections/new", local_date=day(user, 0), tags="x")
    response = logged_in.post("/reflections/new", data=data)
    assert response.status_code == 422
    assert "Write something" in response.get_data(as_text=True)
    assert stored(app) == []


def test_bad_tags_and_future_dates_show_messages(logged_in, user):
    """Rule messages appear next to their fields."""
    data = form(logged_in, "/reflections/new", local_date=day(user, -1), text="Hi.", tags="x" * 41)
    html = logged_in.post("/reflections/new", data=data).get_data(as_text=True)
    assert "after today" in html and "1 to 40 characters" in html


def test_new_for_another_users_session_is_404(logged_in, other_api, user):
    """The session in the URL must be the user's own."""
    theirs = api_session(other_api, user, 1)
    assert logged_in.get(f"/reflections/new?session={theirs}").status_code == 404
    assert logged_in.get("/reflections/new?session=junk").status_code == 404


def test_posting_another_users_session_id_is_no_such_session(app, logged_in, other_api, user):
    """A tampered session field is refused as "No such session."."""
    theirs = api_session(other_api, user, 1)
    data = form(logged_in, "/reflections/new", local_date=day(user, 0), text="Hi.", session=theirs)
    response = logged_in.post("/reflections/new", data=data)
    assert response.status_code == 422
    assert "No such session." in response.get_data(as_text=True)
    assert stored(app) == []


def test_list_is_newest_first(logged_in, auth_api, user):
    """The list shows reflections newest first, with their session and sharing state."""
    session_id = api_session(auth_api, user, 10)
    api_reflection(auth_api, user, 9, text="Older words.", treatment_id=session_id)
    api_reflection(auth_api, user, 1, text="Newer words.", share=True, tags=["calm"])
    html = logged_in.get("/reflections/").get_data(as_text=True)
    assert html.index("Newer words.") < html.index("Older words.")
    assert "about the IV infusion session" in html
    assert "shared with therapist" in html and "calm" in html


def test_list_shows_a_prompt_when_there_is_no_free_text(logged_in, auth_api, user):
    """A reflection of prompts only is shown by its first answer."""
    api_reflection(auth_api, user, 0, text=None, prompts={"insight": "Less fear."})
    assert "Less fear." in logged_in.get("/reflections/").get_data(as_text=True)


def test_show_has_prompts_text_tags_and_privacy(logged_in, auth_api, user):
    """The reflection page shows what was written and whether it is shared."""
    session_id = api_session(auth_api, user, 2)
    client_id = api_reflection(
        auth_api,
        user,
        0,
        treatment_id=session_id,
        prompts={"feelings": "Relief."},
        text="Long text.",
        tags=["work"],
    )
    html = logged_in.get(f"/reflections/{client_id}").get_data(as_text=True)
    assert "What feelings were there?" in html and "Relief." in html
    assert "Long text." in html and "work" in html
    assert "Private: not included when sharing." in html
    assert f"/treatments/{session_id}" in html


def test_edit_keeps_an_old_session_link(app, logged_in, auth_api, user):
    """Editing a reflection linked to a session keeps the link selected."""
    session_id = api_session(auth_api, user, 2)
    client_id = api_reflection(auth_api, user, 0, treatment_id=session_id)
    html = logged_in.get(f"/reflections/{client_id}/edit").get_data(as_text=True)
    assert f'<option selected value="{session_id}">' in html
    data = form(
        logged_in,
        f"/reflections/{client_id}/edit",
        local_date=day(user, 0),
        session=session_id,
        text="Edited.",
        base_revision="1",
    )
    assert logged_in.post(f"/reflections/{client_id}/edit", data=data).status_code == 302
    [reflection] = stored(app)
    assert (reflection.text, reflection.revision) == ("Edited.", 2)
    assert reflection.treatment_id is not None


def test_stale_edit_never_loses_either_text(app, logged_in, auth_api, user):
    """A conflicting edit keeps the typed words in the form and shows the saved ones."""
    client_id = api_reflection(auth_api, user, 0, text="First draft.")
    auth_api.put(
        f"/api/v1/reflections/{client_id}",
        {"local_date": day(user, 0), "text": "Written on the phone.", "base_revision": 1},
    )
    data = form(
        logged_in,
        f"/reflections/{client_id}/edit",
        local_date=day(user, 0),
        text="Written on the laptop.",
        base_revision="1",
    )
    response = logged_in.post(f"/reflections/{client_id}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Written on the laptop." in html and "Written on the phone." in html
    assert 'name="base_revision" value="2"' in html
    # Saving again on purpose now keeps the laptop's words.
    data["base_revision"] = "2"
    data["csrf_token"] = csrf_from(html)
    assert logged_in.post(f"/reflections/{client_id}/edit", data=data).status_code == 302
    assert stored(app)[0].text == "Written on the laptop."


def test_delete_asks_then_deletes(app, logged_in, auth_api, user):
    """Delete has a confirmation page, then removes the reflection."""
    client_id = api_reflection(auth_api, user)
    html = logged_in.get(f"/reflections/{client_id}/delete").get_data(as_text=True)
    assert "cannot be undone" in html
    response = logged_in.post(
        f"/reflections/{client_id}/delete", data={"csrf_token": csrf_from(html)}
    )
    assert response.status_code == 302
    assert stored(app) == []


def test_delete_without_csrf_is_400(app, logged_in, auth_api, user):
    """The delete form needs its CSRF token."""
    client_id = api_reflection(auth_api, user)
    assert logged_in.post(f"/reflections/{client_id}/delete").status_code == 400
    assert len(stored(app)) == 1
