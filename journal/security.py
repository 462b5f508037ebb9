"""Security headers and cookie policy, set for every response from the start."""

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from itsdangerous import URLSafeTimedSerializer

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Plotly sets inline style attributes on the SVG it draws.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Browser features the journal never uses, refused for the page and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
HSTS = "max-age=63072000"
# Files anyone may cache: they hold nothing of the person's.
CACHEABLE_PREFIXES = ("/static/", "/sw.js", "/manifest.webmanifest")


def is_https(app: Flask) -> bool:
    """Tell whether this request came over https (or the config says it always does)."""
    return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


class SessionInterface(SecureCookieSessionInterface):
    """Over https: a Secure cookie named __Host-..., so no subdomain or http page can set it."""

    def __init__(self):
        # Flask builds the cookie's serializer twice a request (open and save); it depends only
        # on the keys, so one per set of keys is kept (a key rotation makes a new one).
        self.serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the cookie serializer for the app's current keys, built once."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self.serializers:
            self.serializers[keys] = super().get_signing_serializer(app)
        return self.serializers[keys]

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return True for https requests, or when the config forces it."""
        return is_https(app)

    def get_cookie_name(self, app: Flask) -> str:
        """Return the cookie name, with the __Host- prefix over https."""
        name = app.config["SESSION_COOKIE_NAME"]
        return f"__Host-{name}" if is_https(app) else name

    def get_cookie_domain(self, app: Flask) -> str | None:
        """Return no domain over https (a __Host- cookie must have none)."""
        return None if is_https(app) else super().get_cookie_domain(app)

    def get_cookie_path(self, app: Flask) -> str:
        """Return / over https (a __Host- cookie must have it)."""
        return "/" if is_https(app) else super().get_cookie_path(app)


def set_security_headers(response):
    """Add the security headers every response carries."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")  # a route may be stricter
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    if not request.path.startswith(CACHEABLE_PREFIXES) and (
        request.path.startswith(("/api/", "/auth/", "/settings/")) or current_user.is_authenticated
    ):
        # A person's pages and data stay out of browser and proxy caches; the service worker
        # keeps its own offline copies in the Cache API, which this header does not govern.
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def init_app(app: Flask) -> None:
    """Install the header hook and the session cookie policy."""
    app.session_interface = SessionInterface()
    app.after_request(set_security_headers)
