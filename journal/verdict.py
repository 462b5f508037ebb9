"""What a change in a score may be called: a named baseline, the PHQ-9 verdict, the item-9 flag.

Every rule and every word comes from docs/clinical/CHANGE.md (VERIFIED rows only). Pure code:
plain dates and numbers in, small records out; no Flask, no database.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

BASELINE_DAYS = 14  # the default baseline: every PHQ-9 in the 14 days before the first session
IMPORTANT_CHANGE = 5  # PHQ-9 points (Löwe et al. 2004): the change that matters for one person
RESPONSE_FALL = 0.5  # at least 50 % lower than baseline (ICSI)
PARTIAL_FALL = 0.25  # 25 % to less than 50 % lower (ICSI)
REMISSION_BELOW = 5  # a latest total below 5 (ICSI, citing Kroenke 2001)
ITEM9_DAYS = 60  # a positive item 9 this recent leads the clinician's page (CHANGE.md)
# Float means (a baseline of three scores) must not miss a boundary by rounding.
_EPS = 1e-9

MONTHS = (
    "January February March April May June July August September October November December"
).split()


def long_date(day: date) -> str:
    """Write a date for a clinician ("3 March 2026")."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def points(value: float) -> str:
    """Write a score without a needless decimal ("14", "14.5")."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Baseline:
    """The scores a change is measured from, and the rule that chose them."""

    scores: tuple[tuple[date, int], ...]
    rule: str

    @property
    def value(self) -> float:
        """Return the mean of the baseline's scores."""
        return statistics.fmean(total for _, total in self.scores)

    @property
    def first(self) -> date:
        """Return the date of the earliest baseline score."""
        return self.scores[0][0]

    @property
    def last(self) -> date:
        """Return the date of the latest baseline score."""
        return self.scores[-1][0]

    def describe(self, what: str = "PHQ-9") -> str:
        """Name the baseline: its value, how many scores, their dates, and the rule."""
        if len(self.scores) == 1:
            return (
                f"Baseline {what} {points(self.value)}: a single score, "
                f"{long_date(self.first)} ({self.rule})."
            )
        dates = f"{long_date(self.first)} to {long_date(self.last)}"
        return (
            f"Baseline {what} {points(self.value)}: the mean of {len(self.scores)} scores, "
            f"{dates} ({self.rule})."
        )


def choose_baseline(
    scores: Iterable[tuple[date, int]],
    first_session: date | None,
    period: tuple[date, date] | None = None,
    since: date | None = None,
) -> Baseline | None:
    """Pick the baseline: a chosen period, else the 14 days before session 1, else one score.

    The 14 days may lie before the range; the fallback is the first score on or after `since`
    (the range's start).
    """
    ordered = sorted(scores)
    if period is not None:
        start, end = period
        chosen = [s for s in ordered if start <= s[0] <= end]
        rule = f"the period chosen, {long_date(start)} to {long_date(end)}"
        return Baseline(tuple(chosen), rule) if chosen else None
    if first_session is not None:
        start = first_session - timedelta(days=BASELINE_DAYS)
        chosen = [s for s in ordered if start <= s[0] < first_session]
        if chosen:
            return Baseline(tuple(chosen), "every score in the 14 days before the first session")
    in_range = [s for s in ordered if since is None or s[0] >= since]
    if not in_range:
        return None
    return Baseline((in_range[0],), "the first score in the range")


