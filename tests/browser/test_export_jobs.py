"""The export page makes files in the background: progress in a status line, then the download."""

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from journal.export import runner
from tests.browser.harness import MOBILE, signup
from tests.browser.test_export_download import give_history


@pytest.fixture
def runners(live_server, tmp_path):
    """Let the live server start real export runners for the test (exports in a temp folder)."""
    config = live_server.app.config
    saved = {k: config.get(k) for k in ("JOURNAL_EXPORT_RUNNERS", "JOURNAL_EXPORT_DIR")}
    config.update(JOURNAL_EXPORT_RUNNERS=1, JOURNAL_EXPORT_DIR=str(tmp_path))
    yield
    config.update(saved)
    for child in runner.CHILDREN:
        if child.poll() is None:
            child.kill()
        child.wait()
    runner.CHILDREN.clear()


def test_one_click_shows_progress_then_downloads_the_pdf(make_page, live_server, runners):
    """Download PDF starts a job; the status counts the seconds; the PDF downloads by itself."""
    page = make_page(MOBILE, accept_downloads=True)
    email = signup(page)
    give_history(live_server.app, email)
    page.goto("/export/")
    page.get_by_label("Name or initials on the report (optional)").fill("S. <b>K</b>")

    status = page.locator("#report-title ~ [role=status]")
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="Download PDF").click()
        expect(status).to_have_attribute("aria-live", "polite")
        expect(status).to_contain_text(re.compile(r"(Waiting to make|Making) your report"))
        # The seconds tick for the eye but stay out of what a screen reader announces.
        expect(status.locator("[aria-hidden=true]")).to_have_text(re.compile(r"^\d+ s$"))
    download = info.value
    assert download.suggested_filename.startswith("mood-journal-report-")
    with open(download.path(), "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "S. <b>K</b>" in text  # the name, as typed, never as markup
    expect(status).to_contain_text("Your report is ready")
    # A link stays, for a browser that held the download back.
    link = status.get_by_role("link", name=re.compile(r"Download mood-journal-report-.*\.pdf"))
    expect(link).to_have_attribute("download", download.suggested_filename)
    # Readable on a phone: nothing pushes the page sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]


def test_the_spreadsheet_link_downloads_a_zip_made_in_the_background(
    make_page, live_server, runners
):
    """The CSV link starts a job too; the zip of CSV files downloads when it is ready."""
    page = make_page(MOBILE, accept_downloads=True)
    email = signup(page)
    give_history(live_server.app, email)
    page.goto("/export/")
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("link", name="Spreadsheet (CSV files in a zip)").click()
    with zipfile.ZipFile(info.value.path()) as archive:
        assert any(name.startswith("checkins") for name in archive.namelist())
