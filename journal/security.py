"""Security headers and cookie policy, set for every response from the start."""

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

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


class SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return True for https requests, or when the config forces it."""
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def set_security_headers(response):
    """Add the security headers every response carries."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    """Install the header hook and the session cookie policy."""
    app.session_interface = SessionInterface()
    app.after_request(set_security_headers)