@dataclass(frozen=True)
class Verdict:
    """The PHQ-9's latest score against its baseline, in CHANGE.md's words."""

    baseline: Baseline
    latest_date: date
    latest: int
    change: float
    percent: float | None
    terms: tuple[str, ...] = field(default=())

    def sentences(self) -> list[str]:
        """Return each term with the numbers behind it, the leading one first."""
        base = points(self.baseline.value)
        fall = f"{points(abs(self.percent))} %" if self.percent is not None else None
        said = {
            "Remission": f"Remission: the latest score, {self.latest}, is below 5.",
            "Response": f"Response: {fall} lower than the baseline of {base} (50 % or more).",
            "Partial response": (
                f"Partial response: {fall} lower than the baseline of {base} "
                "(25 % to less than 50 %)."
            ),
            "Clinically important improvement": (
                f"Clinically important improvement: {points(-self.change)} points lower "
                f"than the baseline of {base} (a change of 5 points or more)."
            ),
            "Clinically important worsening": (
                f"Clinically important worsening: {points(self.change)} points higher "
                f"than the baseline of {base} (a change of 5 points or more)."
            ),
            "No clinically important change": (
                f"No clinically important change: {self.describe_change()} the baseline "
                f"of {base} (less than 5 points either way)."
            ),
        }
        return [said[term] for term in self.terms]

    def describe_change(self) -> str:
        """Say how far the latest score moved ("2 points lower than", "the same as")."""
        if abs(self.change) < _EPS:
            return "the same as"
        way = "lower" if self.change < 0 else "higher"
        unit = "point" if abs(abs(self.change) - 1) < _EPS else "points"
        return f"{points(abs(self.change))} {unit} {way} than"

    @property
    def headline(self) -> str:
        """Return the verdict in a few words (the first term)."""
        return self.terms[0]


def phq9_verdict(baseline: Baseline, latest_date: date, latest: int) -> Verdict:
    """Compare the latest PHQ-9 with its baseline and name every term that holds."""
    base = baseline.value
    change = latest - base
    fall = -change / base if base > 0 else None
    terms = []
    if latest < REMISSION_BELOW:
        terms.append("Remission")
    if fall is not None and fall >= RESPONSE_FALL - _EPS:
        terms.append("Response")
    elif fall is not None and fall >= PARTIAL_FALL - _EPS:
        terms.append("Partial response")
    if change <= -IMPORTANT_CHANGE + _EPS:
        terms.append("Clinically important improvement")
    elif change >= IMPORTANT_CHANGE - _EPS:
        terms.append("Clinically important worsening")
    else:
        terms.append("No clinically important change")
    percent = change / base * 100 if base > 0 else None
    return Verdict(baseline, latest_date, latest, change, percent, tuple(terms))


def latest_after(scores: Iterable[tuple[date, int]], baseline: Baseline) -> tuple[date, int] | None:
    """Return the latest score dated after the baseline's last score, or None."""
    later = [s for s in scores if s[0] > baseline.last]
    return max(later) if later else None


@dataclass(frozen=True)
class Item9Answer:
    """One answer above 0 to PHQ-9 item 9 (thoughts of self-harm)."""

    day: date
    instrument: str  # "phq9" or "daily"
    answer: int


def item9_split(answers: Iterable, end: date, days: int = ITEM9_DAYS) -> tuple[list, list]:
    """Split positive item-9 answers into recent (the banner) and older (the history).

    Any record with a `day` and a numeric `answer` will do (an Item9Answer, the report's flag).
    Recent means on or after `end - days` and on or before `end`; newest first in both lists.
    """
    since = end - timedelta(days=days)
    positive = sorted((a for a in answers if a.answer > 0), key=lambda a: a.day, reverse=True)
    recent = [a for a in positive if since <= a.day <= end]
    older = [a for a in positive if a.day < since]
    return recent, older


def change_in_points(baseline: Baseline, latest: int) -> str:
    """Describe a change without verdict words (GAD-7, PCL-5, WHO-5): "+3 points"."""
    change = latest - baseline.value
    if abs(change) < _EPS:
        return "no change in points"
    sign = "+" if change > 0 else "−"
    return f"{sign}{points(abs(change))} points"


def baseline_rule_text(days: int = BASELINE_DAYS) -> str:
    """State the default baseline rule in one sentence, as the report prints it."""
    return (
        f"The baseline is every PHQ-9 in the {days} days before the first session shown "
        "(else the first score in the range), unless a baseline period was chosen."
    )


def scores_of(rows: Sequence[dict], instrument: str) -> list[tuple[date, int]]:
    """Return (date, total) pairs of one instrument's scored rows."""
    return [
        (r["date"], r["total"])
        for r in rows
        if r["instrument"] == instrument and r.get("total") is not None
    ]
