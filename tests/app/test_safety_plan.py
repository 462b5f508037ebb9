"""The safety plan: its API contract, its page, the crisis box, export, shares and encryption."""

import json
import uuid

import pytest

from journal.extensions import db
from journal.records import user_today
from journal.safety.models import SafetyPlan
from tests.conftest import PASSWORD, csrf_from

PLAN = {
    "warning_signs": ["Not sleeping", "Staying in bed all day"],
    "coping": ["Walk round the block", "Cold water on my face", "Music, loud", "Tea"],
    "distractions": ["The library"],
    "helpers": [{"name": "Sam", "phone": "+1 (555) 010-0100"}, {"name": "Alex"}],
    "professionals": [{"name": "Dr. Rivera", "phone": "555 0199"}],
    "safe_environment": ["Pills at my sister's"],
    "reasons": ["My kids"],
}
EMPTY = {name: [] for name in PLAN}


def put(api, body, **kwargs):
    """PUT a plan body."""
    return api.put("/api/v1/safety-plan", body, **kwargs)


def test_before_a_plan_is_written_every_list_is_empty(auth_api):
    """GET gives empty lists and updated_at null before the first PUT."""
    response = auth_api.get("/api/v1/safety-plan")
    assert response.status_code == 200
    assert response.get_json() == {**EMPTY, "updated_at": None}


def test_put_stores_the_plan_and_get_returns_it(auth_api):
    """PUT answers 200 with the plan; GET returns the same, with when it changed."""
    response = put(auth_api, {**PLAN, "updated_at": "ignored"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["updated_at"] is not None
    assert {k: v for k, v in body.items() if k != "updated_at"} == PLAN
    assert auth_api.get("/api/v1/safety-plan").get_json() == body


def test_put_replaces_the_whole_plan(auth_api):
    """A list left out of a PUT is emptied (the body is the whole plan)."""
    assert put(auth_api, PLAN).status_code == 200
    body = put(auth_api, {"reasons": ["Spring"]}).get_json()
    assert body["reasons"] == ["Spring"] and body["coping"] == [] and body["helpers"] == []


def test_text_is_trimmed_and_200_characters_is_the_limit(auth_api):
    """Each entry is trimmed; 200 characters pass and 201 do not."""
    ok = put(auth_api, {"coping": ["  " + "a" * 200 + " "]})
    assert ok.status_code == 200 and ok.get_json()["coping"] == ["a" * 200]
    refused = put(auth_api, {"coping": ["ok", "a" * 201]})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"coping.1"}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"coping": ["x"] * 11}, "coping"),
        ({"reasons": [""]}, "reasons.0"),
        ({"reasons": ["   "]}, "reasons.0"),
        ({"warning_signs": [3]}, "warning_signs.0"),
        ({"warning_signs": "not a list"}, "warning_signs"),
        ({"helpers": [{"name": "Sam", "phone": "call me"}]}, "helpers.0.phone"),
        ({"helpers": [{"name": "Sam", "phone": "12"}]}, "helpers.0.phone"),
        ({"helpers": [{"name": "Sam", "phone": "1" * 31}]}, "helpers.0.phone"),
        ({"helpers": [{"name": "Sam"}, {"phone": "555 0100"}]}, "helpers.1.name"),
        ({"professionals": [{"name": "Dr. R", "email": "r@x"}]}, "professionals.0.email"),
        ({"professionals": ["Dr. Rivera"]}, "professionals.0"),
        ({"helpers": [{"name": "x" * 201}]}, "helpers.0.name"),
        ({"distractions": ["ok\x00"]}, "distractions.0"),
    ],
)
def test_a_broken_rule_is_a_422_naming_the_field_path(auth_api, body, path):
    """Every refusal names where: a list, an entry, or a contact's part."""
    response = put(auth_api, body)
    assert response.status_code == 422
    assert path in response.get_json()["error"]["fields"]
    # Nothing was written.
    assert auth_api.get("/api/v1/safety-plan").get_json()["updated_at"] is None


