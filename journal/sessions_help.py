"""One answer to "did the sessions help", the same number on Today, the share view and the PDF.

The measure, defined once (DEFINITION): for each session, the average daily check-in score on
days 1-7 after it minus the average on the 3 days before it (analysis.session_change), averaged
over the sessions in a period. Only check-ins and sessions inside the period count, so the
same period gives the same number wherever it is shown. The daily score is not a validated
PHQ-9, so no CHANGE.md verdict word is used for it: only points, lower or higher.
Pure code: plain records in, a small record out; no Flask, no database.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from . import analysis
from .verdict import long_date, points

QUESTION = "Did the sessions help?"
DEFINITION = (
    "How this is measured: the average daily check-in score (0-27, lower means fewer "
    "symptoms) in the 7 days after each session, compared with the 3 days before it."
)
NOT_ENOUGH = (
    "Not enough check-ins around the sessions to tell: a session needs a check-in in the "
    "3 days before it and in the 7 days after it."
)


@dataclass(frozen=True)
class SessionsHelp:
    """The measure over one period: the mean change, how many sessions it rests on."""

    start: date
    end: date
    sessions: int
    compared: int
    change: float | None

    question = QUESTION
    definition = DEFINITION

    @property
    def period(self) -> str:
        """Name the period ("1 March 2026 to 29 May 2026")."""
        return f"{long_date(self.start)} to {long_date(self.end)}"

    @property
    def answer(self) -> str:
        """Say the number in one sentence a patient understands."""
        if self.sessions == 0:
            return "No sessions in this period."
        if self.change is None:
            return NOT_ENOUGH
        way = self.direction
        amount = "" if way == "about the same as" else f"{points(abs(self.change))} points "
        counted = f"{self.compared} of {self.sessions} session{'' if self.sessions == 1 else 's'}"
        return (
            f"In the week after a session, the daily score was on average {amount}{way} "
            f"in the 3 days before it ({counted} compared)."
        )

    @property
    def direction(self) -> str:
        """Return "lower than", "higher than" or "about the same as" (within half a point)."""
        if self.change is None or abs(self.change) < 0.5:
            return "about the same as"
        return "lower than" if self.change < 0 else "higher than"


def sessions_help(
    daily: Sequence[dict], sessions: Sequence[dict], start: date, end: date
) -> SessionsHelp:
    """Average the before/after change of the sessions between start and end (inclusive)."""
    inside = [c for c in daily if start <= c["date"] <= end and c.get("total") is not None]
    done = [s for s in analysis.done_sessions(sessions) if start <= s["date"] <= end]
    changes = [
        c["change"] for c in analysis.session_change(inside, done) if c["change"] is not None
    ]
    mean = statistics.fmean(changes) if changes else None
    return SessionsHelp(start, end, len(done), len(changes), mean)
