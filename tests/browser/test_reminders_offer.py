"""Today's "Reminders are off" card in Chromium: one tap asks for permission and subscribes;
blocked notifications leave e-mail as the offer.

Headless Chromium has no push service to subscribe with, so the page's PushManager.subscribe is
replaced by one that answers like a real browser (an FCM endpoint and keys); what the card does
with it, and what the server stores, are real. tests/app/test_push.py covers delivery.
"""

import base64
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from journal.extensions import db
from journal.models import User
from journal.reminders.models import PushSubscription, ReminderPreference
from tests.smtp import running_smtp, smtp_config

from .harness import DESKTOP, MOBILE, signup
from .pwa_support import wait_for_worker

KEY = base64.urlsafe_b64encode(b"k" * 65).decode().rstrip("=")
AUTH = base64.urlsafe_b64encode(b"a" * 16).decode().rstrip("=")
FAKE_SUBSCRIBE = f"""
  PushManager.prototype.subscribe = async function () {{
    const subscription = {{
      endpoint: 'https://fcm.googleapis.com/fcm/send/test-' + Math.random().toString(36).slice(2),
      toJSON() {{
        return {{ endpoint: this.endpoint, keys: {{ p256dh: '{KEY}', auth: '{AUTH}' }} }};
      }},
      unsubscribe: async () => true,
    }};
    return subscription;
  }};
"""


@contextmanager
def mail_ready(live_server):
    """Let the live server send e-mail (to a local SMTP server), so the card offers it.

    Turned on after sign-up: with mail, registration first asks to confirm the address.
    """
    config = live_server.app.config
    with running_smtp() as (port, _inbox):
        settings = {**smtp_config(port), "JOURNAL_BASE_URL": live_server.url}
        saved = {k: config.get(k) for k in settings}
        config.update(settings)
        yield
        config.update(saved)


def reminder_state(app, email: str) -> tuple[bool, bool, int]:
    """Return (push on, e-mail on, subscriptions) for the account with this email."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        pref = db.session.get(ReminderPreference, user.id)
        query = select(PushSubscription).where(PushSubscription.user_id == user.id)
        count = len(db.session.scalars(query).all())
        return (bool(pref and pref.push), bool(pref and pref.email), count)


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390", "1280"])
def test_one_tap_turns_notifications_on(make_page, live_server, viewport):
    """Permission granted: the tap subscribes this device, the card says so; next load no card."""
    page = make_page(viewport)
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(FAKE_SUBSCRIBE)
    email = signup(page)
    wait_for_worker(page)
    with mail_ready(live_server):
        page.reload()
    card = page.locator("[data-reminders-off]")
    expect(card.get_by_role("heading")).to_have_text("Reminders are off")
    button = card.get_by_role("button", name="Turn on notifications")
    expect(button).to_be_visible()
    expect(card.get_by_role("button", name="Turn on e-mail reminders")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    button.click()
    expect(card.get_by_role("status")).to_have_text("Notifications are on for this device.")
    expect(card.get_by_role("heading")).to_have_text("Reminders are on")
    expect(button).to_be_hidden()
    assert reminder_state(live_server.app, email) == (True, False, 1)
    page.reload()
    expect(page.locator("[data-reminders-off]")).to_have_count(0)


def test_blocked_notifications_leave_email_as_the_one_tap(make_page, live_server):
    """Notifications denied: no notification button; the e-mail button turns e-mail on."""
    page = make_page(MOBILE)
    # As a person who blocked the site (the browser then never asks again).
    page.add_init_script(
        "Object.defineProperty(Notification, 'permission', { get: () => 'denied' });"
    )
    email = signup(page)
    card = page.locator("[data-reminders-off]")
    with mail_ready(live_server):
        page.reload()
        expect(card.get_by_role("status")).to_contain_text("Notifications are blocked")
        expect(card.get_by_role("button", name="Turn on notifications")).to_be_hidden()
        card.get_by_role("button", name="Turn on e-mail reminders").click()
    expect(page.locator(".flashes")).to_contain_text("E-mail reminders are on")
    expect(page.locator("[data-reminders-off]")).to_have_count(0)
    assert reminder_state(live_server.app, email) == (False, True, 0)
