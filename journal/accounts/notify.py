"""Account e-mails (reset links, e-mail changed), sent off the request so timing tells nothing."""

import logging
import threading

from .. import mail
from ..database import on_commit

log = logging.getLogger("journal.mail")


def reset_message(config, to: str, token: str):
    """Build the reset e-mail with a link on JOURNAL_BASE_URL, or None when it is unset."""
    base = (config.get("JOURNAL_BASE_URL") or "").rstrip("/")
    if not base:
        log.warning("JOURNAL_BASE_URL is not set: no reset e-mail was sent")
        return None
    link = f"{base}/auth/reset/{token}"
    text = (
        "Someone asked to reset the password of your Mood Journal account.\n\n"
        f"To choose a new password, open this link within an hour:\n{link}\n\n"
        "It works once. If you did not ask for this, ignore this e-mail: your password stays."
    )
    return mail.build(config, to, "Reset your Mood Journal password", text)


def email_changed_message(config, to: str):
    """Build the notice sent to the old address after an e-mail change."""
    text = (
        "The sign-in e-mail of your Mood Journal account was just changed away from this "
        "address.\n\nIf that was not you, reset your password and contact whoever runs "
        "your journal."
    )
    return mail.build(config, to, "Your Mood Journal e-mail address changed", text)


def send_later(config, message) -> None:
    """Send one message in a background thread once the request commits; log any failure."""
    if message is None or not mail.is_configured(config):
        if message is not None:
            log.warning("JOURNAL_SMTP_HOST is not set: an account e-mail was not sent")
        return
    settings = dict(config)

    def run() -> None:
        """Send, logging any failure (the person already got the same answer)."""
        try:
            mail.send(settings, [message])
        except Exception:  # noqa: BLE001  (a background send must never raise)
            log.exception("sending an account e-mail failed")

    thread = threading.Thread(target=run, name="account-mail", daemon=True)
    on_commit(thread.start)


def signup_message(config, to: str, token: str | None):
    """Build the sign-up e-mail: a link to finish, or, for a taken address, a sign-in reminder."""
    base = (config.get("JOURNAL_BASE_URL") or "").rstrip("/")
    if token is None:
        text = (
            "Someone tried to create a Mood Journal account with this address, but it already has "
            f"one. Sign in at {base}/auth/login, or reset your password at {base}/auth/forgot.\n\n"
            "If this was not you, you can ignore this e-mail."
        )
        return mail.build(config, to, "You already have a Mood Journal account", text)
    text = (
        "To finish creating your Mood Journal account, open this link within 24 hours:\n"
        f"{base}/auth/confirm/{token}\n\nIf you did not sign up, ignore this e-mail."
    )
    return mail.build(config, to, "Finish creating your Mood Journal account", text)
