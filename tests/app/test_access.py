"""Every route is declared public or signed-in; a route added without a declaration fails here.

Built from `app.url_map`, so a new page or API operation is checked the day it is added: signed-in
routes refuse anonymous visitors (a 401 for the API, the sign-in page for people) for every
method, and public routes never ask a visitor to sign in.
"""

import uuid

import pytest

from journal import create_app
from tests.conftest import app_with_schema, test_config

PUBLIC = "public"
SIGNED_IN = "signed-in"
ACCESS = {
    "api-docs.openapi_json": PUBLIC,
    "api_auth.login": PUBLIC,
    "api_auth.logout": PUBLIC,
    "api_auth.register": PUBLIC,
    "api_account.reset_request": PUBLIC,
    "api_account.reset": PUBLIC,
    "account.forgot": PUBLIC,
    # A wrong or used token is a 404 page, never a sign-in page.
    "account.reset": PUBLIC,
    # Reached only after the password step; without it, back to the sign-in page.
    "account.two_step_login": PUBLIC,
    "account.confirm_signup": PUBLIC,
    "api_meta.csrf_token": PUBLIC,
    "api_meta.instrument_list": PUBLIC,
    "api_settings.crisis_resources": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.register": PUBLIC,
    # A visitor gets the welcome page; the journal itself needs a session.
    "dashboard.index": PUBLIC,
    "pages.healthz": PUBLIC,
    "pages.help": PUBLIC,
    "pages.offline": PUBLIC,
    "pwa.service_worker": PUBLIC,
    "pwa.favicon": PUBLIC,
    "pwa.web_manifest": PUBLIC,
    # The token is the key: a wrong one is a 404, never a sign-in page.
    "share.chart": PUBLIC,
    "share.view": PUBLIC,
    "static": PUBLIC,
    # The signed token or the calendar secret is the key: a wrong one is a 404.
    "reminders.calendar_feed": PUBLIC,
    "reminders.unsubscribe": PUBLIC,
    "api_charts.chart": SIGNED_IN,
    "api_imports.create_import": SIGNED_IN,
    "imports.page": SIGNED_IN,
    "imports.upload": SIGNED_IN,
    "api_account.change_password": SIGNED_IN,
    "api_account.change_email": SIGNED_IN,
    "api_account.list_sessions": SIGNED_IN,
    "api_account.end_session": SIGNED_IN,
    "api_account.end_other_sessions": SIGNED_IN,
    "api_account.activity": SIGNED_IN,
    "api_account.delete_me": SIGNED_IN,
    "api_two_step.show": SIGNED_IN,
    "api_two_step.setup": SIGNED_IN,
    "api_two_step.enable": SIGNED_IN,
    "api_two_step.disable": SIGNED_IN,
    "account.index": SIGNED_IN,
    "account.end_session": SIGNED_IN,
    "account.end_others": SIGNED_IN,
    "account.password": SIGNED_IN,
    "account.email": SIGNED_IN,
    "account.activity": SIGNED_IN,
    "account.delete": SIGNED_IN,
    "account.two_step": SIGNED_IN,
    "account.two_step_off": SIGNED_IN,
    "api_checkins.list_all": SIGNED_IN,
    "api_checkins.put": SIGNED_IN,
    "api_checkins.read": SIGNED_IN,
    "api_checkins.remove": SIGNED_IN,
    "api_meta.me": SIGNED_IN,
    "api_reminders.add_subscription": SIGNED_IN,
    "api_reminders.read_reminders": SIGNED_IN,
    "api_reminders.remove_subscription": SIGNED_IN,
    "api_reminders.save_reminders": SIGNED_IN,
    "api_reminders.vapid_key": SIGNED_IN,
    "reminders.calendar_download": SIGNED_IN,
    "reminders.email_on": SIGNED_IN,
    "reminders.calendar_subscription": SIGNED_IN,
    "reminders.settings": SIGNED_IN,
    "api_settings.update_me": SIGNED_IN,
    "settings.index": SIGNED_IN,
    "api_reflections.list_all": SIGNED_IN,
    "api_reflections.put": SIGNED_IN,
    "api_reflections.read": SIGNED_IN,
    "api_reflections.remove": SIGNED_IN,
    "api_shares.create_share": SIGNED_IN,
    "api_shares.list_shares": SIGNED_IN,
    "api_shares.revoke_share": SIGNED_IN,
    "api_exports.start_export": SIGNED_IN,
    "api_exports.list_exports": SIGNED_IN,
    "api_exports.read_export": SIGNED_IN,
    "api_exports.export_file": SIGNED_IN,
    "api_treatments.list_all": SIGNED_IN,
    "api_treatments.put": SIGNED_IN,
    "api_treatments.read": SIGNED_IN,
    "api_treatments.remove": SIGNED_IN,
    "api_safety.get_safety_plan": SIGNED_IN,
    "api_safety.put_safety_plan": SIGNED_IN,
    "dashboard.save_follow_up": SIGNED_IN,
    "dashboard.save_preparation": SIGNED_IN,
    "safety.page": SIGNED_IN,
    "checkins.delete": SIGNED_IN,
    "checkins.edit": SIGNED_IN,
    "checkins.index": SIGNED_IN,
    "checkins.new": SIGNED_IN,
    "checkins.show": SIGNED_IN,
    "checkins.quick_mood_save": SIGNED_IN,
    "checkins.quick_mood_undo": SIGNED_IN,
    "export.chart_choice": SIGNED_IN,
    "export.chart_image": SIGNED_IN,
    "export.data_csv": SIGNED_IN,
    "export.data_json": SIGNED_IN,
    "export.fhir_json": SIGNED_IN,
    "export.index": SIGNED_IN,
    "export.report_page": SIGNED_IN,
    "export.report_pdf": SIGNED_IN,
    "pwa.pending": SIGNED_IN,
    "reflections.delete": SIGNED_IN,
    "reflections.edit": SIGNED_IN,
    "reflections.index": SIGNED_IN,
    "reflections.new": SIGNED_IN,
    "reflections.show": SIGNED_IN,
    "share.index": SIGNED_IN,
    "share.revoke": SIGNED_IN,
    "timeline.index": SIGNED_IN,
    "treatments.delete": SIGNED_IN,
    "treatments.edit": SIGNED_IN,
    "treatments.index": SIGNED_IN,
    "treatments.new": SIGNED_IN,
    "treatments.show": SIGNED_IN,
}
SAMPLES = {
    "client_id": str(uuid.uuid4()),
    "share_id": "1",
    "name": "timeline",
    "token": "t" * 43,
    "fmt": "png",
    "filename": "css/app.css",
    "secret": "c" * 32,
    "session_id": "1",
    "job_id": "0" * 32,
    "version": "0123456789",  # a hashed static URL (journal/static_urls.py)
}


