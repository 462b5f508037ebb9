"""Public pages: help, offline, health check, welcome, errors and the OpenAPI document."""

import pytest
from sqlalchemy.exc import OperationalError

from journal import crisis
from journal.extensions import db


def test_help_shows_us_resources_by_default(client):
    """Crisis help works without signing in, with 988 for the default region."""
    html = client.get("/help").get_data(as_text=True)
    assert "call or text 988" in html and "not an emergency service" in html


def test_help_follows_the_users_region(app, make_user, api):
    """A signed-in Australian sees Lifeline."""
    aussie = make_user("au@example.com", timezone="Australia/Sydney", region="AU")
    api.login(aussie.email)
    assert "13 11 14" in api.client.get("/help").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/auth/login", "/auth/register", "/help", "/offline"])
def test_get_help_link_is_on_every_page(client, path):
    """'Get help now' is in the header of every page."""
    assert '<a class="get-help" href="/help">Get help now</a>' in client.get(path).get_data(
        as_text=True
    )


def test_get_help_link_is_on_signed_in_pages(logged_in):
    """Signed-in pages carry it too."""
    for path in ("/", "/checkins/", "/checkins/new"):
        assert "Get help now" in logged_in.get(path).get_data(as_text=True)


def test_welcome_page_for_visitors(client):
    """Anonymous home is a welcome page with sign-up and sign-in."""
    html = client.get("/").get_data(as_text=True)
    assert "/auth/register" in html and "/auth/login" in html


def test_offline_page(client):
    """The offline page says entries are kept on the device."""
    assert "kept on this device" in client.get("/offline").get_data(as_text=True)


def test_healthz_ok(client):
    """The health check answers 200 when the database answers."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_fails(client, monkeypatch):
    """The health check answers 503, not 500, when the database does not answer."""

    def broken(*args, **kwargs):
        """Fail like a lost database connection."""
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    assert client.get("/healthz").status_code == 503


def test_unknown_page_is_friendly_404(client):
    """People get an HTML 404; API clients get the JSON shape."""
    page = client.get("/nope", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.get_data(as_text=True)
    api = client.get("/api/v1/nope")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_json_on_the_api(client):
    """Method errors keep the shared shape."""
    response = client.post("/api/v1/instruments")
    assert response.status_code in (400, 405)
    assert "error" in response.get_json()


def test_openapi_describes_the_contract(client):
    """The OpenAPI document is generated and lists every endpoint in the contract so far."""
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in (
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/csrf",
        "/api/v1/instruments",
        "/api/v1/checkins",
        "/api/v1/checkins/{client_id}",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/checkins/{client_id}"]) >= {"put", "get", "delete"}
    body = spec["components"]["schemas"]["CheckInIn"]
    assert {"instrument", "local_date"} <= set(body["required"])  # answers: see CheckInIn


def test_signed_out_help_carries_every_country_and_the_zone_table(client):
    """Anonymous, no choice: every country's lines (the default shown) and the zone table."""
    html = client.get("/help").get_data(as_text=True)
    assert html.count('class="crisis-region"') == len(crisis.REGION_CHOICES)
    assert 'data-region="US" aria-labelledby="region-US">' in html  # the default, not hidden
    assert 'data-region="UK" aria-labelledby="region-UK" hidden>' in html
    assert 'id="zone-regions"' in html and '"Europe/London": "UK"' in html
    assert "js/help.js" in html


def test_help_with_a_chosen_region_shows_only_that_one(client):
    """?region=JP renders Japan's lines alone, without the zone table."""
    html = client.get("/help?region=JP").get_data(as_text=True)
    assert html.count('class="crisis-region"') == 1 and 'data-region="JP"' in html
    assert "zone-regions" not in html and "js/help.js" not in html


def test_signed_in_help_shows_the_account_region(logged_in):
    """A signed-in person sees their own region only (set in settings)."""
    html = logged_in.get("/help").get_data(as_text=True)
    assert html.count('class="crisis-region"') == 1
    assert "zone-regions" not in html
