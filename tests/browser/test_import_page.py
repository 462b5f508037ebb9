"""The import page in Chromium at 390 px: upload, preview, change a mood, confirm, see History."""

import re

from playwright.sync_api import expect

from tests import import_samples as samples

from .harness import axe_violations, on_path, signup


def test_upload_preview_change_a_mood_confirm_and_see_history(make_page, tmp_path):
    page = make_page(bypass_csp=True)
    signup(page)
    path = tmp_path / "daylio.csv"
    path.write_bytes(samples.daylio_new())
    page.goto("/export/")
    page.get_by_role("link", name="Import your entries").click()
    page.wait_for_url(on_path("/import"))

    page.get_by_label("File to import").set_input_files(str(path))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("[data-import-preview]")
    expect(preview).to_contain_text("Preview: nothing is saved yet")
    expect(preview.locator("[data-import-days]")).to_have_text("3")
    expect(preview).to_contain_text("needs a value")
    expect(page.locator("[data-import-skipped]")).to_have_count(0)
    expect(page.locator("[data-import-ignored]")).to_have_text("scales")
    # Keyboard and screen reader: the preview's heading takes focus; labels name each box.
    expect(page.locator("#preview-title")).to_be_focused()
    assert not axe_violations(page), axe_violations(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px)"

    page.get_by_label(re.compile(r"^ok")).fill("6")
    page.get_by_label("rad", exact=True).fill("10")
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(on_path("/checkins/"))
    expect(page.get_by_text("Imported 3 days")).to_be_visible()
    page.goto("/checkins/?view=table")
    rows = page.locator("table.records tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("2025")

    page.goto("/checkins/?view=table")
    rows.last.get_by_role("link").first.click()
    expect(page.locator(".result")).to_contain_text("Mood: 10 of 10")
    expect(page.locator("[data-checkin-tags]")).to_contain_text("family")
