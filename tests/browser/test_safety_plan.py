"""The safety plan in the crisis box at 390 x 844, online and offline; session day on Today."""

import datetime as dt
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from journal.extensions import db
from journal.models import TreatmentSession

from .harness import MOBILE, answer, axe_violations, signup
from .pwa_support import go_offline, wait_for_worker, wait_until, wait_until_warm

HELPER = ("Sam", "+1 (555) 010-0100", "tel:+15550100100")
STEP = "Walk round the block"


def write_plan(page: Page) -> None:
    """Write a plan through the page, the way a person does (no API)."""
    page.goto("/safety-plan")
    page.get_by_label("Things I can do on my own: new entry").fill(STEP)
    page.locator("#helpers-0-name").fill(HELPER[0])
    page.locator("#helpers-0-phone").fill(HELPER[1])
    page.get_by_role("button", name="Save my plan", exact=True).last.click()
    expect(page.get_by_text("Your plan is saved.")).to_be_visible()
    expect(page.locator("#coping-0")).to_have_value(STEP)


def in_first_screen(page: Page, locator) -> bool:
    """Tell whether an element lies wholly inside the 390 x 844 viewport as it is scrolled."""
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= MOBILE["height"]


def assert_plan_and_lines_together(page: Page) -> None:
    """The helper is a tel: link above the lines, and both are on the first screen."""
    crisis = page.locator("#crisis")
    expect(crisis).to_be_visible()
    helper = crisis.locator("[data-safety-plan] a[href^='tel:']").first
    expect(helper).to_have_attribute("href", HELPER[2])
    expect(helper).to_contain_text(f"Call {HELPER[0]}")
    expect(crisis.locator("[data-safety-plan]")).to_contain_text(STEP)
    first_line = crisis.locator(".crisis-list a").first
    expect(first_line).to_be_visible()
    assert helper.bounding_box()["y"] < first_line.bounding_box()["y"]
    assert in_first_screen(page, helper), helper.bounding_box()
    assert in_first_screen(page, first_line), first_line.bounding_box()
    expect(crisis.locator(".crisis-list")).to_contain_text("988")


@pytest.mark.parametrize(
    ("path", "item9"),
    [("/checkins/new", "A little"), ("/checkins/new?instrument=phq9", "Several days")],
)
def test_item9_shows_the_plan_and_the_lines_online(page: Page, path, item9):
    """Answering item 9 above 0 shows the helper's tel: link and the lines on one screen."""
    signup(page)
    write_plan(page)
    page.goto(path)
    expect(page.locator("#crisis")).to_be_hidden()
    answer(page, 9, item9)
    assert_plan_and_lines_together(page)


def test_item9_shows_the_current_plan_offline(context, page: Page):
    """A form stored before the plan was written still shows the plan offline (cached JSON)."""
    signup(page)
    wait_for_worker(page)
    wait_until_warm(page, ("/checkins/new",))
    write_plan(page)
    # The plan page fetched the plan through the worker: its stored copy is the new one.
    wait_until(
        page,
        """async (step) => {
          for (const name of (await caches.keys()).filter((n) => n.startsWith('mj-data-'))) {
            const hit = await (await caches.open(name)).match('/api/v1/safety-plan');
            if (hit && (await hit.text()).includes(step)) return true;
          }
          return false;
        }""",
        STEP,
    )
    go_offline(context, page)
    page.goto("/checkins/new")
    answer(page, 9, "A little")
    assert_plan_and_lines_together(page)


def test_without_a_plan_the_lines_come_first_and_invite_a_plan(page: Page):
    """No plan: the lines, then one sentence linking to /safety-plan."""
    signup(page)
    page.goto("/checkins/new")
    answer(page, 9, "A little")
    crisis = page.locator("#crisis")
    expect(crisis.locator("[data-safety-plan]")).to_have_count(0)
    invite = crisis.locator(".crisis-plan-invite")
    expect(invite).to_be_visible()
    expect(invite.get_by_role("link", name="a safety plan")).to_have_attribute(
        "href", "/safety-plan"
    )
    assert in_first_screen(page, crisis.locator(".crisis-list a").first)


