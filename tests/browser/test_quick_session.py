"""The quick session log at 390 x 844: from Today to a saved session in at most three taps."""

import datetime as dt
import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from journal.extensions import db
from journal.models import TreatmentSession, User

from .harness import on_path, signup
from .pwa_support import (
    go_offline,
    queued,
    saved_notice,
    wait_for_empty_queue,
    wait_for_worker,
    wait_until,
)
from .test_daily_loop import Taps

# True once the worker's stored copy of Today carries the one-tap session form.
TODAY_STORED_WITH_QUICK_LOG_JS = """async () => {
  for (const name of (await caches.keys()).filter((n) => n.startsWith('mj-pages-'))) {
    const hit = await (await caches.open(name)).match('/', { ignoreVary: true });
    if (hit && (await hit.text()).includes('data-record-kind="treatment"')) return true;
  }
  return false;
}"""


def sessions(app, email: str) -> list[TreatmentSession]:
    """Return the person's sessions, oldest first, straight from the database."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        query = select(TreatmentSession).where(TreatmentSession.user_id == user.id)
        found = list(db.session.scalars(query.order_by(TreatmentSession.started_at)))
        db.session.remove()
        return found


def log_first_session(page: Page) -> dt.date:
    """Log yesterday's esketamine session through the full form (the link Today offers first)."""
    page.get_by_role("link", name="full session form").click()
    page.wait_for_url(on_path("/treatments/new"))
    today = dt.date.fromisoformat(page.locator("input[name='day']").input_value())
    page.locator("input[name='day']").fill((today - dt.timedelta(days=1)).isoformat())
    page.locator("label.choice:has(input[name='medication'][value='esketamine'])").click()
    page.locator("label.choice:has(input[name='route'][value='intranasal'])").click()
    page.get_by_label("Dose (optional)").fill("84")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url(re.compile(r"/treatments/[0-9a-f-]{36}$"))
    return today


def test_todays_session_in_at_most_three_taps_from_today(page: Page, live_server):
    email = signup(page)
    today = log_first_session(page)
    page.get_by_role("link", name="Today", exact=True).click()
    page.wait_for_url(on_path("/"))
    quick = page.locator("form.quick-session")
    expect(quick).to_contain_text("Log today's session: Esketamine · Intranasal 84 mg")
    taps = Taps(page)

    taps.tap(quick.get_by_role("button", name="Save session"))

    page.wait_for_url(re.compile(r"/treatments/[0-9a-f-]{36}$"))
    expect(page.locator("main")).to_contain_text("Esketamine")
    assert taps.count <= 3
    print(f"\nquick session log: {taps.count} tap(s) from Today")
    first, second = sessions(live_server.app, email)
    assert second.local_date == today
    assert (second.medication, second.route, second.dose, second.dose_unit) == (
        first.medication,
        first.route,
        84,
        "mg",
    )
    page.get_by_role("link", name="Today", exact=True).click()
    expect(page.locator("form.quick-session")).to_have_count(0)


def test_offline_the_quick_log_waits_on_the_device_and_is_sent_later(page: Page, live_server):
    email = signup(page)
    today = log_first_session(page)
    wait_for_worker(page)
    page.goto("/")
    wait_until(page, TODAY_STORED_WITH_QUICK_LOG_JS, timeout=30_000)
    go_offline(page.context, page)
    page.reload()

    page.locator("form.quick-session").get_by_role("button", name="Save session").click()

    expect(saved_notice(page)).to_contain_text("Saved on this device")
    # Logged once: the button is spent, so a second tap cannot queue a second session.
    expect(
        page.locator("form.quick-session").get_by_role("button", name="Save session")
    ).to_be_disabled()
    [intent] = queued(page)
    assert intent["kind"] == "treatment"
    payload = intent["payload"]
    assert payload["started_at"].startswith(today.isoformat())
    assert (payload["medication"], payload["route"], payload["dose"]) == (
        "esketamine",
        "intranasal",
        84,
    )
    assert len(sessions(live_server.app, email)) == 1

    page.context.set_offline(False)  # the page's `online` event starts the upload
    wait_for_empty_queue(page)
    assert sessions(live_server.app, email)[-1].local_date == today
