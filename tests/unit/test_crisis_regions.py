"""Crisis lines for 29 countries, and the default region from the tz database's zone.tab."""

import importlib.resources
import re
from pathlib import Path

import pytest

from journal import crisis

SOURCE = (Path(__file__).parents[2] / "docs" / "clinical" / "CRISIS_LINES.md").read_text()
ZONES_SECTION = SOURCE.split("## Default region from the IANA time zone", 1)[1]
ISO = {"UK": "GB"}


def zone_tab() -> dict[str, set[str]]:
    """Return the zone names per ISO country code from the zone.tab tzdata ships."""
    path = importlib.resources.files("tzdata").joinpath("zoneinfo/zone.tab")
    zones: dict[str, set[str]] = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            country, _coords, name, *_ = line.split("\t")
            zones.setdefault(country, set()).add(name)
    return zones


def test_twenty_nine_countries_and_an_international_list():
    """Every country in CRISIS_LINES.md has a list, plus 'elsewhere'."""
    listed = set(re.findall(r"^\| ([A-Z]{2}) \|", SOURCE, flags=re.M))
    assert len(listed) == 29
    assert set(crisis.REGIONS) == listed | {"OTHER"}


@pytest.mark.parametrize("region", sorted(crisis.ZONE_TAB))
def test_zone_table_matches_shipped_zone_tab(region):
    """Each region's zones are exactly zone.tab's for that country (a new zone fails here)."""
    assert set(crisis.ZONE_TAB[region]) == zone_tab()[ISO.get(region, region)]


@pytest.mark.parametrize("region", sorted(crisis.ZONE_TAB))
def test_zone_table_matches_crisis_lines_md(region):
    """The table in CRISIS_LINES.md and the code agree, legacy names included."""
    label = "UK (GB)" if region == "UK" else region
    row = re.search(rf"^\| {re.escape(label)} \| (.+?) \| (.+?) \|$", ZONES_SECTION, flags=re.M)
    names = set(row[1].split(", "))
    legacy = set() if row[2] == "—" else set(row[2].split(", "))
    assert names == set(crisis.ZONE_TAB[region])
    assert legacy == set(crisis.LEGACY_ZONES.get(region, ()))


@pytest.mark.parametrize(
    ("zone", "region"),
    [
        ("Europe/London", "UK"),
        ("Europe/Oslo", "NO"),
        ("Europe/Stockholm", "SE"),
        ("Europe/Copenhagen", "DK"),
        ("Europe/Amsterdam", "NL"),
        ("America/Toronto", "CA"),
        ("America/Creston", "CA"),
        ("America/Nassau", "OTHER"),
        ("Asia/Kuala_Lumpur", "OTHER"),
        ("Africa/Maseru", "OTHER"),
        ("Asia/Calcutta", "IN"),
        ("US/Eastern", "US"),
        ("America/Ciudad_Juarez", "MX"),
        ("UTC", "OTHER"),
        ("Europe/Jersey", "OTHER"),
        ("Not/AZone", "OTHER"),
        (None, "OTHER"),
    ],
)
def test_default_region_from_zone_as_given(zone, region):
    """Names are looked up as given, never through backward links (Oslo is not Berlin)."""
    assert crisis.region_for_timezone(zone) == region


@pytest.mark.parametrize("region", sorted(crisis.REGIONS))
def test_every_number_is_a_tap(region):
    """Each resource with a digit in it has a tel:/sms: link, and links are well formed."""
    for resource in crisis.resources_for(region)["resources"]:
        hrefs = [link["href"] for link in resource["links"]]
        numbers = re.search(r"(?<![\w.])\d[\d -]{1,}\d(?![\w.])", resource["contact"])
        if numbers and "112 in the EU" not in resource["contact"]:
            assert any(h.startswith(("tel:", "sms:")) for h in hrefs), resource
        for href in hrefs:
            assert re.fullmatch(r"tel:\d+|sms:\d+(\?body=[A-Z]+)?|https://[\w./-]+", href), href
        assert "[" not in resource["contact"] and "](" not in resource["contact"]


def test_veterans_line_has_a_tel_link():
    """'Call 988 and press 1' is a tap too."""
    veterans = next(
        r for r in crisis.resources_for("US")["resources"] if r["name"] == "Veterans Crisis Line"
    )
    assert {link["href"] for link in veterans["links"]} == {"tel:988", "sms:838255"}


@pytest.mark.parametrize(
    ("region", "number"),
    [
        ("UK", "116 123"),
        ("UK", "85258"),
        ("IE", "116 123"),
        ("NZ", "1737"),
        ("DE", "0800 111 0 111"),
        ("FR", "3114"),
        ("ES", "024"),
        ("NL", "113"),
        ("BE", "1813"),
        ("AT", "142"),
        ("CH", "143"),
        ("SE", "90101"),
        ("NO", "116 123"),
        ("NO", "22 40 00 40"),
        ("DK", "70 201 201"),
        ("FI", "09 2525 0111"),
        ("PL", "800 70 2222"),
        ("PT", "1411"),
        ("IN", "14416"),
        ("JP", "0120-279-338"),
        ("KR", "109"),
        ("BR", "188"),
        ("MX", "800 911 2000"),
        ("ZA", "0800 567 567"),
        ("SG", "1767"),
        ("PH", "1553"),
        ("IL", "1201"),
    ],
)
def test_national_line_is_listed_and_in_the_source(region, number):
    """The main national line of each region is there, and the source has the number."""
    contacts = " ".join(r["contact"] for r in crisis.resources_for(region)["resources"])
    assert number in contacts and number in SOURCE


def test_unverified_facts_are_not_shipped():
    """Conflicting or unverified numbers (Japan's 0570 line, Ireland's 50808) stay out."""
    everything = " ".join(
        r["contact"] for code in crisis.REGIONS for r in crisis.resources_for(code)["resources"]
    )
    for absent in ("0570", "50808", " 1393", "999 police"):
        assert absent not in everything