def routes():
    """Return (endpoint, method, path) for every route and method of the app."""
    app = create_app(test_config())
    found = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for argument in rule.arguments:
            for converter in ("uuid:", "int:", "path:", ""):
                path = path.replace(f"<{converter}{argument}>", SAMPLES[argument])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return found


ROUTES = routes()


def test_every_route_is_declared():
    """A route nobody declared public or signed-in is a mistake waiting to leak."""
    undeclared = sorted({endpoint for endpoint, _m, _p in ROUTES} - set(ACCESS))
    assert undeclared == [], f"declare these in ACCESS: {undeclared}"
    gone = sorted(set(ACCESS) - {endpoint for endpoint, _m, _p in ROUTES})
    assert gone == [], f"no such routes any more: {gone}"


@pytest.fixture
def anonymous(app_without_csrf):
    """Return a client with no session (CSRF off, so the login check is what answers)."""
    return app_without_csrf.test_client()


@pytest.fixture
def app_without_csrf():
    """Create an app whose unsafe requests reach the login check instead of the CSRF check."""
    yield from app_with_schema(WTF_CSRF_ENABLED=False)


@pytest.mark.parametrize(
    ("endpoint", "method", "path"),
    [r for r in ROUTES if ACCESS.get(r[0]) == SIGNED_IN],
    ids=[f"{m} {p}" for e, m, p in ROUTES if ACCESS.get(e) == SIGNED_IN],
)
def test_signed_in_routes_refuse_visitors(anonymous, endpoint, method, path):
    """The API answers 401; a page sends the visitor to sign in, keeping where they were going."""
    response = anonymous.open(path, method=method, json={} if method != "GET" else None)
    if path.startswith("/api/"):
        assert response.status_code == 401, response.get_data(as_text=True)[:200]
        assert response.get_json()["error"]["code"] == "unauthorized"
    else:
        assert response.status_code == 302, response.status_code
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("endpoint", "method", "path"),
    [r for r in ROUTES if ACCESS.get(r[0]) == PUBLIC and r[1] == "GET"],
    ids=[f"{m} {p}" for e, m, p in ROUTES if ACCESS.get(e) == PUBLIC and m == "GET"],
)
def test_public_pages_never_ask_to_sign_in(anonymous, endpoint, method, path):
    """A public route answers a visitor itself (a wrong share token is a 404, not a sign-in)."""
    response = anonymous.get(path)
    response.close()  # static files are streamed from an open file
    assert response.status_code in (200, 404), response.status_code
    assert "/auth/login" not in response.headers.get("Location", "")