@pytest.mark.parametrize("phone", ["555", "+44 (0)20 7946-0958", "1" * 30, " 911 "])
def test_phone_numbers_people_write_are_accepted(auth_api, phone):
    """Digits, spaces and + ( ) - from 3 to 30 characters (trimmed) are a phone number."""
    response = put(auth_api, {"helpers": [{"name": "Sam", "phone": phone}]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["helpers"] == [{"name": "Sam", "phone": phone.strip()}]


def test_ten_entries_in_every_list_fit(auth_api):
    """Ten entries per list is the limit, not one below it."""
    body = {name: [f"{name} {n}" for n in range(10)] for name in PLAN}
    for name in ("helpers", "professionals"):
        body[name] = [{"name": f"P{n}", "phone": f"555 01{n:02}"} for n in range(10)]
    assert put(auth_api, body).status_code == 200


def test_anonymous_is_401_and_a_put_needs_csrf(api, auth_api, client):
    """No plan without signing in; an unsafe request without the CSRF header is refused."""
    assert put(auth_api, PLAN, csrf=False).status_code == 400
    assert auth_api.get("/api/v1/safety-plan").get_json()["updated_at"] is None
    client.post("/api/v1/auth/logout", headers={"X-CSRFToken": auth_api.token})
    assert api.get("/api/v1/safety-plan").status_code == 401
    assert put(api, PLAN).status_code in (400, 401)


def test_one_person_never_sees_another_persons_plan(auth_api, other_api):
    """Each person reads and writes only their own plan."""
    assert put(auth_api, PLAN).status_code == 200
    assert other_api.get("/api/v1/safety-plan").get_json()["coping"] == []
    assert put(other_api, {"coping": ["Theirs"]}).status_code == 200
    assert auth_api.get("/api/v1/safety-plan").get_json()["coping"] == PLAN["coping"]


def test_the_plan_is_in_the_openapi_document(api):
    """Both operations are documented, with the 422 and 401 they can answer."""
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    operations = paths["/api/v1/safety-plan"]
    assert {"get", "put"} <= set(operations)
    assert {"401", "422"} <= set(operations["put"]["responses"])


# --- the page ----------------------------------------------------------------------------


def page_form(client) -> tuple[str, str]:
    """Return the plan page and its CSRF token."""
    html = client.get("/safety-plan").get_data(as_text=True)
    return html, csrf_from(html)


def test_the_page_saves_added_entries_and_removes_one(logged_in, auth_api):
    """Typing into the blank rows adds entries; a Remove button drops that one; no JS needed."""
    html, token = page_form(logged_in)
    assert 'name="coping-0"' in html and 'name="helpers-0-phone"' in html
    form = {"csrf_token": token, "coping-0": "Walk", "helpers-0-name": "Sam", "helpers-0-phone": ""}
    response = logged_in.post("/safety-plan", data=form)
    assert response.status_code == 302
    plan = auth_api.get("/api/v1/safety-plan").get_json()
    assert plan["coping"] == ["Walk"] and plan["helpers"] == [{"name": "Sam"}]
    html, token = page_form(logged_in)
    assert 'value="Walk"' in html and 'name="coping-1"' in html  # a new blank row
    form = {"csrf_token": token, "coping-0": "Walk", "coping-1": "Tea", "remove": "coping-0"}
    assert logged_in.post("/safety-plan", data=form).status_code == 302
    assert auth_api.get("/api/v1/safety-plan").get_json()["coping"] == ["Tea"]


def test_the_page_shows_each_fault_beside_its_entry(logged_in, auth_api):
    """A bad phone is a 422 page with the message by that field and the typed text kept."""
    _html, token = page_form(logged_in)
    form = {"csrf_token": token, "helpers-0-name": "Sam", "helpers-0-phone": "call me"}
    response = logged_in.post("/safety-plan", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="helpers-0-phone-errors"' in html and 'value="call me"' in html
    assert 'aria-invalid="true"' in html
    assert auth_api.get("/api/v1/safety-plan").get_json()["updated_at"] is None


def test_the_page_escapes_what_the_person_wrote(logged_in, auth_api):
    """Text from the plan is escaped on the page and in the crisis box."""
    put(auth_api, {"coping": ["<script>alert(1)</script>"], "helpers": [{"name": "<b>x</b>"}]})
    for path in ("/safety-plan", "/checkins/new?instrument=phq9"):
        html = logged_in.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
        assert "<b>x</b>" not in html


def test_the_page_needs_csrf_and_sign_in(client, logged_in):
    """A post without its token is refused; signed out, the page sends you to sign in."""
    assert logged_in.post("/safety-plan", data={"coping-0": "x"}).status_code == 400
    logged_in.post("/auth/logout", data={"csrf_token": page_form(logged_in)[1]})
    assert client.get("/safety-plan").status_code == 302


def test_the_plan_page_is_kept_for_offline_use(logged_in):
    """The worker's list of pages to keep includes /safety-plan."""
    body = logged_in.get("/sw.js").get_data(as_text=True)
    assert '"/safety-plan"' in body


# --- the crisis box ----------------------------------------------------------------------


def crisis_box(html: str) -> str:
    """Return the crisis section of a page."""
    start = html.index('<section class="crisis"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("path", ["/checkins/new", "/checkins/new?instrument=phq9"])
def test_with_a_plan_the_crisis_box_shows_steps_and_helpers_above_the_lines(
    logged_in, auth_api, path
):
    """First three coping entries, every helper as a tel: link, before the crisis lines."""
    put(auth_api, PLAN)
    box = crisis_box(logged_in.get(path).get_data(as_text=True))
    assert "data-safety-plan" in box
    assert box.index("data-safety-plan") < box.index('class="crisis-list"')
    assert 'href="tel:+15550100100"' in box and ">Call Sam<" in box.replace(
        '<span class="phone">', "<"
    )
    assert "Alex" in box  # a helper without a phone is still named
    assert "Music, loud" in box and "Tea" not in box  # the first three steps only
    assert "988" in box  # the US lines are still there
    assert 'class="crisis-plan-invite" hidden' in box


def test_without_a_plan_the_lines_come_first_then_an_invitation(logged_in):
    """No plan: no plan block, and one sentence after the lines linking to /safety-plan."""
    box = crisis_box(logged_in.get("/checkins/new?instrument=phq9").get_data(as_text=True))
    assert "data-safety-plan" not in box
    invite = box.index("crisis-plan-invite")
    assert box.index('class="crisis-list"') < invite
    assert 'href="/safety-plan"' in box[invite:]
    assert 'class="crisis-plan-invite" hidden' not in box


def test_the_result_page_shows_the_plan_with_the_lines(logged_in, auth_api, user):
    """A saved PHQ-9 with item 9 above 0 shows the plan in its crisis box."""
    put(auth_api, PLAN)
    client_id = str(uuid.uuid4())
    body = {"instrument": "phq9", "local_date": user_today_iso(logged_in), "answers": [0] * 8 + [1]}
    assert auth_api.put(f"/api/v1/checkins/{client_id}", body).status_code == 201
    html = logged_in.get(f"/checkins/{client_id}").get_data(as_text=True)
    box = crisis_box(html)
    assert "data-safety-plan" in box and "tel:+15550100100" in box and "988" in box


def user_today_iso(client) -> str:
    """Return the signed-in user's today (Chicago) as ISO text."""
    with client.application.app_context():
        from journal.models import User

        user = db.session.scalar(db.select(User).limit(1))
        return user_today(user).isoformat()


# --- export, import, deletion ------------------------------------------------------------


def test_the_plan_goes_in_the_export_and_comes_back_on_import(
    app, logged_in, auth_api, runner, make_user, tmp_path
):
    """The JSON export carries the plan; `flask import-json` restores it into a new account."""
    put(auth_api, PLAN)
    document = json.loads(logged_in.get("/export/data.json").get_data(as_text=True))
    assert {k: v for k, v in document["safety_plan"].items() if k != "updated_at"} == PLAN
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    target = make_user("new@example.com")
    result = runner.invoke(args=["import-json", str(path), "--email", target.email])
    assert result.exit_code == 0, result.output
    assert "the safety plan" in result.output
    with app.app_context():
        restored = db.session.get(SafetyPlan, target.id)
        assert restored.helpers == PLAN["helpers"]
        assert restored.updated_at.isoformat() == document["safety_plan"]["updated_at"]


def test_an_import_with_a_bad_plan_names_its_place(
    auth_api, logged_in, runner, make_user, tmp_path
):
    """A plan that breaks a rule is refused with its path in the file; nothing is written."""
    document = json.loads(logged_in.get("/export/data.json").get_data(as_text=True))
    assert document["safety_plan"]["updated_at"] is None
    document["safety_plan"]["helpers"] = [{"name": "Sam", "phone": "nope"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    target = make_user("bad@example.com")
    result = runner.invoke(args=["import-json", str(path), "--email", target.email])
    assert result.exit_code != 0 and "safety_plan.helpers.0.phone" in result.output


def test_the_plan_goes_with_the_account(app, logged_in, auth_api, user):
    """Deleting the account deletes the plan."""
    put(auth_api, PLAN)
    response = auth_api.request("DELETE", "/api/v1/me", {"password": PASSWORD})
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SafetyPlan, user.id) is None


# --- shares and the report ---------------------------------------------------------------


@pytest.mark.parametrize("include", [False, True])
def test_a_share_shows_the_plan_only_when_asked(client, auth_api, include):
    """Without include_safety_plan a share says a plan exists and when; with it, the plan."""
    put(auth_api, PLAN)
    created = auth_api.post("/api/v1/shares", {"include_safety_plan": include})
    assert created.status_code == 201 and created.get_json()["include_safety_plan"] is include
    html = client.get(created.get_json()["url"]).get_data(as_text=True)
    assert "data-report-safety-plan" in html and "has a safety plan, last changed" in html
    assert ("Walk round the block" in html) is include
    assert ("Dr. Rivera · 555 0199" in html) is include
    listed = auth_api.get("/api/v1/shares").get_json()["items"][0]
    assert listed["include_safety_plan"] is include


def test_a_share_without_a_plan_says_so(client, auth_api):
    """No plan: the share view says none is recorded."""
    created = auth_api.post("/api/v1/shares", {"include_safety_plan": True}).get_json()
    assert "No safety plan is recorded" in client.get(created["url"]).get_data(as_text=True)


def test_include_safety_plan_must_be_a_boolean(auth_api):
    """A share's switch is true or false, named in the 422."""
    response = auth_api.post("/api/v1/shares", {"include_safety_plan": "maybe"})
    assert response.status_code == 422
    assert "include_safety_plan" in response.get_json()["error"]["fields"]


def test_the_share_form_has_the_switch(logged_in, auth_api):
    """The page's form makes a link with the plan when ticked."""
    put(auth_api, PLAN)
    token = csrf_from(logged_in.get("/shares/").get_data(as_text=True))
    data = {"csrf_token": token, "start": "2026-01-01", "end": "2026-01-31"}
    data |= {"expires_in_days": "14", "include_safety_plan": "y"}
    response = logged_in.post("/shares/", data=data)
    assert response.status_code in (200, 201, 302)
    assert auth_api.get("/api/v1/shares").get_json()["items"][0]["include_safety_plan"] is True


def test_the_report_says_a_plan_exists_never_its_content(logged_in, auth_api):
    """The report (HTML and PDF source) names the plan's existence and date only."""
    put(auth_api, PLAN)
    html = logged_in.get("/export/report").get_data(as_text=True)
    assert "has a safety plan, last changed" in html and "Walk round the block" not in html
