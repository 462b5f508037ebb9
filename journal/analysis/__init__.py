"""Pure analysis of check-ins, validated scores and treatment sessions (no Flask, no database).

Inputs are plain data, in any order (the contract with the views):

- daily check-ins: ``{"date": date, "total": 0-27, "mood": 0-10 | None, "answers": [9 ints 0-3]}``
- validated scores: ``{"date": date, "instrument": "phq9" | "gad7", "total": int}``
- sessions: ``{"date": date, "started_at": aware datetime, "route": str, "route_label": str | None,
  "dose": float | None, "dose_unit": str | None, "clinic": str | None, "planned": bool}``

Planned sessions are ignored by every calculation here: only sessions that happened count.

Session windows are cut so that no day is credited to a session after the next one has happened:
a window ends the day before the next session's date and starts no earlier than the day after the
previous session's date. When two sessions share a date, the earlier one (by ``started_at``) keeps
only the days before that date, and the later one owns that date (day 0) and the days after it.

Clinical thresholds follow docs/clinical/INSTRUMENTS.md: response = a fall of 50 % or more
from baseline, remission = a total below 5, minimal important difference = 5 points. Text shown to
users calls the daily score a "daily PHQ-9-style score", never "PHQ-9", and never diagnoses.

The package holds the maths only: `scores` (baselines, thresholds, means), `sessions` (windows,
before/after, durability), `resample` (day, week or month bins). The words that describe the
results live beside each chart in `journal.charts`.
"""

from .resample import (
    DAILY_UP_TO,
    RESOLUTION_WORDS,
    WEEKLY_UP_TO,
    bin_start,
    next_bin,
    resample,
    resolution,
)
from .scores import (
    ITEM_COUNT,
    ITEM_SHORT_LABELS,
    MID,
    ONE_DAY,
    REMISSION_BELOW,
    RESPONSE_FRACTION,
    Record,
    baseline,
    done_sessions,
    instrument_baseline,
    pre_session_window,
    response_threshold,
    rolling_mean,
    status,
    weekly_item_means,
)
from .sessions import (
    DURABILITY_BEFORE,
    DURABILITY_MAX,
    DURABILITY_MEAN,
    durability,
    mean_by_offset,
    quartiles,
    session_change,
    session_windows,
    since_last_session,
)

__all__ = [
    "DAILY_UP_TO",
    "DURABILITY_BEFORE",
    "DURABILITY_MAX",
    "DURABILITY_MEAN",
    "ITEM_COUNT",
    "ITEM_SHORT_LABELS",
    "MID",
    "ONE_DAY",
    "REMISSION_BELOW",
    "RESOLUTION_WORDS",
    "RESPONSE_FRACTION",
    "Record",
    "WEEKLY_UP_TO",
    "baseline",
    "bin_start",
    "done_sessions",
    "durability",
    "instrument_baseline",
    "mean_by_offset",
    "next_bin",
    "pre_session_window",
    "quartiles",
    "resample",
    "resolution",
    "response_threshold",
    "rolling_mean",
    "session_change",
    "session_windows",
    "since_last_session",
    "status",
    "weekly_item_means",
]
