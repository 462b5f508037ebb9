"""Failed sign-in throttling, shared by the sign-in page and the API.

Flask-Limiter's `deduct_when` counted each failure twice here (the limit is checked both in
before_request and in the decorator, with fresh limit objects each time), so failures are
counted directly in the limiter's storage: memory by default, Redis via RATELIMIT_STORAGE_URI.
"""

from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.exceptions import TooManyRequests

from ..extensions import limiter

FAILED_LOGINS = parse("10 per 15 minutes")
SCOPE = "failed-login"


def refuse_if_throttled() -> None:
    """Raise 429 when this address has used up its failed sign-ins."""
    if limiter.enabled and not limiter.limiter.test(FAILED_LOGINS, SCOPE, get_remote_address()):
        raise TooManyRequests()


def record_failure() -> None:
    """Count one failed sign-in against this address."""
    if limiter.enabled:
        limiter.limiter.hit(FAILED_LOGINS, SCOPE, get_remote_address())
