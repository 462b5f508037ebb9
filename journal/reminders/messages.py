"""What a reminder says: an e-mail (text and HTML) and a push payload, with no health data."""

from html import escape

from .. import mail

# The same words on every channel and kind: a lock screen or a shared inbox learns nothing
# about which questionnaire, score or session is behind it.
SUBJECT = "Your check-in is due"
PUSH_BODIES = {
    "daily": "Your check-in is due.",
    "reflection": "A reflection prompt is open.",
}
QUESTIONNAIRE_BODY = "A questionnaire is due."


def unsubscribe_url(base_url: str, token: str) -> str:
    """Return the one-click unsubscribe URL of a token."""
    return f"{base_url.rstrip('/')}/reminders/unsubscribe/{token}"


def reminder_email(config, to: str, base_url: str, token: str):
    """Build the reminder e-mail with a one-click unsubscribe link and RFC 8058 headers."""
    link = base_url.rstrip("/") + "/"
    stop = unsubscribe_url(base_url, token)
    text = (
        "Your check-in is due.\n\n"
        f"Open your journal: {link}\n\n"
        f"Stop these e-mails (one click): {stop}\n"
    )
    html = (
        "<p>Your check-in is due.</p>"
        f'<p><a href="{escape(link)}">Open your journal</a></p>'
        f'<p style="font-size:small"><a href="{escape(stop)}">Stop these e-mails</a></p>'
    )
    headers = {
        "List-Unsubscribe": f"<{stop}>",
        # RFC 8058: the mail client may POST "List-Unsubscribe=One-Click" to the URL itself.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    message = mail.build(config, to, SUBJECT, text, html, headers)
    # A URL has no space to fold at: under the 78-column default the header would be sent as
    # an RFC 2047 encoded word, which mail clients do not read as a link. RFC 5322 allows 998.
    message.policy = message.policy.clone(max_line_length=998)
    return message


def push_payload(kind: str, path: str) -> dict:
    """Return what the service worker shows for a reminder and where a tap (to `path`) goes."""
    return {
        "title": "Mood Journal",
        "body": PUSH_BODIES.get(kind, QUESTIONNAIRE_BODY),
        "url": path,
        "tag": f"reminder-{kind}",
        "kind": kind,
    }
