"""Mail goes through a real SMTP server (aiosmtpd, started by the test), as plain text and HTML."""

import pytest

from journal import mail


def test_a_message_arrives_with_text_html_and_headers(smtp_server):
    """The server receives both parts, the sender and extra headers."""
    config, inbox = smtp_server
    message = mail.build(
        config,
        "sam@example.com",
        "Your check-in is due",
        "Your check-in is due.",
        "<p>Your check-in is due.</p>",
        {"List-Unsubscribe": "<https://example.org/u/x>"},
    )
    mail.send(config, [message])
    [received] = inbox.messages
    assert received["To"] == "sam@example.com"
    assert received["From"] == "Mood Journal <journal@example.org>"
    assert received["List-Unsubscribe"] == "<https://example.org/u/x>"
    parts = {part.get_content_type(): part.get_payload(decode=True) for part in received.walk()}
    assert parts["text/plain"].strip() == b"Your check-in is due."
    assert parts["text/html"].strip() == b"<p>Your check-in is due.</p>"


def test_several_messages_share_one_connection(smtp_server):
    """A batch is sent in order over one connection."""
    config, inbox = smtp_server
    batch = [mail.build(config, f"p{n}@example.com", "Due", "Due.") for n in range(3)]
    mail.send(config, batch)
    assert [m["To"] for m in inbox.messages] == [f"p{n}@example.com" for n in range(3)]


def test_without_a_host_nothing_is_sent():
    """No SMTP host: the caller is told, instead of mail vanishing."""
    assert not mail.is_configured({})
    with pytest.raises(mail.MailNotConfigured):
        mail.send({}, [mail.build({}, "sam@example.com", "Due", "Due.")])


def test_an_unknown_security_setting_is_refused():
    """A typo in JOURNAL_SMTP_SECURITY does not silently send in clear text."""
    config = {"JOURNAL_SMTP_HOST": "127.0.0.1", "JOURNAL_SMTP_SECURITY": "tls"}
    with pytest.raises(ValueError, match="starttls"):
        mail.send(config, [])
