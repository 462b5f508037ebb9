"""The baseline, verdict and item-9 rules of docs/clinical/CHANGE.md, at every boundary by hand."""

from datetime import date, timedelta

import pytest

from journal import verdict
from journal.verdict import Baseline, Item9Answer, choose_baseline, item9_split, phq9_verdict

DAY = date(2026, 6, 1)


def base(*totals: int) -> Baseline:
    """Return a baseline of these scores on consecutive days."""
    return Baseline(tuple((DAY + timedelta(days=n), t) for n, t in enumerate(totals)), "test")


def terms(baseline_totals: tuple[int, ...], latest: int) -> tuple[str, ...]:
    """Return the verdict's terms for a latest score against these baseline scores."""
    return phq9_verdict(base(*baseline_totals), DAY + timedelta(days=30), latest).terms


@pytest.mark.parametrize(
    ("baseline", "latest", "expected"),
    [
        # A drop of 4 is not clinically important; a drop of 5 is.
        ((16,), 12, ("Partial response", "No clinically important change")),
        ((16,), 11, ("Partial response", "Clinically important improvement")),
        ((20,), 24, ("No clinically important change",)),
        ((20,), 25, ("Clinically important worsening",)),
        # 24 % lower is nothing; 25 % is a partial response.
        ((25,), 19, ("Clinically important improvement",)),
        ((20,), 15, ("Partial response", "Clinically important improvement")),
        # 48 % lower (just under half) is partial; 50 % is a response.
        ((25,), 13, ("Partial response", "Clinically important improvement")),
        ((18,), 9, ("Response", "Clinically important improvement")),
        # Remission is a latest total below 5: 5 is not, 4 is, and it is named first.
        ((10,), 5, ("Response", "Clinically important improvement")),
        ((10,), 4, ("Remission", "Response", "Clinically important improvement")),
        ((6,), 4, ("Remission", "Partial response", "No clinically important change")),
    ],
)
def test_phq9_verdict_boundaries(baseline, latest, expected):
    """Each CHANGE.md threshold is met exactly at its boundary and not one point before."""
    assert terms(baseline, latest) == expected


def test_mean_baseline_boundary_is_not_lost_to_rounding():
    """A baseline mean of 14.5 and a latest of 9.5 points lower is not possible; 9 is 5.5 lower."""
    verdict_ = phq9_verdict(base(14, 15), DAY + timedelta(days=30), 9)
    assert verdict_.baseline.value == 14.5
    assert "Clinically important improvement" in verdict_.terms
    assert verdict_.sentences()[-1].startswith("Clinically important improvement: 5.5 points")


def test_zero_baseline_has_no_percentage():
    """A baseline of 0 has no percentage, so neither response nor partial response."""
    found = phq9_verdict(base(0), DAY + timedelta(days=30), 3)
    assert found.percent is None
    assert found.terms == ("Remission", "No clinically important change")


def test_sentences_carry_the_numbers():
    """Each sentence states the numbers behind its term."""
    found = phq9_verdict(base(18, 20), DAY + timedelta(days=30), 4)
    assert found.sentences() == [
        "Remission: the latest score, 4, is below 5.",
        "Response: 78.9 % lower than the baseline of 19 (50 % or more).",
        "Clinically important improvement: 15 points lower than the baseline of 19 "
        "(a change of 5 points or more).",
    ]
    assert found.headline == "Remission"


def test_no_change_sentence():
    """No clinically important change says how far the score moved."""
    found = phq9_verdict(base(12), DAY + timedelta(days=30), 11)
    assert found.sentences() == [
        "No clinically important change: 1 point lower than the baseline of 12 "
        "(less than 5 points either way)."
    ]


def test_default_baseline_is_every_score_in_the_14_days_before_the_first_session():
    """Scores 14 days before the session count; 15 days before and the session day do not."""
    session = date(2026, 3, 15)
    scores = [
        (date(2026, 2, 28), 22),  # 15 days before: outside
        (date(2026, 3, 1), 18),  # 14 days before: inside
        (date(2026, 3, 10), 16),
        (date(2026, 3, 15), 10),  # the session day: after treatment began
    ]
    found = choose_baseline(scores, session)
    assert found.scores == ((date(2026, 3, 1), 18), (date(2026, 3, 10), 16))
    assert found.value == 17
    assert found.describe() == (
        "Baseline PHQ-9 17: the mean of 2 scores, 1 March 2026 to 10 March 2026 "
        "(every score in the 14 days before the first session)."
    )


def test_baseline_falls_back_to_the_first_score_and_calls_it_single():
    """With no score before the first session, the first score in range is the baseline."""
    found = choose_baseline([(date(2026, 4, 2), 15), (date(2026, 4, 1), 19)], date(2026, 3, 1))
    assert found.scores == ((date(2026, 4, 1), 19),)
    assert found.describe() == (
        "Baseline PHQ-9 19: a single score, 1 April 2026 (the first score in the range)."
    )


def test_chosen_baseline_period():
    """A period the person picks replaces the default rule, and says so."""
    scores = [(date(2026, 1, n), 10 + n) for n in range(1, 6)]
    found = choose_baseline(scores, date(2026, 3, 1), (date(2026, 1, 2), date(2026, 1, 3)))
    assert found.value == 12.5
    assert "the period chosen, 2 January 2026 to 3 January 2026" in found.describe()
    assert choose_baseline(scores, None, (date(2025, 1, 1), date(2025, 1, 2))) is None


def test_no_scores_no_baseline_and_no_score_after_it():
    """No scores: no baseline; a baseline with nothing after it has no latest score."""
    assert choose_baseline([], date(2026, 3, 1)) is None
    only = choose_baseline([(date(2026, 2, 20), 14)], date(2026, 3, 1))
    assert verdict.latest_after([(date(2026, 2, 20), 14)], only) is None
    assert verdict.latest_after([(date(2026, 3, 2), 9), (date(2026, 3, 9), 7)], only) == (
        date(2026, 3, 9),
        7,
    )


def test_item9_banner_takes_59_days_but_not_61():
    """A positive answer 59 days before the end is recent; one 61 days before moves to history."""
    end = date(2026, 12, 1)
    answers = [
        Item9Answer(end - timedelta(days=59), "phq9", 1),
        Item9Answer(end - timedelta(days=61), "daily", 2),
        Item9Answer(end - timedelta(days=3), "daily", 0),  # not positive: in neither
        Item9Answer(end + timedelta(days=1), "daily", 3),  # after the report: in neither
    ]
    recent, older = item9_split(answers, end)
    assert recent == [answers[0]]
    assert older == [answers[1]]


def test_other_instruments_change_in_points_has_no_verdict_words():
    """GAD-7, PCL-5 and WHO-5 show a change in points only."""
    assert verdict.change_in_points(base(10, 11), 14) == "+3.5 points"
    assert verdict.change_in_points(base(10), 7) == "−3 points"
    assert verdict.change_in_points(base(10), 10) == "no change in points"
