"""Crisis resources by region, and the default region from a time zone.

`resource` holds the Resource type and shared lines, `regions` the lines per region, `zones` the
region each time zone maps to.

Every line is copied from docs/clinical/CRISIS_LINES.md, only where it is marked verified; verify at
each release. Contacts are written with [text](href) links so each number is one tap.
"""

from .regions import REGION_CHOICES, REGIONS, resources_for
from .resource import Resource
from .zones import LEGACY_ZONES, REGION_BY_ZONE, ZONE_TAB, region_for_timezone

__all__ = [
    "LEGACY_ZONES",
    "REGIONS",
    "REGION_BY_ZONE",
    "REGION_CHOICES",
    "ZONE_TAB",
    "Resource",
    "region_for_timezone",
    "resources_for",
]
