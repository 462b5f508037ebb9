"""Property-based API tests from the OpenAPI document: no 5xx, and every response matches it.

schemathesis reads GET /api/v1/openapi.json from the WSGI app (no server) and generates requests
for every operation. They run signed in, with the CSRF header, on one session; operations that
change or end the session run on a fresh anonymous client of their own (SESSION_CHANGING). Runs on
SQLite, and on PostgreSQL when TEST_DATABASE_URL is set. Each response is checked for a 5xx and
against the documented schema for its status, error bodies included.
"""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from journal import create_app
from journal.config import Defaults
from journal.extensions import db
from tests.conftest import PASSWORD, Api, app_with_schema, test_config

# Operations that sign in, sign up or sign out: run on their own anonymous client so they never
# end the fuzzed session.
SESSION_CHANGING = {
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/reset-request"),
    ("POST", "/api/v1/auth/reset"),
}
# Account operations that can end sessions or the account (all other sessions, one session by
# id, the password, the account itself): run signed in as a second person on a fresh session of
# their own, so the fuzzed session and its data survive whatever they do.
ACCOUNT_CHANGING = {
    ("POST", "/api/v1/auth/password"),
    ("POST", "/api/v1/auth/email"),
    ("DELETE", "/api/v1/auth/sessions"),
    ("DELETE", "/api/v1/auth/sessions/{session_id}"),
    ("DELETE", "/api/v1/me"),
    ("POST", "/api/v1/auth/two-step"),
    ("DELETE", "/api/v1/auth/two-step"),
}
SECOND_PERSON = "fuzz-account@example.com"
THROTTLE = Defaults.JOURNAL_THROTTLE
# 46 operations; with schemathesis's own extra cases about 3,700 a database, in a minute or two.
EXAMPLES_PER_OPERATION = 60
MINIMUM_CASES = 1000
CASES: list[tuple[str, int]] = []


def changes_session(case) -> bool:
    """Tell whether an operation would change or end the session it runs on."""
    return (case.method.upper(), case.path) in SESSION_CHANGING


def changes_account(case) -> bool:
    """Tell whether an operation could end other sessions or the account."""
    return (case.method.upper(), case.path) in ACCOUNT_CHANGING


def second_person(app) -> Api:
    """Return a fresh session of the second person (registered again if a case deleted them)."""
    from journal.accounts.users import find_user, register_user

    with app.app_context():
        if find_user(SECOND_PERSON) is None:
            register_user(SECOND_PERSON, PASSWORD, "Europe/Berlin", "DE")
            db.session.commit()
    api = Api(app.test_client())
    assert api.login(SECOND_PERSON).status_code == 200
    return api


@pytest.fixture(scope="module")
def fuzz_app():
    """One app and database for every generated case (module-wide: cases share nothing else)."""
    # Guess limits high enough that fuzzed sign-ins (all from one address) never lock out the
    # second person's sign-ins; the limits themselves are tested in test_throttle.
    generous = {name: (100_000, seconds) for name, (_n, seconds) in THROTTLE.items()}
    yield from app_with_schema(TESTING=False, PROPAGATE_EXCEPTIONS=False, JOURNAL_THROTTLE=generous)


@pytest.fixture(scope="module")
def signed_in(fuzz_app):
    """Return a client signed in as a user with a little data, and its CSRF token."""
    from journal.accounts.users import register_user

    with fuzz_app.app_context():
        register_user("fuzz@example.com", PASSWORD, "America/Chicago", "US")
        db.session.commit()
    api = Api(fuzz_app.test_client())
    assert api.login("fuzz@example.com").status_code == 200
    return api


# The document comes from an app that never touches its database (create_app does no database
# work), so it can be read at import and give one test per operation; the cases themselves are
# sent to `fuzz_app` through the client passed as `session`.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(test_config()))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms(case, fuzz_app, signed_in):
    """Send a generated request; fail on a 5xx, an undocumented status or a non-conforming body."""
    if changes_session(case):
        client = Api(fuzz_app.test_client())
        token = client.csrf()
    elif changes_account(case):
        client = second_person(fuzz_app)
        token = client.token
    else:
        client, token = signed_in, signed_in.token
    response = case.call_and_validate(
        session=client.client,
        # Schemathesis's WSGI client does not decode a compressed body (journal/compression.py).
        headers={"X-CSRFToken": token, "Accept-Encoding": "identity"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )
    CASES.append((case.operation.label, response.status_code))


def test_enough_cases_ran():
    """At least 1,000 generated cases ran over every operation (when the fuzz test ran)."""
    if not CASES:
        pytest.skip("test_api_conforms did not run in this session")
    operations = Counter(label for label, _status in CASES)
    statuses = Counter(status for _label, status in CASES)
    print(f"\nschemathesis: {len(CASES)} cases over {len(operations)} operations")
    print(f"by status: {dict(sorted(statuses.items()))}")
    print(f"by operation: {dict(sorted(operations.items()))}")
    assert len(CASES) >= MINIMUM_CASES
    assert len(operations) == len(list(schema.get_all_operations()))
