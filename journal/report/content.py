"""What the therapist report holds: its limits and the plain values its templates show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the summary's records, named for the type checker only (no import cycle)
    from ..sessions_help import SessionsHelp
    from .summary import Latest, Phq9Summary, Series

# The PDF's charts, in reading order: the timeline on page 1, then the session charts that
# detail "did the sessions help" (before/after bars, days since each session, durability).
# The share view adds the rest (the calendar, the items), folded.
REPORT_CHARTS = ("timeline", "session-change", "around-sessions", "durability")
PAPERS = {"a4": "A4", "letter": "letter"}
DEFAULT_DAYS = 90
NAME_MAX = 80


@dataclass(frozen=True)
class Limits:
    """How much of each list the report shows (None: all of it)."""

    sessions: int | None = None
    reflections: int | None = None
    reflection_chars: int | None = None
    item9_dates: int | None = None
    score_dates: int | None = None


# Three A4 pages hold about this much; the rest is in the data export and the share page.
# A year's sessions are all listed (page 1 sums up the induction series and the boosters in
# any case); only older item-9 answers are cut, never the recent ones in the banner.
PDF_LIMITS = Limits(sessions=16, reflections=2, reflection_chars=450, item9_dates=6, score_dates=24)
FULL = Limits()


@dataclass(frozen=True)
class ScoreRow:
    """One validated questionnaire result in the score table."""

    day: date
    instrument: str
    total: int
    max_total: int
    band: str
    change: float | None


@dataclass(frozen=True)
class SessionRow:
    """One line of the session table."""

    day: date
    medication: str
    route: str
    dose: str
    side_effects: str
    planned: bool


@dataclass(frozen=True)
class Item9Flag:
    """A check-in whose item 9 was answered above "Not at all"."""

    day: date
    instrument: str
    answer: int
    label: str


@dataclass(frozen=True)
class SharedReflection:
    """A reflection the user marked for sharing, cut to fit the page."""

    day: date
    session: str | None
    parts: list[tuple[str, str]]
    cut: bool


@dataclass(frozen=True)
class Report:
    """Everything the report shows, as plain values for the templates."""

    name: str | None
    start: date
    end: date
    drawn_from: date
    generated_at: datetime
    first_session: date | None
    phq9: Phq9Summary
    others: list[Latest]
    baseline_rule: str
    series: list[Series]
    helped: SessionsHelp
    score_table: list[ScoreRow]
    paper: str
    daily_count: int
    sessions: list[SessionRow]
    sessions_total: int
    item9_recent: list[Item9Flag]
    item9_older: list[Item9Flag]
    item9_grouped: list[str]  # the recent answers in a few lines, for a long banner
    include_reflections: bool
    reflections: list[SharedReflection]
    reflections_total: int
    limits: Limits
    # Whether a safety plan exists and when it changed; its lists only when the share includes it.
    safety_plan: dict | None = None

    @property
    def item9_older_shown(self) -> list[Item9Flag]:
        """Return the older item-9 flags to list, newest first (the count is given in full)."""
        return self.item9_older[: self.limits.item9_dates]

    @property
    def score_instruments(self) -> list[str]:
        """Return the questionnaires in the score table, in table order."""
        return list(dict.fromkeys(row.instrument for row in self.score_table))

    @property
    def score_dates(self) -> list[tuple[date, dict[str, ScoreRow]]]:
        """Return the score table as one row per date: {questionnaire: result}."""
        rows: dict[date, dict[str, ScoreRow]] = {}
        for row in self.score_table:
            rows.setdefault(row.day, {})[row.instrument] = row
        return list(rows.items())

    @property
    def score_dates_shown(self) -> list[tuple[date, dict[str, ScoreRow]]]:
        """Return the most recent dates of the score table that fit (all of them on screen)."""
        dates = self.score_dates
        limit = self.limits.score_dates
        return dates if limit is None else dates[-limit:]

    @property
    def days(self) -> int:
        """Return the number of days in the range."""
        return (self.end - self.start).days + 1
