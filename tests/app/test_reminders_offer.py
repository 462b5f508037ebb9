"""Today's "Reminders are off" card: shown while reminders are off; e-mail on in one POST."""

from datetime import time

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.reminders.models import ReminderPreference
from journal.reminders.services import DEFAULT_TIME
from tests.conftest import csrf_from

CARD = "data-reminders-off"


@pytest.fixture
def mail_ready(app):
    """Let the app send e-mail (an SMTP host and its public URL); nothing is sent here."""
    app.config.update(JOURNAL_SMTP_HOST="127.0.0.1", JOURNAL_BASE_URL="https://j.example.org")


def preference(app, user) -> ReminderPreference | None:
    """Return the user's saved reminder preferences, read fresh."""
    with app.app_context():
        query = select(ReminderPreference).where(ReminderPreference.user_id == user.id)
        return db.session.scalars(query).one_or_none()


def set_channels(app, user, **channels) -> None:
    """Save reminder preferences with the given channels on."""
    with app.app_context():
        values = {"push": False, "email": False, "calendar": False, **channels}
        db.session.add(ReminderPreference(user_id=user.id, time=DEFAULT_TIME, **values))
        db.session.commit()


def test_a_new_account_sees_the_card_with_email_as_the_plain_choice(logged_in, mail_ready):
    """No preferences yet: the card, its notification button (for JS) and the e-mail form."""
    html = logged_in.get("/").get_data(as_text=True)
    assert html.count(CARD) == 1
    assert "Reminders are off" in html and "A nudge at 19:00" in html
    assert 'action="/reminders/email-on"' in html
    assert "Turn on notifications" in html


def test_without_mail_the_card_offers_no_email(logged_in):
    """A server that sends no e-mail does not offer it (the settings link stays)."""
    html = logged_in.get("/").get_data(as_text=True)
    assert CARD in html
    assert "/reminders/email-on" not in html
    assert 'href="/reminders/"' in html


@pytest.mark.parametrize("channel", ["push", "email", "calendar"])
def test_the_card_goes_when_any_channel_is_on(app, logged_in, user, mail_ready, channel):
    """Notifications, e-mail or a calendar: reminders are on, so Today has no card."""
    set_channels(app, user, **{channel: True})
    assert CARD not in logged_in.get("/").get_data(as_text=True)


def test_reminders_saved_with_every_channel_off_still_show_the_card(app, logged_in, user):
    """Preferences that deliver nothing count as off."""
    set_channels(app, user)
    assert CARD in logged_in.get("/").get_data(as_text=True)


def test_the_email_button_turns_email_reminders_on(app, logged_in, user, mail_ready):
    """One POST: e-mail on at the default time, back to Today with a note, the card gone."""
    token = csrf_from(logged_in.get("/").get_data(as_text=True))
    response = logged_in.post("/reminders/email-on", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    pref = preference(app, user)
    assert pref.email and not pref.push and pref.time.strftime("%H:%M") == "19:00"
    assert pref.daily and pref.questionnaires and pref.reflections
    html = logged_in.get("/").get_data(as_text=True)
    assert "E-mail reminders are on: they go to sam@example.com." in html
    assert CARD not in html


def test_the_email_post_keeps_a_saved_time(app, logged_in, user, mail_ready):
    """A person who chose a time before keeps it."""
    set_channels(app, user)
    with app.app_context():
        db.session.get(ReminderPreference, user.id).time = time(8, 30)
        db.session.commit()
    token = csrf_from(logged_in.get("/").get_data(as_text=True))
    logged_in.post("/reminders/email-on", data={"csrf_token": token})
    pref = preference(app, user)
    assert pref.email and pref.time.strftime("%H:%M") == "08:30"


def test_the_email_post_needs_csrf(app, logged_in, user, mail_ready):
    """Without the form's token the POST is refused and nothing changes."""
    response = logged_in.post("/reminders/email-on", data={})
    assert response.status_code == 400
    assert preference(app, user) is None


def test_the_email_post_is_not_found_when_the_server_sends_no_mail(app, logged_in, user):
    """No SMTP: turning e-mail reminders on would promise mail that never comes."""
    token = csrf_from(logged_in.get("/checkins/new").get_data(as_text=True))
    assert logged_in.post("/reminders/email-on", data={"csrf_token": token}).status_code == 404
    assert preference(app, user) is None


def test_the_email_post_needs_sign_in(client, mail_ready):
    """Signed out (with a valid token), the POST leads to sign-in."""
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/reminders/email-on", data={"csrf_token": token})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_settings_page_warns_when_this_server_sends_no_email(logged_in, app):
    """Without an SMTP host the e-mail choice says it would not arrive; with one, it does not."""
    assert 'id="email-not-sent"' in logged_in.get("/reminders/").get_data(as_text=True)
    app.config.update(JOURNAL_SMTP_HOST="127.0.0.1", JOURNAL_BASE_URL="https://j.example.org")
    assert 'id="email-not-sent"' not in logged_in.get("/reminders/").get_data(as_text=True)
