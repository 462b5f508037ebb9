"""Moods in words, the 7-day comparison, the month grid and a day in a sentence (no Flask)."""

from datetime import date
from types import SimpleNamespace

import pytest

from journal.checkins import month, moods


@pytest.mark.parametrize(
    ("mood", "word", "band"),
    [
        (0, "Very low", 1),
        (1, "Very low", 1),
        (2, "Low", 2),
        (3, "Low", 2),
        (4, "So-so", 3),
        (5, "So-so", 3),
        (6, "Good", 4),
        (7, "Good", 4),
        (8, "Very good", 5),
        (10, "Very good", 5),
    ],
)
def test_every_mood_has_a_word_and_a_band(mood, word, band):
    assert moods.word(mood) == word and moods.band(mood) == band


def test_comparison_names_the_average_and_how_many_days_it_holds():
    assert moods.compare(6, [4, 4, 5]) == (
        "Higher than your 7-day average of 4.3 (3 days with a mood)."
    )
    assert moods.compare(2, [5]) == "Lower than your 7-day average of 5.0 (1 day with a mood)."


def test_within_half_a_point_is_about_the_same():
    assert moods.compare(5, [5, 4, 5, 5]).startswith("About the same as your 7-day average of 4.8")
    assert moods.compare(5, [4, 4, 5, 5]).startswith("Higher")  # 4.5: half a point is a change


def test_no_earlier_days_says_so():
    assert moods.compare(3, []) == "Your first mood in 7 days: nothing to compare it with yet."


def test_parse_month_reads_yyyy_mm_and_defaults_to_this_month():
    today = date(2026, 12, 7)
    assert month.parse_month(None, today) == date(2026, 12, 1)
    assert month.parse_month("2025-02", today) == date(2025, 2, 1)


@pytest.mark.parametrize(
    "bad", ["2025-13", "2025-1", "25-01", "2025/01", "x", "2025-00", "0000-01"]
)
def test_parse_month_refuses_anything_else(bad):
    with pytest.raises(ValueError):
        month.parse_month(bad, date(2026, 12, 7))


def test_shift_crosses_years_both_ways():
    assert month.shift(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert month.shift(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert month.last_day(date(2024, 2, 1)) == date(2024, 2, 29)


def test_grid_is_weeks_of_seven_from_monday_with_moods_sessions_and_today():
    first = date(2026, 12, 1)  # a Tuesday
    weeks = month.grid(
        first, {date(2026, 12, 3): (6, "id-3")}, {date(2026, 12, 2)}, date(2026, 12, 7)
    )
    assert all(len(week) == 7 for week in weeks) and len(weeks) == 5
    assert weeks[0][0].day == date(2026, 11, 30) and not weeks[0][0].in_month
    cells = {cell.day: cell for week in weeks for cell in week}
    third = cells[date(2026, 12, 3)]
    assert (third.mood, third.word, third.band, third.client_id) == (6, "Good", 4, "id-3")
    assert cells[date(2026, 12, 2)].session and not third.session
    assert cells[date(2026, 12, 7)].today and cells[date(2026, 12, 8)].word is None


def checkin(instrument="daily", mood=None, total=None, tags=(), note=None):
    """Return a check-in-like object with what a day's sentence reads."""
    return SimpleNamespace(
        instrument=instrument, mood=mood, total=total, tags=list(tags), note=note
    )


def test_a_day_in_words():
    day = date(2026, 11, 2)
    said = month.describe_day(day, [checkin(mood=6, total=8, tags=["work", "walk"])])
    assert said == "Mon 2 Nov: mood Good (6), Daily PHQ-9-style score 8, tags: work, walk"


def test_a_day_with_a_questionnaire_a_note_a_session_and_a_year():
    day = date(2025, 1, 5)
    checkins = [checkin(mood=2, note="hard"), checkin("phq9", total=14)]
    assert month.describe_day(day, checkins, session=True, year=True) == (
        "Sun 5 Jan 2025: mood Low (2), PHQ-9 14, a note, session day"
    )


def test_a_daily_without_mood_or_total_is_partly_answered():
    assert month.summarise([checkin()]) == "Daily PHQ-9-style score, partly answered"
