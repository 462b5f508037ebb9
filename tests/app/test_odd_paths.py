"""No 5xx from odd characters in a path: every route, every method, anonymous and signed in.

Each converter argument of every rule in `app.url_map` is replaced by a NUL, a lone surrogate
(percent-encoded UTF-8 of U+D800, and the raw code point in the WSGI path), an encoded slash,
10,000 characters and a non-numeric id. NUL bytes only break PostgreSQL, so this runs on both.
"""

import re
import uuid
from types import SimpleNamespace

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tests.conftest import Api, app_with_schema

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# Percent-encoded forms go through the client's own URL decoding, as a server's would.
ENCODED = {
    "nul": "a%00b",
    "surrogate": "%ED%A0%80",
    "slash": "a%2Fb",
    "long": "x" * 10_000,
    "not-a-number": "abc",
}
# The raw UTF-8 bytes of U+D800 as a server puts them in PATH_INFO (one latin-1 character a byte).
RAW_SURROGATE = "\xed\xa0\x80"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def app():
    """An app that turns unhandled exceptions into 500 responses, as in production."""
    yield from app_with_schema(TESTING=False, PROPAGATE_EXCEPTIONS=False)


def odd_paths(app):
    """Yield (rule, method, label, path or None, raw PATH_INFO or None) for every route."""
    for rule in app.url_map.iter_rules():
        # A rule with no argument gets the odd part as one more segment (no route: a 404).
        template = rule.rule if rule.arguments else rule.rule.rstrip("/") + "/<odd>"
        for method in sorted(rule.methods):
            for label, value in ENCODED.items():
                yield rule.rule, method, label, ARGUMENT.sub(value, template), None
            yield rule.rule, method, "raw-surrogate", None, ARGUMENT.sub(RAW_SURROGATE, template)


def send(api: Api, method: str, path: str | None, raw: str | None):
    """Send one request (a CSRF header on unsafe methods), by URL or by raw PATH_INFO."""
    headers = {"X-CSRFToken": api.token or api.csrf()} if method in UNSAFE else {}
    if path is not None:
        return api.client.open(path, method=method, headers=headers, json={})
    environ = EnvironBuilder(path="/", method=method, headers=headers, json={}).get_environ()
    # Past the client, which would re-encode the path: these bytes are not even valid UTF-8.
    environ["PATH_INFO"] = raw
    api.client._add_cookies_to_wsgi(environ)
    body, status, _ = run_wsgi_app(api.client.application, environ, buffered=True)
    b"".join(body)
    return SimpleNamespace(status_code=int(status.split()[0]))


def walk(app, api: Api) -> tuple[int, list[str]]:
    """Send every odd path; return (requests sent, descriptions of every 5xx)."""
    sent, failures = 0, []
    for rule, method, label, path, raw in odd_paths(app):
        response = send(api, method, path, raw)
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{method} {rule} [{label}] -> {response.status_code}")
    return sent, failures


def test_every_route_survives_odd_path_arguments_anonymous(app, api):
    """An anonymous visitor gets a 4xx (or a page), never a 5xx, for every odd argument."""
    sent, failures = walk(app, api)
    assert sent > 1500
    assert failures == []


def test_every_route_survives_odd_path_arguments_signed_in(app, auth_api):
    """A signed-in person with records gets no 5xx for any odd argument on any route."""
    note = {"local_date": "2026-01-01", "instrument": "daily", "mood": 5, "note": "x"}
    auth_api.put(f"/api/v1/checkins/{uuid.uuid4()}", note)
    assert auth_api.post("/api/v1/exports", {"kind": "json"}).status_code < 500
    sent, failures = walk(app, auth_api)
    assert sent > 1500
    assert failures == []
    # Still signed in and the CSRF token still good: the walk really ran as this person.
    assert auth_api.get("/api/v1/me").status_code == 200


def test_nul_in_export_job_id_is_a_404(auth_api):
    """The case the fuzzer found: a NUL in an export job id is no job, on both databases."""
    assert auth_api.get("/api/v1/exports/a%00b").status_code == 404
    assert auth_api.get("/api/v1/exports/a%00b/file").status_code == 404
