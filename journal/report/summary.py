"""Page 1 of the report: latest PHQ-9, named baseline, verdict, other scores, session series.

Every rule and word comes from journal.verdict (docs/clinical/CHANGE.md). Plain values in,
plain records out, so the PDF, the printable page and the share view say the same thing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from .. import instruments, verdict
from ..verdict import Baseline, Verdict, long_date
from .content import SessionRow

OTHERS = ("gad7", "pcl5", "pcl5w", "who5")
SERIES_GAP = 7  # days: sessions at most this far apart belong to one series


@dataclass(frozen=True)
class Latest:
    """One questionnaire's latest score in the range, its band and its change from baseline."""

    title: str
    day: date
    total: int
    max_total: int
    band: str
    baseline: Baseline | None
    change: str | None  # change in points, no verdict words (CHANGE.md)


@dataclass(frozen=True)
class Phq9Summary:
    """The PHQ-9 part of page 1: latest, baseline, verdict, or what is missing."""

    latest: Latest | None
    baseline: Baseline | None
    verdict: Verdict | None
    missing: str | None  # why there is no verdict, in a sentence


@dataclass(frozen=True)
class Series:
    """Sessions summarised in one line: the induction series or the boosters."""

    name: str
    count: int
    first: date
    last: date
    medications: str
    routes: str

    @property
    def line(self) -> str:
        """Say the series in one line ("Induction series: 6 sessions, ...")."""
        when = (
            long_date(self.first)
            if self.first == self.last
            else f"{long_date(self.first)} to {long_date(self.last)}"
        )
        noun = "session" if self.count == 1 else "sessions"
        what = ", ".join(part for part in (self.medications, self.routes) if part)
        return f"{self.name}: {self.count} {noun}, {when}; {what}."


def pairs(validated: list[dict], instrument: str) -> list[tuple[date, int]]:
    """Return (date, total) pairs of one questionnaire, oldest first."""
    return sorted(verdict.scores_of(validated, instrument))


def named_baseline(
    history: list[dict],
    instrument: str,
    first_session: date | None,
    start: date,
    period: tuple[date, date] | None,
) -> Baseline | None:
    """Return one questionnaire's baseline by the report's rule (history may precede the range)."""
    return verdict.choose_baseline(pairs(history, instrument), first_session, period, since=start)


def latest_of(in_range: list[dict], instrument_id: str, baseline: Baseline | None) -> Latest | None:
    """Return a questionnaire's latest score in the range, with its change after the baseline."""
    taken = pairs(in_range, instrument_id)
    if not taken:
        return None
    day, total = taken[-1]
    instrument = instruments.INSTRUMENTS[instrument_id]
    after = baseline is not None and day > baseline.last
    return Latest(
        instrument.short_title,
        day,
        total,
        instrument.max_total,
        instrument.band_for(total) if instrument.bands else "",
        baseline,
        verdict.change_in_points(baseline, total) if after else None,
    )


def phq9_summary(
    history: list[dict],
    in_range: list[dict],
    first_session: date | None,
    start: date,
    period: tuple[date, date] | None = None,
) -> Phq9Summary:
    """Compare the latest PHQ-9 in the range with its named baseline, in CHANGE.md's terms."""
    baseline = named_baseline(history, "phq9", first_session, start, period)
    latest = latest_of(in_range, "phq9", baseline)
    if baseline is None:
        missing = (
            "No PHQ-9 in the baseline period chosen: no verdict."
            if period
            else "No PHQ-9 in this range: no baseline and no verdict."
        )
        return Phq9Summary(latest, None, None, missing)
    after = verdict.latest_after(pairs(in_range, "phq9"), baseline)
    if after is None:
        missing = "No PHQ-9 after the baseline in this range: no verdict yet."
        return Phq9Summary(latest, baseline, None, missing)
    return Phq9Summary(latest, baseline, verdict.phq9_verdict(baseline, *after), None)


def other_scores(
    history: list[dict],
    in_range: list[dict],
    first_session: date | None,
    start: date,
    period: tuple[date, date] | None = None,
) -> list[Latest]:
    """Return the latest GAD-7, PCL-5 and WHO-5 with band and change in points, no verdict."""
    found = []
    for key in OTHERS:
        baseline = named_baseline(history, key, first_session, start, period)
        latest = latest_of(in_range, key, baseline)
        if latest is not None:
            found.append(latest)
    return found


def first_shown(sessions: list[dict], start: date, end: date) -> date | None:
    """Return the date of the first session that happened in the range (the baseline's anchor)."""
    days = [s["date"] for s in sessions if not s.get("planned") and start <= s["date"] <= end]
    return min(days, default=None)


def _series(name: str, rows: list[SessionRow]) -> Series:
    """Summarise a run of sessions: count, dates, medications and routes named once each."""
    medications = ", ".join(dict.fromkeys(r.medication for r in rows if r.medication))
    routes = ", ".join(dict.fromkeys(r.route for r in rows if r.route))
    return Series(name, len(rows), rows[0].day, rows[-1].day, medications, routes)


def session_series(rows: list[SessionRow], first_ever: date | None) -> list[Series]:
    """Split the range's sessions into the induction series and the boosters, one line each.

    The induction series is the run of sessions, each at most 7 days after the one before,
    that starts with the person's first session ever; every later session is a booster.
    """
    done = [r for r in rows if not r.planned]
    if not done:
        return []
    induction: list[SessionRow] = []
    if first_ever is not None and done[0].day == first_ever:
        induction = [done[0]]
        for row in done[1:]:
            if row.day - induction[-1].day > timedelta(days=SERIES_GAP):
                break
            induction.append(row)
    boosters = done[len(induction) :]
    found = []
    if induction:
        found.append(
            _series("Induction series" if len(induction) > 1 else "First session", induction)
        )
    if boosters:
        found.append(_series("Boosters" if induction or first_ever else "Sessions", boosters))
    return found


def item9_grouped(flags: list) -> list[str]:
    """Write many item-9 answers in a few lines: by questionnaire and answer, dates by month.

    "daily check-in, Quite a bit (2): 7, 6, 5 Dec 2026; 30 Nov 2026": every date and answer
    is still there, in a fraction of the room (the banner must leave page 1 for the chart).
    """
    groups: dict[tuple[str, str], dict[tuple[int, int], list[int]]] = {}
    for flag in flags:  # newest first
        months = groups.setdefault((flag.instrument, flag.label), {})
        months.setdefault((flag.day.year, flag.day.month), []).append(flag.day.day)
    lines = []
    for (instrument, label), months in groups.items():
        dates = "; ".join(
            f"{', '.join(map(str, days))} {date(year, month, 1):%b %Y}"
            for (year, month), days in months.items()
        )
        lines.append(f"{instrument}, {label}: {dates}.")
    return lines
