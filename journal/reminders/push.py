"""Web Push: the VAPID key pair and subject, which push services we send to, and sending.

The key pair comes from JOURNAL_VAPID_PRIVATE_KEY (PEM, or the raw key as base64url) or is
generated into instance/vapid_private.pem (owner-only) on first use, like the secret key.
"""

import base64
import json
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from ..config import instance_file

# The push services browsers use: Chrome/Edge/Android (FCM), Firefox (Mozilla), Safari (Apple),
# Windows (WNS). A subscription elsewhere is refused, so the server never posts to any URL given.
PUSH_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    ".push.apple.com",
    ".notify.windows.com",
)
SUBJECT = re.compile(r"^(mailto:[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+|https://[^\s/]+\.[^\s/]+.*)$")
KEY_FILE = "vapid_private.pem"
TTL = 12 * 60 * 60  # a reminder older than half a day is no use


class PushNotConfigured(RuntimeError):
    """No valid VAPID subject, so push services would refuse us."""


def allowed_hosts(config) -> tuple:
    """Return the push hosts subscriptions may use: the known services plus JOURNAL_PUSH_HOSTS."""
    extra = config.get("JOURNAL_PUSH_HOSTS") or ()
    if isinstance(extra, str):
        extra = tuple(h.strip() for h in extra.split(",") if h.strip())
    return PUSH_HOSTS + tuple(extra)


def endpoint_allowed(endpoint: str, hosts: tuple) -> bool:
    """Tell whether an endpoint is https on an allowed push host (or a configured test host)."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        netloc = parts.netloc.lower()
    except ValueError:
        return False
    for allowed in hosts:
        allowed = allowed.lower()
        if allowed in PUSH_HOSTS:
            matches = host == allowed or (allowed.startswith(".") and host.endswith(allowed))
            if matches and parts.scheme == "https":
                return True
        # Configured hosts (a local test service) may be given as host or host:port, any scheme.
        elif host == allowed or netloc == allowed:
            return parts.scheme in ("http", "https")
    return False


def vapid_subject(config) -> str:
    """Return the VAPID subject (JOURNAL_VAPID_SUBJECT, else mailto: the sender), or raise."""
    subject = config.get("JOURNAL_VAPID_SUBJECT")
    if not subject:
        sender = config.get("JOURNAL_MAIL_FROM") or ""
        match = re.search(r"[^<\s]+@[^>\s]+", sender)
        subject = f"mailto:{match.group(0)}" if match else ""
    if not SUBJECT.match(subject or ""):
        # Apple's push service refuses anything but a mailto: or https: contact.
        raise PushNotConfigured("Set JOURNAL_VAPID_SUBJECT to a mailto: or https: address.")
    return subject


def load_vapid(config, instance_path: str) -> Vapid:
    """Return the VAPID key pair from the environment, or from (generated into) the instance."""
    configured = config.get("JOURNAL_VAPID_PRIVATE_KEY")
    if configured:
        configured = configured.strip()
        if configured.startswith("-----BEGIN"):
            return Vapid.from_pem(configured.encode())
        return Vapid.from_string(configured)
    # Generated once: browsers subscribed with a lost key could never be reached again.
    return Vapid.from_pem(instance_file(instance_path, KEY_FILE, new_vapid_pem))


def new_vapid_pem() -> bytes:
    """Return a new VAPID private key as PEM."""
    vapid = Vapid()
    vapid.generate_keys()
    return vapid.private_pem()


def public_key(vapid: Vapid) -> str:
    """Return the application server key browsers subscribe with (base64url, no padding)."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def send(subscription: dict, payload: dict, vapid: Vapid, subject: str, session=None) -> int:
    """Send one encrypted push; return the push service's status (404/410 mean it is gone)."""
    try:
        response = webpush(
            subscription,
            json.dumps(payload),
            vapid_private_key=vapid,
            vapid_claims={"sub": subject},
            ttl=TTL,
            timeout=10,
            requests_session=session,
            # The encrypted body is opaque bytes (RFC 8291); say so, as browsers' libraries do.
            headers={"Content-Type": "application/octet-stream"},
        )
    except WebPushException as exc:
        if exc.response is None:
            raise
        return exc.response.status_code
    return response.status_code
