"""Settings: defaults here, then the environment variables DESIGN.md names."""

import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import timedelta
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
    # Links in e-mails (resets, reminders), Web Push keys, extra push hosts, confirmed sign-up.
    "JOURNAL_BASE_URL",
    "JOURNAL_VAPID_PRIVATE_KEY",
    "JOURNAL_VAPID_SUBJECT",
    "JOURNAL_PUSH_HOSTS",
    "JOURNAL_SIGNUP_CONFIRM",
    "JOURNAL_MASTER_KEY",
    # Where finished background exports wait to be fetched (default: instance/exports/).
    "JOURNAL_EXPORT_DIR",
)
# Environment variable -> (setting, unit): the session lifetimes and the security log's.
DURATIONS = {
    "JOURNAL_SESSION_IDLE_MINUTES": ("JOURNAL_SESSION_IDLE", "minutes"),
    "JOURNAL_SESSION_MAX_HOURS": ("JOURNAL_SESSION_ABSOLUTE", "hours"),
    "JOURNAL_REMEMBER_IDLE_DAYS": ("JOURNAL_REMEMBER_IDLE", "days"),
    "JOURNAL_REMEMBER_MAX_DAYS": ("JOURNAL_REMEMBER_ABSOLUTE", "days"),
    # How long "Account activity" keeps a sign-in's address and device (personal data).
    "JOURNAL_SECURITY_LOG_DAYS": ("JOURNAL_SECURITY_LOG_KEPT", "days"),
}


class Defaults:
    """Defaults that hold on every deployment; secrets are never defaulted here."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; offline replay needs that
    # Unset: guess limits are counted in the database; redis://host/db counts them in Redis.
    RATELIMIT_STORAGE_URI = ""
    # (attempts, seconds): failed sign-ins per address and per account, sign-ups and reset
    # requests per address, reset e-mails per account.
    JOURNAL_THROTTLE = {
        "login_address": (10, 15 * 60),
        "login_account": (20, 60 * 60),
        "signup_address": (20, 60 * 60),
        "reset_address": (10, 60 * 60),
        "reset_account": (3, 60 * 60),
        # The secret calendar URL is public: calendar apps poll it every few hours, guessers faster.
        "calendar_feed": (60, 60),
    }
    # Server-side sessions for a personal phone: "keep me signed in" lasts a month (used at
    # least every two weeks); otherwise a sitting of up to 12 hours, idle for at most 2.
    JOURNAL_SESSION_IDLE = timedelta(hours=2)
    JOURNAL_SESSION_ABSOLUTE = timedelta(hours=12)
    JOURNAL_REMEMBER_IDLE = timedelta(days=14)
    JOURNAL_REMEMBER_ABSOLUTE = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    JOURNAL_SECURITY_LOG_KEPT = timedelta(days=365)
    JOURNAL_PASSWORD_HASH_COST = "production"
    # Password hashes computed at once per worker process, on low-priority threads
    # (journal/accounts/hashing.py); sign-ins beyond it wait their turn instead of taking the CPU.
    JOURNAL_HASH_CONCURRENCY = 1
    # Where links in e-mails point (https://journal.example.org); unset: no reset e-mail is sent.
    JOURNAL_BASE_URL = ""
    # "auto": sign-ups wait for an e-mail link when mail is set up; "on" or "off" to force it.
    JOURNAL_SIGNUP_CONFIRM = "auto"
    JOURNAL_CRISIS_REGION = "US"
    JOURNAL_TRUSTED_PROXIES = 0  # reverse proxies in front whose X-Forwarded-For/-Proto to believe
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Background export runners alive at once (journal.export.runner); 0 starts none.
    JOURNAL_EXPORT_RUNNERS = 1
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
    for name in ("JOURNAL_TRUSTED_PROXIES", "JOURNAL_HASH_CONCURRENCY", "JOURNAL_EXPORT_RUNNERS"):
        if os.environ.get(name):
            found[name] = int(os.environ[name])
    for name, (setting, unit) in DURATIONS.items():
        if os.environ.get(name):
            found[setting] = timedelta(**{unit: float(os.environ[name])})
    if "JOURNAL_REMEMBER_ABSOLUTE" in found:
        # The kept cookie lives as long as the server lets a kept session live.
        found["PERMANENT_SESSION_LIFETIME"] = found["JOURNAL_REMEMBER_ABSOLUTE"]
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


def instance_file(instance_path: str, name: str, make: Callable[[], bytes]) -> bytes:
    """Read a key file of the instance, generating it (owner-only) on first run.

    Several workers start at once on the first run: each writes a complete 0600 file under a
    temporary name and publishes it with a hard link, which fails if the name exists, so every
    worker reads the one key that won and none reads a half-written file.
    """
    path = Path(instance_path) / name
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=f".{name}-")
        try:
            os.write(fd, make())
            os.close(fd)
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_bytes()


def instance_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, generating it on first run (never a built-in default)."""
    return (
        instance_file(instance_path, "secret_key", lambda: secrets.token_hex(32).encode())
        .decode()
        .strip()
    )
