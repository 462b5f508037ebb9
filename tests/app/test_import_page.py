"""The import page without JavaScript: upload, preview (nothing written), import, History."""

import io

from sqlalchemy import func, select

from journal.extensions import db
from journal.models import CheckIn
from tests import import_samples as samples
from tests.conftest import csrf_from


def post(client, token: str, data: bytes | None, **form):
    """Post the page's form with a file."""
    body = {"csrf_token": token, **form}
    if data is not None:
        body["file"] = (io.BytesIO(data), "daylio.csv")
    return client.post("/import", data=body, content_type="multipart/form-data")


def count(app) -> int:
    """Return how many check-ins exist."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CheckIn))


def test_page_is_linked_from_export_and_has_the_form(logged_in):
    """The export page links to it; it has a labelled file box and the kinds of file."""
    assert 'href="/import"' in logged_in.get("/export/").get_data(as_text=True)
    html = logged_in.get("/import").get_data(as_text=True)
    assert 'for="import-file"' in html and 'enctype="multipart/form-data"' in html
    assert "Daylio backup (.daylio)" in html and "data-import-preview" in html


def test_preview_then_import_without_javascript(app, logged_in):
    """The preview shows labels, tags and ignored columns and writes nothing; import saves."""
    token = csrf_from(logged_in.get("/import").get_data(as_text=True))
    preview = post(logged_in, token, samples.daylio_new(), action="preview")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "needs a value" in html and 'data-mood-label="ok"' in html
    assert "🌧 rain" in html and "scales" in html and count(app) == 0
    blocked = post(
        logged_in,
        token,
        samples.daylio_new(),
        action="import",
        mood_label=["Good", "ok"],
        mood_value=["7", ""],
    )
    assert blocked.status_code == 422 and "&#39;ok&#39;" in blocked.get_data(as_text=True)
    assert count(app) == 0
    done = post(
        logged_in,
        token,
        samples.daylio_new(),
        action="import",
        mood_label=["Good", "ok"],
        mood_value=["7", "6"],
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/checkins/")
    history = logged_in.get("/checkins/").get_data(as_text=True)
    assert "Imported 3 days" in history and count(app) == 3


def test_page_errors_are_shown_and_escaped(app, logged_in):
    """A bad file is a 422 page with the message; no file is a 422 too; CSRF is required."""
    token = csrf_from(logged_in.get("/import").get_data(as_text=True))
    bad = post(logged_in, token, b"date,mood\n<b>x</b>,5\n", action="preview")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Line 2:" in html and "<b>x</b>" not in html
    assert post(logged_in, token, None, action="preview").status_code == 422
    assert post(logged_in, "nope", samples.spreadsheet(), action="import").status_code == 400
    assert count(app) == 0