def put_session(page: Page, hours: float) -> str:
    """Plan or log a session `hours` from now through the API; return its client id."""
    token = page.request.get("/api/v1/csrf").json()["csrf_token"]
    client_id = str(uuid.uuid4())
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()
    body = {
        "started_at": start,
        "route": "intranasal",
        "medication": "esketamine",
        "planned": hours > 0,
    }
    response = page.request.put(
        f"/api/v1/treatments/{client_id}", data=body, headers={"X-CSRFToken": token}
    )
    assert response.status == 201, response.text()
    return client_id


def test_session_day_card_for_a_session_tomorrow(page: Page):
    """Today shows the checklist, ticks stay ticked, the ride home becomes a tel: link."""
    signup(page)
    put_session(page, 20)
    page.goto("/")
    card = page.locator("[data-session-day]")
    expect(card).to_be_visible()
    expect(card).to_contain_text("No driving until tomorrow")
    expect(card.get_by_label("Plan a quiet rest of the day")).not_to_be_checked()
    card.get_by_label("Plan a quiet rest of the day").check()
    card.get_by_label("Name", exact=True).fill("Sam")
    card.get_by_label("Phone", exact=True).fill("+1 555 0100")
    card.get_by_role("button", name="Save checklist").click()
    card = page.locator("[data-session-day]")
    expect(card.get_by_label("Plan a quiet rest of the day")).to_be_checked()
    expect(card.get_by_role("link", name="Call Sam")).to_have_attribute("href", "tel:+15550100")


def test_follow_up_is_saved_on_the_session(page: Page, live_server):
    """Ten hours after a session, three answers on Today are stored in its follow_up."""
    signup(page)
    client_id = put_session(page, -10)
    page.goto("/")
    card = page.locator("[data-session-follow-up]")
    expect(card).to_be_visible()
    card.get_by_label("Hours of sleep last night").fill("7.5")
    card.get_by_role("group", name="How detached or unreal").get_by_label("2", exact=True).check()
    card.get_by_role("group", name="Your mood now").get_by_label("6", exact=True).check()
    card.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved on your session")).to_be_visible()
    expect(page.locator("[data-session-follow-up]")).to_have_count(0)
    with live_server.app.app_context():
        row = db.session.scalar(
            select(TreatmentSession).where(TreatmentSession.client_id == uuid.UUID(client_id))
        )
        assert row.follow_up == {"sleep_hours": 7.5, "dissociation": 2, "mood": 6}
        db.session.remove()


@pytest.mark.parametrize("include", [False, True])
def test_share_shows_the_plan_only_when_ticked(make_page, include):
    """The share form's switch decides whether the therapist sees the plan's words."""
    page = make_page()
    signup(page)
    write_plan(page)
    page.goto("/shares/")
    if include:
        page.get_by_label("Include my safety plan").check()
    page.get_by_role("button", name="Make link").click()
    url = page.locator("#share-url").input_value()
    viewer = make_page()
    viewer.goto(url)
    expect(viewer.locator("[data-report-safety-plan]")).to_contain_text(
        "has a safety plan, last changed"
    )
    plan = viewer.locator(".report-safety-plan")
    if include:
        expect(plan).to_contain_text(STEP)
    else:
        expect(plan).to_have_count(0)
        expect(viewer.locator("main")).not_to_contain_text(STEP)


def test_the_cards_and_the_crisis_box_with_a_plan_pass_axe(make_page):
    """No serious or critical axe findings on Today with both cards, or on a revealed crisis box."""
    page = make_page(bypass_csp=True)
    signup(page)
    write_plan(page)
    put_session(page, 20)
    put_session(page, -10)
    page.goto("/")
    expect(page.locator("[data-session-day]")).to_be_visible()
    expect(page.locator("[data-session-follow-up]")).to_be_visible()
    found = axe_violations(page)
    assert not found, found.message
    page.goto("/checkins/new")
    answer(page, 9, "A little")
    expect(page.locator("#crisis [data-safety-plan]")).to_be_visible()
    found = axe_violations(page)
    assert not found, found.message
