"""What a person sends to make a share link, declared once: checks, API schema, form limits."""

from ..fields import BodySpec, Boolean, Day, Integer, Text

# With no start date, a link shows this many days up to its end.
DEFAULT_RANGE_DAYS = 90

SHARE = BodySpec(
    name="share",
    fields={
        "label": Text(
            max_length=80,
            squash=True,
            message="A label is text.",
            too_long="Use at most {max} characters.",
            example="for Dr. Rivera",
            label="Label (only you see it), e.g. “for Dr. Rivera”",
        ),
        "from": Day(
            description=f"Default: {DEFAULT_RANGE_DAYS - 1} days before to",
            form="start",
            label="From",
        ),
        "to": Day(description="Default: today", form="end", label="To"),
        "expires_in_days": Integer(
            minimum=1,
            maximum=90,
            default=14,
            message="From {minimum} to {maximum} days.",
            kind_message="A whole number.",
            nullable=False,
            label="Link works for (days)",
        ),
        "include_reflections": Boolean(
            description="Include reflections marked for sharing",
            nullable=False,
            label="Include reflections marked “include when sharing”",
        ),
        # Off by default: without it the link says only whether a plan exists and when it changed.
        "include_safety_plan": Boolean(
            description="Include the safety plan's content (else only that one exists)",
            nullable=False,
            label="Include my safety plan",
        ),
    },
)
