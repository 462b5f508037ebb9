"""The synthetic demo history: deterministic, realistic in shape, valid for every instrument."""

from collections import Counter
from datetime import date

from journal import demo, instruments

TODAY = date(2026, 11, 26)


def test_same_seed_same_history():
    """A seed gives the same history every time; another seed gives another."""
    assert demo.generate(1, TODAY, seed=3) == demo.generate(1, TODAY, seed=3)
    assert demo.generate(1, TODAY, seed=3) != demo.generate(1, TODAY, seed=4)


def test_five_years_has_the_benchmark_scale():
    """Five years hold about 1,800 check-ins, 130 PHQ-9s and 150 sessions."""
    data = demo.generate(5, TODAY)
    counts = Counter(c["instrument"] for c in data["checkins"])
    assert 1500 <= counts["daily"] <= 1826
    assert 125 <= counts["phq9"] <= 135
    assert 130 <= len(data["treatments"]) <= 190
    assert len(data["reflections"]) == 2 * len(data["treatments"])


def test_every_answer_set_scores():
    """Every generated check-in is valid for its instrument, and ends by today."""
    data = demo.generate(2, TODAY, seed=7)
    for item in data["checkins"]:
        instruments.score(instruments.INSTRUMENTS[item["instrument"]], item["answers"])
        assert item["local_date"] <= TODAY
    assert all(t["local_date"] <= TODAY for t in data["treatments"])


def test_induction_is_six_sessions_in_under_three_weeks():
    """The first six sessions fall within 21 days, after a baseline with no sessions."""
    data = demo.generate(1, TODAY)
    first_six = [t["local_date"] for t in data["treatments"][:6]]
    assert (first_six[-1] - first_six[0]).days <= 21
    start = min(c["local_date"] for c in data["checkins"])
    assert (first_six[0] - start).days >= 14


def test_scores_dip_after_the_induction():
    """Daily totals in the week after the induction are lower than in the baseline weeks."""
    data = demo.generate(1, TODAY)
    first = data["treatments"][0]["local_date"]
    last = data["treatments"][5]["local_date"]
    daily = [c for c in data["checkins"] if c["instrument"] == "daily"]
    before = [sum(c["answers"]) for c in daily if 0 < (first - c["local_date"]).days <= 14]
    after = [sum(c["answers"]) for c in daily if 1 <= (c["local_date"] - last).days <= 3]
    assert sum(after) / len(after) < sum(before) / len(before) - 3


def test_split_total_keeps_item9_and_total():
    """Answers add up to the total, with item 9 as asked."""
    import random

    answers = demo.split_total(12, random.Random(1), demo.PHQ_WEIGHTS, item9=1)
    assert sum(answers) == 12 and answers[8] == 1 and all(0 <= a <= 3 for a in answers)
