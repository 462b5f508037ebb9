"""Instrument data and scoring, checked against docs/clinical/INSTRUMENTS.md."""

import pytest

from journal import instruments
from journal.instruments import DAILY, GAD7, PHQ9, InvalidAnswers, score


def answers_totalling(total: int, count: int = 9, item9: int = 0) -> list[int]:
    """Return answers that add up to total, with item 9 as given (for PHQ-9 shapes)."""
    answers = [0] * count
    if count == 9:
        answers[8] = item9
        total -= item9
    for i in range(count):
        if count == 9 and i == 8:
            continue
        answers[i] = min(3, total)
        total -= answers[i]
    assert total == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "None-minimal"),
        (4, "None-minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_phq9_band_edges(total, band):
    """Every PHQ-9 band edge lands in the band Kroenke 2001 gives."""
    result = score(PHQ9, answers_totalling(total, item9=max(0, total - 24)))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Severe"),
        (21, "Severe"),
    ],
)
def test_gad7_band_edges(total, band):
    """Every GAD-7 band edge lands in its band."""
    result = score(GAD7, answers_totalling(total, count=7))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize("instrument", [PHQ9, DAILY])
@pytest.mark.parametrize(("item9", "positive"), [(0, False), (1, True), (2, True), (3, True)])
def test_item9_above_zero_is_safety_positive(instrument, item9, positive):
    """Any item-9 answer above 0 sets the safety flag, daily or PHQ-9."""
    answers = [0] * 8 + [item9]
    assert score(instrument, answers).safety is positive


def test_item9_positive_even_when_total_is_minimal():
    """A low total does not hide a positive item 9."""
    result = score(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (result.total, result.band, result.safety) == (1, "None-minimal", True)


def test_gad7_has_no_safety_item():
    """GAD-7 has no self-harm item, so it never raises the flag."""
    assert score(GAD7, [3] * 7).safety is False


def test_phq9_items_and_codes_match_the_clinical_sheet():
    """Item 9 wording and every LOINC code are exactly as INSTRUMENTS.md gives them."""
    assert [i.loinc for i in PHQ9.items] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert PHQ9.items[8].text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert (PHQ9.panel_loinc, PHQ9.total_loinc) == ("44249-1", "44261-6")
    assert [o.loinc for o in PHQ9.options] == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


def test_gad7_codes_match_the_clinical_sheet():
    """GAD-7 item codes are the right ones (not the 69726-8 series some code uses)."""
    assert [i.loinc for i in GAD7.items] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]
    assert (GAD7.panel_loinc, GAD7.total_loinc) == ("69737-5", "70274-6")


def test_daily_checkin_asks_about_today_and_is_not_called_phq9():
    """The daily check-in has its own stem and labels, and no PHQ-9 panel code."""
    assert DAILY.stem.startswith("Today")
    assert "PHQ-9-style" in DAILY.short_title and not DAILY.validated
    assert DAILY.panel_loinc is None
    assert [o.label for o in DAILY.options] == [
        "Not at all",
        "A little",
        "Quite a bit",
        "Nearly all day",
    ]
    assert [i.text for i in DAILY.items] == [i.text for i in PHQ9.items]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([0] * 8, "answers"),
        ([0] * 10, "answers"),
        ("000000000", "answers"),
        (None, "answers"),
        ([0] * 8 + [4], "answers.9"),
        ([-1] + [0] * 8, "answers.1"),
        ([0, 1.5] + [0] * 7, "answers.2"),
        ([0, "1"] + [0] * 7, "answers.2"),
        ([True] + [0] * 8, "answers.1"),
    ],
)
def test_invalid_answers_name_the_field(answers, field):
    """Wrong counts, out-of-range values and non-integers are refused with the field named."""
    with pytest.raises(InvalidAnswers) as caught:
        score(PHQ9, answers)
    assert field in caught.value.fields


def test_unknown_instrument_is_refused():
    """An unknown instrument id names the instrument field."""
    with pytest.raises(InvalidAnswers) as caught:
        instruments.get_instrument("phq99")
    assert "instrument" in caught.value.fields


@pytest.mark.parametrize("mood", [-1, 11, 2.5, "5", True])
def test_mood_outside_0_to_10_is_refused(mood):
    """Mood is a whole number from 0 to 10."""
    with pytest.raises(InvalidAnswers):
        instruments.validate_mood(DAILY, mood)


def test_mood_only_on_the_daily_checkin():
    """A validated questionnaire carries no mood rating."""
    assert instruments.validate_mood(DAILY, 0) == 0
    assert instruments.validate_mood(DAILY, None) is None
    with pytest.raises(InvalidAnswers):
        instruments.validate_mood(PHQ9, 5)


def test_as_dict_is_what_the_pwa_scores_from():
    """The JSON description carries items, options, bands and the 1-based safety item."""
    data = instruments.as_dict(PHQ9)
    assert data["safety_item"] == 9
    assert data["max_total"] == 27
    assert len(data["items"]) == 9 and data["items"][8]["loinc"] == "44260-8"
    assert data["attribution"] == instruments.ATTRIBUTION
    assert instruments.as_dict(DAILY)["mood"] == {"min": 0, "max": 10}
