"""One request's analysis, computed once and shared by every figure, caption and the report.

`ChartData` holds the plain records (the whole history up to the range's end, because the
baseline and session windows look before the range) and works out each analysis result the
first time something asks for it. A figure, its caption and the report read the same result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from journal import analysis
from journal.analysis import Record


@dataclass(frozen=True)
class ChartInputs:
    """Everything the charts need, as plain data: the whole history up to `end`."""

    daily: list[dict]
    validated: list[dict]
    sessions: list[dict]
    start: date | None
    end: date | None

    def in_range(self, records: list[dict]) -> list[dict]:
        """Keep records dated inside the chosen range."""
        return [
            r
            for r in records
            if (self.start is None or r["date"] >= self.start)
            and (self.end is None or r["date"] <= self.end)
        ]


@dataclass
class ChartData:
    """The analysis of one range, each part computed on first use and then kept.

    `clinician` selects the captions' voice: the patient's own ("your score") on the dashboard,
    third person for the report and the share view. `ranged_sessions` keeps session windows to
    the range's check-ins (the report and share view: no score from before the range reaches a
    therapist through a window that starts before it).
    """

    inputs: ChartInputs
    today: date
    clinician: bool = False
    ranged_sessions: bool = False
    # Drawn small on paper: fewer labels (the PDF's tables name the bands).
    compact: bool = False
    # The person's first day of the week, as date.weekday() numbers it (0 Monday, 6 Sunday).
    week_start: int = 0
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def daily(self) -> list[Record]:
        """Return the daily check-ins in the range."""
        return self.inputs.in_range(self.inputs.daily)

    @cached_property
    def validated(self) -> list[Record]:
        """Return the validated questionnaire scores in the range."""
        return self.inputs.in_range(self.inputs.validated)

    @cached_property
    def sessions(self) -> list[Record]:
        """Return the sessions (done and planned) in the range."""
        return self.inputs.in_range(self.inputs.sessions)

    @cached_property
    def _window_rows(self) -> list[Record]:
        """Return the check-ins session windows may read, whatever they measured."""
        return self.daily if self.ranged_sessions else self.inputs.daily

    @cached_property
    def window_daily(self) -> list[Record]:
        """Return the check-ins with a total (before/after change and durability compare totals)."""
        # A mood-only check-in has no total to compare.
        return [c for c in self._window_rows if c.get("total") is not None]

    @cached_property
    def window_key(self) -> str:
        """Return what the around-sessions view draws: totals when any, else mood (0-10)."""
        if self.window_daily or not any(c.get("mood") is not None for c in self._window_rows):
            return "total"
        return "mood"

    @cached_property
    def first(self) -> date:
        """Return the first day drawn: the range's start, or the first entry for "all"."""
        if self.inputs.start is not None:
            return self.inputs.start
        days = [r["date"] for r in (*self.daily, *self.validated, *self.sessions)]
        return min(days, default=self.last)

    @cached_property
    def last(self) -> date:
        """Return the last day drawn: the range's end (today when open)."""
        return self.inputs.end or self.today

    @cached_property
    def resolution(self) -> str:
        """Return "day", "week" or "month" for the range's length."""
        return analysis.resolution(self.first, self.last)

    @cached_property
    def baseline(self) -> Record | None:
        """Return the baseline from the whole history (it may lie before the range)."""
        return analysis.baseline(self.inputs.daily, self.inputs.validated, self.inputs.sessions)

    def series(self, key: str) -> list[Record]:
        """Return the daily `key` ("total" or "mood") resampled to the range's resolution."""
        if key not in self._cache:
            points = [(c["date"], c.get(key)) for c in self.daily]
            self._cache[key] = analysis.resample(points, self.first, self.last, self.resolution)
        return self._cache[key]

    @cached_property
    def rolling(self) -> dict[date, float | None]:
        """Return the 7-day average of daily totals by date (mood-only days skipped)."""
        return dict(analysis.rolling_mean((c["date"], c.get("total")) for c in self.daily))

    def _in_range(self, rows: list[Record]) -> list[Record]:
        """Keep per-session rows whose session falls inside the range."""
        return [row for row in rows if self.inputs.in_range([row["session"]])]

    @cached_property
    def windows(self) -> list[Record]:
        """Return each session's totals (or moods, see `window_key`) by day offset, in range."""
        key, sessions = self.window_key, self.inputs.sessions
        return self._in_range(analysis.session_windows(self._window_rows, sessions, key=key))

    @cached_property
    def mean_by_offset(self) -> list[Record]:
        """Return the mean and quartiles by day offset over the windows."""
        return analysis.mean_by_offset(self.windows)

    @cached_property
    def changes(self) -> list[Record]:
        """Return each session's before/after change (sessions in the range)."""
        return self._in_range(analysis.session_change(self.window_daily, self.inputs.sessions))

    @cached_property
    def durability(self) -> list[Record]:
        """Return each session's days below its pre-session level (sessions in the range)."""
        rows = analysis.durability(self.window_daily, self.inputs.sessions, self.last)
        return self._in_range(rows)

    @cached_property
    def since_last(self) -> Record | None:
        """Return where today sits after the last session (open-ended ranges only)."""
        if self.last != self.today:
            return None
        return analysis.since_last_session(self.inputs.daily, self.inputs.sessions, self.today)

    @cached_property
    def weekly_items(self) -> Record:
        """Return each item's weekly mean answer over the range."""
        return analysis.weekly_item_means(
            [c for c in self.daily if c.get("answers") and None not in c["answers"]]
        )
