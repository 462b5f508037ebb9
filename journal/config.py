"""Settings: defaults here, then the environment variables DESIGN.md names."""

import os
import secrets
from pathlib import Path

ENV_SETTINGS = (
    "SECRET_KEY",
    "RATELIMIT_STORAGE_URI",
    "JOURNAL_CRISIS_REGION",
    "JOURNAL_SMTP_HOST",
    "JOURNAL_SMTP_PORT",
    "JOURNAL_SMTP_SECURITY",
    "JOURNAL_SMTP_USER",
    "JOURNAL_SMTP_PASSWORD",
    "JOURNAL_MAIL_FROM",
    "JOURNAL_MASTER_KEY",
)


class Defaults:
    """Defaults that hold on every deployment; secrets are never defaulted here."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; offline replay needs that
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    JOURNAL_CRISIS_REGION = "US"
    JOURNAL_TRUSTED_PROXIES = 0  # reverse proxies in front whose X-Forwarded-For/-Proto to believe
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    API_TITLE = "Mood Journal API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


def from_environment() -> dict:
    """Read the settings that DESIGN.md lets the environment override."""
    found = {name: os.environ[name] for name in ENV_SETTINGS if os.environ.get(name)}
    if os.environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("JOURNAL_TRUSTED_PROXIES"):
        found["JOURNAL_TRUSTED_PROXIES"] = int(os.environ["JOURNAL_TRUSTED_PROXIES"])
    return found


def instance_path() -> str | None:
    """Return JOURNAL_INSTANCE_PATH made absolute, or None for Flask's default folder."""
    # An installed package's default is <prefix>/var/journal-instance, which a service user may
    # not be able to write; this lets a deployment put the secret key and SQLite file elsewhere.
    configured = os.environ.get("JOURNAL_INSTANCE_PATH")
    return os.path.abspath(configured) if configured else None


def normalise_database_url(url: str) -> str:
    """Point bare postgres URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_database_uri(instance_path: str) -> str:
    """Return the embedded SQLite database inside the instance folder."""
    return "sqlite:///" + str(Path(instance_path) / "journal.sqlite")


def instance_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, generating it on first run."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        # Written once with owner-only permissions; never a built-in default.
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
