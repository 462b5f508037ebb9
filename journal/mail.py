"""Sending e-mail through the SMTP server the environment names (password resets, reminders).

Settings (environment, see README): JOURNAL_SMTP_HOST (unset: no mail is sent), JOURNAL_SMTP_PORT
(587), JOURNAL_SMTP_SECURITY (`starttls`, `ssl` or `none`), JOURNAL_SMTP_USER,
JOURNAL_SMTP_PASSWORD, JOURNAL_MAIL_FROM. Messages carry no health data: callers say only what
is due or what changed, never a score or an entry.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

SECURITY = ("starttls", "ssl", "none")
TIMEOUT = 20


class MailNotConfigured(RuntimeError):
    """No SMTP host is set, so nothing can be sent."""


def is_configured(config) -> bool:
    """Tell whether an SMTP host is set."""
    return bool(config.get("JOURNAL_SMTP_HOST"))


def build(
    config,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict | None = None,
) -> EmailMessage:
    """Return a plain-text message (with an HTML part when given), from the configured sender."""
    message = EmailMessage()
    sender = config.get("JOURNAL_MAIL_FROM") or "Mood Journal <no-reply@localhost>"
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> "))
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send(config, messages: list[EmailMessage]) -> None:
    """Send messages over one SMTP connection; raise MailNotConfigured or smtplib's errors."""
    if not is_configured(config):
        raise MailNotConfigured("Set JOURNAL_SMTP_HOST to send e-mail.")
    host = config["JOURNAL_SMTP_HOST"]
    port = int(config.get("JOURNAL_SMTP_PORT") or 587)
    security = config.get("JOURNAL_SMTP_SECURITY") or "starttls"
    if security not in SECURITY:
        raise ValueError(f"JOURNAL_SMTP_SECURITY must be one of {', '.join(SECURITY)}.")
    context = ssl.create_default_context()
    if security == "ssl":
        connection = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
    else:
        connection = smtplib.SMTP(host, port, timeout=TIMEOUT)
    with connection as smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        if config.get("JOURNAL_SMTP_USER"):
            smtp.login(config["JOURNAL_SMTP_USER"], config.get("JOURNAL_SMTP_PASSWORD") or "")
        for message in messages:
            smtp.send_message(message)
