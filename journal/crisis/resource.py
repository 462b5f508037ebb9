"""One crisis service and how to reach it; the lines every region shares."""

import re
from dataclasses import dataclass

LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


@dataclass(frozen=True)
class Resource:
    """One service a person in crisis can reach, and how (`source` holds [text](href) links)."""

    name: str
    source: str

    @property
    def contact(self) -> str:
        """Return the contact as plain text."""
        return LINK.sub(r"\1", self.source)

    @property
    def links(self) -> list[dict]:
        """Return every tappable link in the contact, in order."""
        return [{"text": m[1], "href": m[2]} for m in LINK.finditer(self.source)]

    @property
    def parts(self) -> list[dict]:
        """Return the contact as text and link pieces, for templates to render."""
        pieces, start = [], 0
        for m in LINK.finditer(self.source):
            if m.start() > start:
                pieces.append({"text": self.source[start : m.start()], "href": None})
            pieces.append({"text": m[1], "href": m[2]})
            start = m.end()
        if start < len(self.source):
            pieces.append({"text": self.source[start:], "href": None})
        return pieces

    def as_dict(self) -> dict:
        """Describe the resource as JSON-ready data."""
        links = self.links
        return {
            "name": self.name,
            "contact": self.contact,
            "href": links[0]["href"] if links else None,
            "links": links,
            "parts": self.parts,
        }


def emergency(source: str) -> Resource:
    """Return a region's emergency numbers."""
    return Resource("Emergency services", source)


NOT_AN_EMERGENCY_SERVICE = (
    "Mood Journal is not an emergency service, and nobody reads your entries in real time. "
    "If you are in danger now, call your local emergency number."
)
FIND_A_HELPLINE = Resource("Find A Helpline", "[findahelpline.com](https://findahelpline.com)")
ELSEWHERE = (FIND_A_HELPLINE, emergency("112 in the EU, 911 in North America"))
EU_112 = emergency("[112](tel:112)")
SAMARITANS_116 = "call [116 123](tel:116123), free"
