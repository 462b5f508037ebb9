"""Security headers, cookie flags and secret handling."""

from journal import config, create_app
from tests.conftest import PASSWORD, test_config


def test_every_response_has_security_headers(client):
    """CSP without inline scripts, no framing, nosniff and same-origin referrers."""
    for path in ("/", "/auth/login", "/api/v1/csrf", "/does-not-exist"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        )
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(logged_in):
    """Templates load scripts from files only (CSP would block inline code anyway)."""
    for path in ("/", "/checkins/new", "/help"):
        html = logged_in.get(path).get_data(as_text=True)
        for tag in html.split("<script")[1:]:
            assert "src=" in tag.split(">")[0] or 'type="application/json"' in tag.split(">")[0]


def test_session_cookie_is_httponly_and_lax(api, user):
    """The session cookie is HttpOnly and SameSite=Lax, and not Secure over plain http."""
    response = api.login(user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(app, user):
    """Over https the session cookie is marked Secure."""
    client = app.test_client()
    token = client.get("/api/v1/csrf", base_url="https://localhost").get_json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/login",
        json={"email": user.email, "password": PASSWORD},
        headers={"X-CSRFToken": token, "Referer": "https://localhost/"},
        base_url="https://localhost",
    )
    assert response.status_code == 200
    assert "Secure" in response.headers["Set-Cookie"]


def test_secret_key_is_generated_into_instance_once(tmp_path):
    """Without SECRET_KEY a random key is written to the instance folder and reused."""
    first = config.instance_secret_key(str(tmp_path))
    assert len(first) == 64
    assert config.instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_config_has_no_built_in_secret():
    """The defaults carry no SECRET_KEY; only tests set one."""
    assert not hasattr(config.Defaults, "SECRET_KEY")


def test_database_url_is_mapped_to_psycopg():
    """postgres:// URLs use psycopg 3."""
    assert config.normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert config.normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_test_config_mapping_wins(tmp_path):
    """A test mapping overrides defaults without touching the environment."""
    app = create_app(test_config(JOURNAL_CRISIS_REGION="UK"))
    assert app.config["JOURNAL_CRISIS_REGION"] == "UK"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
