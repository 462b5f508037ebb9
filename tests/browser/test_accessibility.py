"""Every page at phone width (390 px): no serious or critical axe-core findings, no sideways scroll.

The pages are harness.PAGES, the list scripts/screenshots.py also photographs: add a page
there. A path may name a sample record ("{checkin}/edit"); create_sample_records makes them.
"""

import pytest

from .harness import (
    PAGES,
    axe_violations,
    create_sample_records,
    new_context,
    resolve,
    settle,
    signup,
)

IMPACTS = ("serious", "critical")


@pytest.fixture(scope="module")
def member(browser, live_server):
    """One signed-up user per module, with sample records: (storage_state, record paths)."""
    context = new_context(browser, live_server.url)
    try:
        page = context.new_page()
        signup(page)
        records = create_sample_records(page)
        state = context.storage_state()
    finally:
        context.close()
    return state, records


def open_page(spec, make_page, request, **options):
    """Open the spec's page at 390 px (signed in when it says so); check it loaded."""
    records = {}
    if spec.signed_in:
        options["storage_state"], records = request.getfixturevalue("member")
    page = make_page(**options)
    path = resolve(spec, records)
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    settle(page)
    if spec.signed_in:
        assert "/auth/login" not in page.url, f"{path} sent a signed-in user to {page.url}"
    return page, path


SCHEMES = ("light", "dark")  # the device's setting; a user's "system" theme follows it


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.name)
def test_no_serious_axe_violations(spec, scheme, make_page, request):
    # bypass_csp: axe is injected as an inline <script>, which the app's CSP (script-src 'self')
    # would block; the pages themselves are unchanged.
    page, path = open_page(spec, make_page, request, bypass_csp=True, color_scheme=scheme)

    violations = axe_violations(page, IMPACTS)

    assert not violations, f"axe on {path} at 390 px, {scheme}:\n{violations}"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: spec.name)
def test_no_sideways_scroll(spec, scheme, make_page, request):
    """WCAG 1.4.10 reflow: at 390 px nothing makes the whole page scroll sideways."""
    page, path = open_page(spec, make_page, request, color_scheme=scheme)

    width = page.evaluate("() => document.documentElement.scrollWidth")

    assert width <= 390, f"{path} is {width} px wide at 390 px ({scheme})"
