"""The settings a person edits, declared once: checks, API schemas and the page's limits."""

from .. import crisis
from ..accounts.rules import region_field, timezone_field
from ..fields import BodySpec, Boolean, Choice, Group, Integer, Output, Text
from ..instruments import INSTRUMENTS

THEMES = {"system": "Like this device", "light": "Light", "dark": "Dark"}
WEEK_STARTS = {"monday": "Monday", "sunday": "Sunday", "saturday": "Saturday"}
# PCL-5: the standard past-month form, or the VA's past-week version (instrument pcl5w).
PCL5_FORMS = {"month": "pcl5", "week": "pcl5w"}
# The PHQ-9 clock restarts after a session (as ketamine clinics' measurement programmes do).
DEFAULT_SCHEDULES = {
    "phq9": {"enabled": True, "every_days": 14, "after_session": True},
    "gad7": {"enabled": True, "every_days": 14, "after_session": True},
    "pcl5": {"enabled": False, "every_days": 30, "after_session": False, "form": "month"},
    "who5": {"enabled": False, "every_days": 14, "after_session": False},
}


def schedule(key: str) -> Group:
    """Declare one questionnaire's schedule; each part names the form control that shows it."""
    parts = {
        "enabled": Boolean(form=f"{key}_enabled", nullable=False),
        "every_days": Integer(
            minimum=7,
            maximum=90,
            message="Choose {minimum} to {maximum} days.",
            kind_message="Must be int.",
            form=f"{key}_every",
            nullable=False,
        ),
        "after_session": Boolean(form=f"{key}_after_session", nullable=False),
    }
    if "form" in DEFAULT_SCHEDULES[key]:
        parts["form"] = Choice(
            options={form: INSTRUMENTS[instrument].stem for form, instrument in PCL5_FORMS.items()},
            message="Choose month or week.",
            form=f"{key}_form",
            nullable=False,
        )
    return Group(
        fields=parts,
        partial=True,
        nullable=False,
        form=f"{key}_enabled",
        message='Give an object like {"enabled": true, "every_days": 14}.',
        unknown="Unknown setting.",
    )


SETTINGS = BodySpec(
    name="settings",
    partial=True,
    message="Some settings need attention.",
    fields={
        "display_name": Text(
            max_length=80,
            squash=True,
            message="A name is text.",
            too_long="Use at most {max} characters.",
            label="Your name (used on the report and the share view; optional)",
        ),
        "timezone": timezone_field(nullable=False, example="Europe/London", label="Time zone"),
        "region": region_field(
            unset=("", "auto"),
            description="crisis region; null = from the time zone",
            label="Crisis lines for",
        ),
        "theme": Choice(
            options=THEMES,
            default="system",
            message=f"Choose one of {', '.join(THEMES)}.",
            nullable=False,
            label="Theme",
        ),
        "week_start": Choice(
            options=WEEK_STARTS,
            default="monday",
            message=f"Choose one of {', '.join(WEEK_STARTS)}.",
            nullable=False,
            label="First day of the week",
        ),
        "schedules": Group(
            fields={key: schedule(key) for key in DEFAULT_SCHEDULES},
            partial=True,
            nullable=False,
            message="Give an object keyed by questionnaire (phq9, gad7, pcl5, who5).",
            unknown="Unknown questionnaire.",
            example={"pcl5": {"enabled": True, "form": "week"}, "who5": {"enabled": True}},
        ),
    },
    outputs={
        # Stored and shown as a region code: "from my time zone" is resolved when saved.
        "region": Output(
            {"type": "string", "enum": list(crisis.REGIONS)}, lambda user: user.region
        ),
    },
)
