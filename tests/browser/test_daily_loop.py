"""The daily loop at 390 x 844: taps and screen heights, the tab bar, region from the zone."""

import re

import pytest
from playwright.sync_api import Page, expect

from .harness import PASSWORD, on_path, signup

VIEWPORT_HEIGHT = 844


class Taps:
    """Count the taps a script makes, the way a person would make them."""

    def __init__(self, page: Page):
        self.page, self.count = page, 0

    def tap(self, locator) -> None:
        """Tap one target."""
        locator.click()
        self.count += 1


def test_mood_only_entry_takes_one_tap_and_today_answers_in_place(page: Page):
    signup(page)
    taps = Taps(page)
    page.evaluate("() => { window.stayedOnPage = true; }")  # a navigation would lose this

    taps.tap(page.get_by_role("button", name="Mood 6", exact=True))

    said = page.get_by_role("status").filter(has_text="Saved:")
    expect(said).to_contain_text("Saved: Good (6 of 10) today.")
    expect(said).to_contain_text("Your first mood in 7 days")
    assert page.evaluate("() => window.stayedOnPage === true"), "the page answered in place"
    assert taps.count <= 2
    print(f"\nmood-only entry: {taps.count} tap(s)")
    # A second tap changes the same entry.
    expect(page.get_by_role("button", name="Mood 6", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="Mood 8", exact=True).click()
    expect(said).to_contain_text("Saved: Very good (8 of 10) today.")
    page.goto("/checkins/?view=table")
    expect(page.locator("table.records tbody tr")).to_have_count(1)


def test_undo_right_after_a_mood_tap_really_undoes(page: Page):
    signup(page)
    page.get_by_role("button", name="Mood 3", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved:")).to_contain_text("Low (3 of 10)")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Today's mood entry is removed.")).to_be_visible()

    page.get_by_role("button", name="Mood 3", exact=True).click()
    expect(page.get_by_text("Saved: Low (3 of 10) today.")).to_be_visible()
    page.get_by_role("button", name="Mood 9", exact=True).click()
    expect(page.get_by_text("Saved: Very good (9 of 10) today.")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Your mood today is back to Low (3 of 10).")).to_be_visible()
    expect(page.get_by_role("button", name="Mood 3", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert on_path("/")(page.url)
    page.goto("/checkins/?view=table")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
    expect(page.locator("table.records tbody tr")).to_contain_text("3")


def test_without_javascript_a_tap_returns_to_today_with_the_answer(make_page):
    page = make_page(java_script_enabled=False)
    signup(page)
    page.get_by_role("button", name="Mood 5", exact=True).click()
    page.wait_for_url(on_path("/"))
    # The mood's own status region (Today has others, e.g. the reminders card's).
    said = page.locator("[data-mood-said]")
    expect(said).to_contain_text("Saved: So-so (5 of 10) today.")
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url(on_path("/"))
    expect(said).to_contain_text("Today's mood entry is removed.")


def test_full_daily_check_in_in_eleven_taps_on_one_and_a_half_screens(page: Page):
    signup(page)
    page.get_by_role("link", name="Check in", exact=True).click()
    page.wait_for_url(on_path("/checkins/new"))
    form = page.locator("form[data-checkin-form]")
    height = form.evaluate("(f) => f.getBoundingClientRect().height")
    page_height = page.evaluate("() => document.documentElement.scrollHeight")
    taps = Taps(page)

    for number in range(1, 10):
        row = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        value = 0 if number == 9 else 1
        taps.tap(row.locator(f"label.choice:has(input[value='{value}'])"))
    taps.tap(page.locator("label.choice:has(input[name='mood'][value='7'])"))
    taps.tap(page.get_by_role("button", name="Save check-in"))

    page.wait_for_url(re.compile(r"/checkins/[0-9a-f-]{36}$"))
    expect(page.locator(".score-total")).to_have_text("8")
    print(
        f"\nfull daily check-in: {taps.count} taps; form {height:.0f} px "
        f"({height / VIEWPORT_HEIGHT:.2f} screens); page {page_height} px"
    )
    assert taps.count <= 11
    assert height <= 1.5 * VIEWPORT_HEIGHT, f"the form is {height} px tall"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_save_ends_within_one_and_a_half_screens(make_page, scheme):
    page = make_page(color_scheme=scheme)
    signup(page)
    page.goto("/checkins/new")
    background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
    assert (background == "rgb(255, 255, 255)") == (scheme == "light"), background
    save = page.get_by_role("button", name="Save check-in")
    bottom = save.evaluate("(b) => b.getBoundingClientRect().bottom + window.scrollY")
    print(f"\nSave ends at {bottom:.0f} px in {scheme} ({bottom / VIEWPORT_HEIGHT:.2f} screens)")
    assert bottom <= 1.5 * VIEWPORT_HEIGHT, f"Save ends {bottom:.0f} px down in {scheme}"


def test_item9_target_shows_crisis_at_once_in_the_compact_form(page: Page):
    signup(page)
    page.goto("/checkins/new")
    crisis = page.locator("#crisis")
    expect(crisis).to_be_hidden()
    page.get_by_role("group", name=re.compile(r"^9\. ")).get_by_label(
        "A little", exact=True
    ).check()
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("988")


def test_navigation_is_one_row_at_the_bottom_of_a_phone(page: Page):
    signup(page)
    bar = page.get_by_role("navigation", name="Main")
    box = bar.bounding_box()
    assert box["height"] <= 64 and box["y"] + box["height"] >= VIEWPORT_HEIGHT - 1
    header = page.locator(".site-header .nav").bounding_box()
    assert header["height"] <= 64
    bar.get_by_text("More").click()
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url(on_path("/settings/"))


def register_in(page: Page, email: str) -> None:
    """Register leaving the crisis region at "From my time zone"."""
    page.goto("/auth/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    expect(page.get_by_label("Time zone")).not_to_have_value("UTC")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(on_path("/"))


@pytest.mark.parametrize(
    ("zone", "country", "line"),
    [
        ("Europe/London", "United Kingdom", "116 123"),
        ("Europe/Oslo", "Norway", "22 40 00 40"),
        ("America/Toronto", "Canada", "9-8-8"),
        ("Asia/Kuala_Lumpur", "Elsewhere", "findahelpline.com"),
    ],
)
def test_region_defaults_from_the_browsers_zone(make_page, zone, country, line):
    page = make_page(timezone_id=zone)
    register_in(page, f"{zone.replace('/', '-').lower()}@example.com")
    page.get_by_role("link", name="Get help now").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(country)
    expect(page.locator(".crisis-list")).to_contain_text(line)
    if zone == "Europe/London":
        expect(page.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
        expect(page.locator(".crisis-list")).not_to_contain_text("988")


def test_help_lets_a_visitor_pick_another_country(page: Page):
    page.goto("/help")
    page.get_by_label("Country").select_option("DE")
    page.get_by_role("button", name="Show lines").click()
    expect(page.get_by_role("link", name="0800 111 0 111")).to_have_attribute(
        "href", "tel:08001110111"
    )


def test_settings_change_the_theme_and_region(page: Page):
    signup(page)
    page.goto("/settings/")
    page.get_by_label("Dark").check()
    page.get_by_label("Crisis lines for").select_option("IE")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    page.goto("/help")
    expect(page.get_by_role("heading", level=2).first).to_have_text("Ireland")


def test_share_link_has_copy_and_a_label_and_the_list_fits_390(make_page, live_server):
    # Copying needs the clipboard permission in a test browser; a person's browser asks or allows.
    page = make_page(permissions=["clipboard-read", "clipboard-write"])
    signup(page)
    page.goto("/shares/")
    page.get_by_label(re.compile("^Label")).fill(
        "for Dr. Rivera, my therapist at the clinic downtown"
    )
    page.get_by_role("button", name="Make link").click()
    url = page.locator("#share-url").input_value()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    for _ in range(2):
        page.goto("/shares/")
        page.get_by_role("button", name="Make link").click()
    page.goto("/shares/")
    expect(page.get_by_role("heading", name=re.compile("for Dr. Rivera"))).to_be_visible()
    expect(page.locator(".share-item")).to_have_count(3)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the share list is {width} px wide"
