"""Crisis resources by region."""

from journal import crisis


def test_us_gets_988_first():
    """The US list starts with the 988 Lifeline and includes the Crisis Text Line."""
    info = crisis.resources_for("US")
    assert info["resources"][0]["contact"] == "call or text 988"
    assert any("741741" in r["contact"] for r in info["resources"])


def test_uk_gets_samaritans():
    """The UK list has Samaritans on 116 123."""
    assert "116 123" in crisis.resources_for("UK")["resources"][0]["contact"]


def test_unknown_region_falls_back_to_international_list():
    """An unknown region still gets Find A Helpline and the emergency numbers."""
    info = crisis.resources_for("ZZ")
    assert info["region"] == "OTHER"
    assert [r["name"] for r in info["resources"]] == ["Find A Helpline", "Emergency services"]


def test_every_region_says_the_app_is_not_an_emergency_service():
    """The notice is on every list."""
    for code in crisis.REGIONS:
        assert "not an emergency service" in crisis.resources_for(code)["notice"]
