"""Crisis resources by region (docs/clinical/CRISIS_LINES.md; verify at each release)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """One service a person in crisis can reach, and how."""

    name: str
    contact: str
    href: str | None = None


NOT_AN_EMERGENCY_SERVICE = (
    "Mood Journal is not an emergency service, and nobody reads your entries in real time. "
    "If you are in danger now, call your local emergency number."
)
ELSEWHERE = (
    Resource("Find A Helpline", "findahelpline.com", "https://findahelpline.com"),
    Resource("Emergency services", "112 in the EU, 911 in North America"),
)
SAMARITANS = (Resource("Samaritans", "call 116 123", "tel:116123"),)
REGIONS: dict[str, tuple[str, tuple[Resource, ...]]] = {
    "US": (
        "United States",
        (
            Resource("988 Suicide & Crisis Lifeline", "call or text 988", "tel:988"),
            Resource("988 Lifeline chat", "988lifeline.org", "https://988lifeline.org"),
            Resource("Veterans Crisis Line", "call 988 and press 1, or text 838255", "sms:838255"),
            Resource("Crisis Text Line", "text HOME to 741741", "sms:741741?body=HOME"),
        ),
    ),
    "CA": ("Canada", (Resource("9-8-8 Suicide Crisis Helpline", "call or text 988", "tel:988"),)),
    "UK": ("United Kingdom", SAMARITANS),
    "IE": ("Ireland", SAMARITANS),
    "AU": ("Australia", (Resource("Lifeline", "call 13 11 14", "tel:131114"),)),
    "OTHER": ("Elsewhere", ()),
}
REGION_CHOICES = [(code, name) for code, (name, _) in REGIONS.items()]


def resources_for(region: str | None) -> dict:
    """Return the crisis resources for a region (unknown regions get the international list)."""
    code = region if region in REGIONS else "OTHER"
    name, local = REGIONS[code]
    return {
        "region": code,
        "region_name": name,
        "resources": [r.__dict__ for r in (*local, *ELSEWHERE)],
        "notice": NOT_AN_EMERGENCY_SERVICE,
    }
