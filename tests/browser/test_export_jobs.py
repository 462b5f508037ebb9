"""The export page makes the PDF in the background: a status line shows progress, then a link."""

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


def test_the_pdf_is_made_in_the_background_and_offered_as_a_link(make_page, live_server, runners):
    """Download PDF starts a job; the status line says how far it is; the link saves the PDF."""
    page = make_page(MOBILE, accept_downloads=True)
    email = signup(page)
    give_history(live_server.app, email)
    page.goto("/export/")
    page.get_by_label("Name or initials on the report (optional)").fill("S. <b>K</b>")
    page.get_by_role("button", name="Download PDF").click()

    status = page.locator("#report-title ~ [role=status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text(re.compile(r"(Waiting to make|Making) your report"))
    expect(status).to_contain_text("Your report is ready", timeout=90_000)
    link = status.get_by_role("link", name=re.compile(r"Download mood-journal-report-.*\.pdf"))
    link.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename.startswith("mood-journal-report-")
    with open(download.path(), "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "S. <b>K</b>" in text  # the name, as typed, never as markup
    # Readable on a phone: nothing pushes the page sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]


def test_the_spreadsheet_link_makes_a_zip_in_the_background(make_page, live_server, runners):
    """The CSV link starts a job too; its ready link saves the zip of CSV files."""
    page = make_page(MOBILE, accept_downloads=True)
    email = signup(page)
    give_history(live_server.app, email)
    page.goto("/export/")
    page.get_by_role("link", name="Spreadsheet (CSV files in a zip)").click()
    status = page.locator("#data-title ~ [role=status]")
    expect(status).to_contain_text("Your spreadsheet is ready", timeout=90_000)
    with page.expect_download() as info:
        status.get_by_role("link").click()
    with zipfile.ZipFile(info.value.path()) as archive:
        assert any(name.startswith("checkins") for name in archive.namelist())
