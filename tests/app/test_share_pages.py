"""The share links page: make a link (shown once), see its openings, revoke it."""

import re
from datetime import timedelta

import pytest

from journal.records import user_today
from tests.conftest import csrf_from


def form_body(page_html: str, user, **overrides) -> dict:
    """Return a valid create-link form body with the page's CSRF token."""
    today = user_today(user)
    return {
        "csrf_token": csrf_from(page_html),
        "start": (today - timedelta(days=29)).isoformat(),
        "end": today.isoformat(),
        "expires_in_days": "7",
        **overrides,
    }


def shown_url(html: str) -> str | None:
    """Return the share URL the page shows, if any."""
    match = re.search(r'id="share-url" value="([^"]+)"', html)
    return match.group(1) if match else None


def test_page_proposes_90_days_and_14_days(logged_in, user):
    """The form starts at the last 90 days and a 14-day link, reflections off."""
    html = logged_in.get("/shares/").get_data(as_text=True)
    today = user_today(user)
    assert f'value="{today - timedelta(days=89)}"' in html and f'value="{today}"' in html
    assert 'name="expires_in_days"' in html and 'value="14"' in html
    assert 'name="include_reflections"' in html and "checked" not in html
    assert "No links yet." in html


def test_make_a_link_shows_it_once(app, logged_in, user):
    """Making a link shows its URL on that response only; the list shows its details."""
    page = logged_in.get("/shares/").get_data(as_text=True)
    response = logged_in.post("/shares/", data=form_body(page, user, include_reflections="y"))
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    url = shown_url(html)
    assert url and url.startswith("http://localhost/s/")
    assert "with your shared reflections" in html
    assert app.test_client().get(url.removeprefix("http://localhost")).status_code == 200

    again = logged_in.get("/shares/").get_data(as_text=True)
    assert shown_url(again) is None and url not in again
    assert "<dd>included</dd>" in again and "<dd>1 time" in again and ">active</span>" in again


def test_revoke_from_the_page(app, logged_in, user):
    """The Revoke button stops the link at once."""
    page = logged_in.get("/shares/").get_data(as_text=True)
    url = shown_url(logged_in.post("/shares/", data=form_body(page, user)).get_data(as_text=True))
    listing = logged_in.get("/shares/").get_data(as_text=True)
    action = re.search(r'action="(/shares/\d+/revoke)"', listing).group(1)

    response = logged_in.post(action, data={"csrf_token": csrf_from(listing)})

    assert response.status_code == 302
    html = logged_in.get("/shares/").get_data(as_text=True)
    assert "Link revoked" in html and ">revoked</span>" in html and action not in html
    assert app.test_client().get(url.removeprefix("http://localhost")).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"expires_in_days": "0"}, "From 1 to 90 days."),
        ({"expires_in_days": "365"}, "From 1 to 90 days."),
        ({"start": "2026-03-02", "end": "2026-03-01"}, "The start date is after the end date."),
        ({"end": ""}, "This field is required."),
    ],
)
def test_bad_form_is_422_with_messages(logged_in, user, overrides, message):
    """Mistakes come back next to their fields and no link is made."""
    page = logged_in.get("/shares/").get_data(as_text=True)
    response = logged_in.post("/shares/", data=form_body(page, user, **overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and shown_url(html) is None


def test_form_needs_its_csrf_token(logged_in, user):
    """A cross-site post cannot make a link."""
    page = logged_in.get("/shares/").get_data(as_text=True)
    response = logged_in.post("/shares/", data=form_body(page, user, csrf_token="forged"))
    assert response.status_code == 400


def test_cannot_revoke_another_users_link(app, logged_in, user, other_api):
    """Another user's link id is not found, and the link keeps working."""
    link = other_api.post("/api/v1/shares", {}).get_json()
    listing = logged_in.get("/shares/").get_data(as_text=True)
    response = logged_in.post(
        f"/shares/{link['id']}/revoke", data={"csrf_token": csrf_from(listing)}
    )
    assert response.status_code == 404
    assert other_api.get("/api/v1/shares").get_json()["items"][0]["status"] == "active"


@pytest.mark.parametrize(("method", "path"), [("GET", "/shares/"), ("POST", "/shares/1/revoke")])
def test_share_pages_need_sign_in(client, method, path):
    """Anonymous visitors are sent to sign in."""
    response = client.open(path, method=method)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]


def test_nav_links_to_sharing(logged_in):
    """Every signed-in page links to Share."""
    html = logged_in.get("/").get_data(as_text=True)
    assert 'href="/export/"' in html and ">Share</a>" in html


def test_a_link_carries_the_patients_own_label(logged_in, auth_api):
    """The label ("for Dr. Rivera") is kept, escaped, listed, and returned by the API."""
    html = logged_in.get("/shares/").get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(html),
        "label": "for Dr. <i>Rivera</i>",
        "start": "2026-01-01",
        "end": "2026-01-31",
        "expires_in_days": "14",
    }
    created = logged_in.post("/shares/", data=data).get_data(as_text=True)
    assert "data-copy-target" in created and "data-share-target" in created
    listed = logged_in.get("/shares/").get_data(as_text=True)
    assert "for Dr. &lt;i&gt;Rivera&lt;/i&gt;" in listed and "<i>Rivera" not in listed
    assert auth_api.get("/api/v1/shares").get_json()["items"][0]["label"] == "for Dr. <i>Rivera</i>"
    response = auth_api.post("/api/v1/shares", {"label": "x" * 81})
    assert response.status_code == 422 and "label" in response.get_json()["error"]["fields"]
