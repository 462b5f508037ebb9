"""What is due for a person at a UTC instant, as pure functions (no Flask, no database).

A reminder fires once the person's local wall clock has reached their chosen time on their
local date, outside quiet hours. Comparing wall-clock times is what makes it DST-safe: on a
spring-forward day a time in the skipped hour (02:30) fires at the first minute after it
(03:00); on a fall-back day a time in the repeated hour matches twice, and the sent log (unique
per person, kind and local date) lets only the first through. Quiet hours may wrap midnight.
A missed questionnaire is reminded once a day for at most MISSED_DAYS days from its due date.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from ..fields import BodySpec, Boolean, ClockTime, Group, Output

MISSED_DAYS = 3
KINDS = ("daily", "phq9", "gad7", "pcl5", "who5", "reflection")
# Reflection prompts worth a reminder: the next day and a week later (day 0 is the session day,
# when the person is at the clinic or resting).
REFLECTION_PROMPTS = ("day1", "day7")


def switches(labels: dict, example: str, **options) -> Group:
    """Declare an object of on/off switches; only those given change."""
    names = ", ".join(labels)
    return Group(
        fields={name: Boolean(label=label, nullable=False) for name, label in labels.items()},
        partial=True,
        nullable=False,
        message=f'Give an object like {{"{example}": true}}.',
        unknown=f"Unknown; choose from {names}.",
        **options,
    )


def quiet_time(name: str) -> ClockTime:
    """Declare one end of quiet hours."""
    return ClockTime(
        required=True, form=f"quiet_{name}", example="22:00" if name == "start" else "07:00"
    )


REMINDERS = BodySpec(
    name="reminders",
    message="Some reminder settings need attention.",
    fields={
        "time": ClockTime(required=True, example="19:30", label="Remind me at"),
        "quiet_hours": Group(
            fields={"start": quiet_time("start"), "end": quiet_time("end")},
            message='Give {"start": "22:00", "end": "07:00"} or null.',
            unknown="Unknown; give start and end.",
            description="No reminders between start and end (may wrap midnight); null: none",
        ),
        "channels": switches(
            {
                "push": "As notifications on devices where I turn them on",
                "email": "By e-mail",
                "calendar": "In my calendar (the subscription URL)",
            },
            "push",
            required=True,
        ),
        "kinds": switches(
            {
                "daily": "The daily check-in, when it is not done yet",
                "questionnaires": "Questionnaires when they are due (for at most three days)",
                "reflections": "Reflection prompts the day after and a week after a session",
            },
            "daily",
        ),
    },
    outputs={
        "calendar_subscription": Output(
            {"type": "boolean", "description": "A calendar subscription URL exists"},
            lambda pref: pref is not None and pref.calendar_secret_hash is not None,
        ),
    },
)
CHANNELS = tuple(REMINDERS.field("channels").fields)
KIND_SWITCHES = tuple(REMINDERS.field("kinds").fields)


@dataclass(frozen=True)
class Preferences:
    """The choices the rules need."""

    time: time
    quiet_start: time | None = None
    quiet_end: time | None = None
    daily: bool = True
    questionnaires: bool = True
    reflections: bool = True


@dataclass(frozen=True)
class State:
    """What is known about the person on their local date."""

    daily_done: bool = False
    # Schedule key (phq9, gad7, pcl5, who5) -> the date it is due (Today's rule).
    questionnaires: dict[str, date] = field(default_factory=dict)
    # Follow-up prompts (day1, day7) whose day is today and that are still open.
    open_prompts: int = 0


def local_now(now: datetime, zone: str) -> datetime:
    """Return the aware UTC instant as the person's local time."""
    if now.tzinfo is None:
        raise ValueError("naive datetime given; attach a time zone")
    return now.astimezone(ZoneInfo(zone))


def in_quiet_hours(moment: time, start: time | None, end: time | None) -> bool:
    """Tell whether a wall-clock time lies in quiet hours [start, end), which may wrap midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def window_open(prefs: Preferences, local: datetime) -> bool:
    """Tell whether reminders may go out now: the chosen time has come and it is not quiet."""
    wall = local.time().replace(tzinfo=None)
    return wall >= prefs.time and not in_quiet_hours(wall, prefs.quiet_start, prefs.quiet_end)


def questionnaire_reminded(due: date, today: date) -> bool:
    """Tell whether a questionnaire due on `due` gets a reminder today (the three-day cap)."""
    return 0 <= (today - due).days < MISSED_DAYS


def due_kinds(prefs: Preferences, state: State, today: date) -> list[str]:
    """Return the kinds of reminder due today, whatever the clock says."""
    kinds = []
    if prefs.daily and not state.daily_done:
        kinds.append("daily")
    if prefs.questionnaires:
        for key in KINDS:
            due = state.questionnaires.get(key)
            if due is not None and questionnaire_reminded(due, today):
                kinds.append(key)
    if prefs.reflections and state.open_prompts:
        kinds.append("reflection")
    return kinds


def due_now(prefs: Preferences, state: State, now: datetime, zone: str) -> tuple[date, list[str]]:
    """Return the person's local date and the reminders due at the UTC instant `now`."""
    local = local_now(now, zone)
    if not window_open(prefs, local):
        return local.date(), []
    return local.date(), due_kinds(prefs, state, local.date())
