"""Analysis over plain data, checked against numbers worked out by hand in the comments."""

import statistics
from datetime import UTC, date, datetime, time, timedelta

import pytest

from journal import analysis
from journal.analysis import (
    baseline,
    mean_by_offset,
    response_threshold,
    rolling_mean,
    session_change,
    session_windows,
    status,
    weekly_item_means,
)
from journal.charts import around_sessions, items, timeline
from journal.charts import session_change as session_change_chart
from journal.charts.around_sessions import caption_around_sessions
from journal.charts.items import caption_items
from journal.charts.session_change import caption_session_change
from journal.charts.timeline import caption_timeline


def jan(day: int) -> date:
    """Return the given day of January 2025 (1 January 2025 is a Wednesday)."""
    return date(2025, 1, 1) + timedelta(days=day - 1)


def checkin(day: date, total: int, answers: list[int] | None = None, mood: int | None = None):
    """Return a daily check-in dict in the views' shape."""
    return {"date": day, "total": total, "mood": mood, "answers": answers or [0] * 9}


def session(day: date, hour: int = 10, planned: bool = False, **extra):
    """Return a treatment session dict in the views' shape."""
    return {
        "date": day,
        "started_at": datetime.combine(day, time(hour), UTC),
        "route": "iv",
        "route_label": None,
        "dose": 0.5,
        "dose_unit": "mg/kg",
        "clinic": None,
        "planned": planned,
        **extra,
    }


def phq9(day: date, total: int):
    """Return a validated PHQ-9 score dict."""
    return {"date": day, "instrument": "phq9", "total": total}


def each_day(first: int, last: int) -> list[dict]:
    """Return check-ins on 1..31 January whose total is the day of the month."""
    return [checkin(jan(d), d) for d in range(first, last + 1)]


# --- rolling_mean ---------------------------------------------------------------------------


def test_rolling_mean_uses_calendar_days_and_keeps_gaps():
    """Days 4, 7 and 8 are missing: they stay absent, and windows count calendar days."""
    points = [(jan(9), 20), (jan(1), 10), (jan(2), 12), (jan(3), 14), (jan(5), 16), (jan(6), 18)]
    assert rolling_mean(points) == [
        (jan(1), None),  # 1 value
        (jan(2), None),  # 2 values
        (jan(3), None),  # 3 values
        (jan(5), 13.0),  # 10 12 14 16
        (jan(6), 14.0),  # 10 12 14 16 18
        (jan(9), 17.0),  # 3-9 Jan: 14 16 18 20 (1 and 2 Jan have left the window)
    ]


def test_rolling_mean_is_none_after_a_long_gap_even_with_earlier_rows():
    """The last 4 rows are not the last 7 days: after a gap there are too few values."""
    points = [(jan(1), 8), (jan(2), 8), (jan(3), 8), (jan(4), 8), (jan(20), 2)]
    assert rolling_mean(points)[-1] == (jan(20), None)


def test_rolling_mean_skips_none_values_and_honours_parameters():
    """None values are not data; window=2, min_periods=1 averages today and yesterday."""
    points = [(jan(1), 4), (jan(2), None), (jan(3), 6), (jan(4), 9)]
    assert rolling_mean(points, window=2, min_periods=1) == [
        (jan(1), 4.0),
        (jan(3), 6.0),
        (jan(4), 7.5),
    ]


def test_rolling_mean_of_nothing_is_empty():
    """No points, no means."""
    assert rolling_mean([]) == []


# --- baseline, thresholds and status --------------------------------------------------------


def test_baseline_prefers_phq9_in_the_14_days_before_the_first_session():
    """Session 15 Jan (a planned one on 10 Jan does not count): PHQ-9s on 2 and 14 Jan."""
    validated = [
        phq9(date(2024, 12, 31), 27),  # before the window
        phq9(jan(2), 18),
        phq9(jan(14), 14),
        phq9(jan(15), 3),  # the session day is not "before"
        {"date": jan(5), "instrument": "gad7", "total": 21},
    ]
    sessions = [session(jan(20)), session(jan(15)), session(jan(10), planned=True)]
    daily = each_day(1, 14)
    assert baseline(daily, validated, sessions) == {
        "value": 16.0,
        "source": "phq9",
        "n": 2,
        "start": jan(1),
        "end": jan(14),
    }


def test_baseline_falls_back_to_daily_totals():
    """No PHQ-9 in the window: mean of daily totals on 1, 7 and 14 Jan = (10 + 13 + 16) / 3."""
    daily = [
        checkin(date(2024, 12, 31), 27),
        checkin(jan(1), 10),
        checkin(jan(7), 13),
        checkin(jan(14), 16),
        checkin(jan(15), 0),
    ]
    result = baseline(daily, [phq9(jan(16), 5)], [session(jan(15))])
    assert result == {"value": 13.0, "source": "daily", "n": 3, "start": jan(1), "end": jan(14)}


def test_baseline_days_sets_the_window_length():
    """days=3 before a 15 Jan session covers 12-14 Jan only."""
    daily = [checkin(jan(11), 20), checkin(jan(12), 6), checkin(jan(14), 8)]
    result = baseline(daily, [], [session(jan(15))], days=3)
    assert (result["value"], result["n"], result["start"]) == (7.0, 2, jan(12))


@pytest.mark.parametrize(
    ("daily", "sessions"),
    [
        ([checkin(jan(1), 10)], []),
        ([checkin(jan(1), 10)], [session(jan(5), planned=True)]),
        ([checkin(jan(1), 10)], [session(jan(30))]),
    ],
    ids=["no session", "only planned", "no data in window"],
)
def test_baseline_is_none_without_a_session_or_data(daily, sessions):
    """No baseline without a session that happened and data in the 14 days before it."""
    assert baseline(daily, [], sessions) is None


def test_thresholds():
    """Response is half the baseline; remission is below 5; the MID is 5 points."""
    assert response_threshold(13) == 6.5
    assert (analysis.REMISSION_BELOW, analysis.MID) == (5, 5)


@pytest.mark.parametrize(
    ("base", "latest", "expected"),
    [
        (14, 7, {"change": -7, "percent": -50.0, "response": True, "remission": False}),
        (14, 8, {"response": False, "meets_mid": True}),
        (10, 5, {"response": True, "remission": False, "meets_mid": True}),
        (8, 4, {"response": True, "remission": True, "meets_mid": False}),
        (9, 11, {"change": 2, "response": False, "meets_mid": False}),
        (0, 0, {"percent": None, "response": False, "remission": True}),
    ],
    ids=["exactly half", "6-point fall", "5 is not remission", "4-point fall", "rise", "zero"],
)
def test_status_edges(base, latest, expected):
    """Each threshold is inclusive where the definition says "or more", strict for "below"."""
    result = status(base, latest)
    assert {key: result[key] for key in expected} == expected


def test_status_counts_a_5_point_fall_between_float_means():
    """29/3 - 14/3 is 5 exactly, but 4.999999999999999 in floats: it still meets the MID."""
    result = status(statistics.fmean([9, 10, 10]), statistics.fmean([4, 5, 5]))
    assert result["meets_mid"] is True
    assert result["change"] == pytest.approx(-5)


# --- session windows ------------------------------------------------------------------------


def test_session_windows_end_at_the_next_session_and_start_after_the_previous():
    """A 10 Jan, B 12 Jan: A keeps 7-11 Jan, B starts 11 Jan (after A), 8 Jan is a gap."""
    daily = [c for c in each_day(1, 31) if c["date"] != jan(8)]
    sessions = [session(jan(12)), session(jan(11), planned=True), session(jan(10))]
    first, second = session_windows(daily, sessions)
    assert first["session"]["date"] == jan(10)
    assert first["points"] == [(-3, 7), (-1, 9), (0, 10), (1, 11)]
    assert second["points"] == [(offset, 12 + offset) for offset in range(-1, 15)]


def test_session_windows_on_the_same_date_split_at_that_date():
    """Two sessions on 10 Jan: the earlier keeps only the days before, the later owns day 0."""
    daily = each_day(1, 31)
    morning, evening = session(jan(10), hour=9), session(jan(10), hour=15)
    first, second = session_windows(daily, [evening, morning], before=3, after=2)
    assert first["session"] is morning
    assert first["points"] == [(-3, 7), (-2, 8), (-1, 9)]
    assert second["points"] == [(0, 10), (1, 11), (2, 12)]


def test_session_windows_without_data_or_sessions():
    """A session with no check-ins nearby has no points; no sessions, no windows."""
    assert session_windows([checkin(jan(1), 5)], [session(jan(20))])[0]["points"] == []
    assert session_windows(each_day(1, 5), []) == []


def test_mean_by_offset_reports_mean_and_inclusive_quartiles():
    """Day -1: 10 14 -> q1 11, q3 13. Day 1: 2 4 6 8 -> 3.5 and 6.5. Day 2: one value."""
    windows = [
        {"session": {}, "points": [(-1, 10), (1, 4), (2, 6)]},
        {"session": {}, "points": [(-1, 14), (1, 8)]},
        {"session": {}, "points": [(1, 6)]},
        {"session": {}, "points": [(1, 2)]},
        {"session": {}, "points": []},
    ]
    assert mean_by_offset(windows) == [
        {"offset": -1, "mean": 12.0, "q1": 11.0, "q3": 13.0, "n": 2},
        {"offset": 1, "mean": 5.0, "q1": 3.5, "q3": 6.5, "n": 4},
        {"offset": 2, "mean": 6.0, "q1": 6.0, "q3": 6.0, "n": 1},
    ]


def test_mean_by_offset_of_nothing_is_empty():
    """No windows, no offsets."""
    assert mean_by_offset([]) == []


# --- before/after change --------------------------------------------------------------------


def change_daily() -> list[dict]:
    """Return check-ins around sessions on 10 and 14 Jan (session days score 27, ignored)."""
    totals = {7: 15, 8: 16, 9: 17, 10: 27, 11: 10, 12: 8, 13: 9, 14: 27, 15: 6, 16: 7, 21: 8, 22: 0}
    return [checkin(jan(day), total) for day, total in totals.items()]


def test_session_change_compares_days_before_with_days_after_cut_at_next_session():
    """A: before 15 16 17 = 16, after 11-13 Jan (cut at B) = 9. B: before 9, after 6 7 8 = 7."""
    first, second = session_change(change_daily(), [session(jan(14)), session(jan(10))])
    assert {k: first[k] for k in ("before_mean", "after_mean", "change", "meets_mid")} == {
        "before_mean": 16.0,
        "after_mean": 9.0,
        "change": -7.0,
        "meets_mid": True,
    }
    assert (first["before_n"], first["after_n"]) == (3, 3)
    assert {k: second[k] for k in ("before_mean", "after_mean", "change", "meets_mid")} == {
        "before_mean": 9.0,
        "after_mean": 7.0,
        "change": -2.0,
        "meets_mid": False,
    }


def test_session_change_is_none_when_a_side_has_no_data():
    """A session with check-ins only before it has no after mean and no change."""
    (only,) = session_change([checkin(jan(9), 12)], [session(jan(10))])
    assert (only["before_mean"], only["after_mean"]) == (12.0, None)
    assert (only["change"], only["meets_mid"]) == (None, None)


# --- weekly item means ----------------------------------------------------------------------


def test_weekly_item_means_by_monday_with_empty_weeks_as_none():
    """Mon 6 and Wed 8 Jan average together; 13 Jan week is empty; Sun 26 Jan is week 20 Jan."""
    daily = [
        checkin(jan(26), 9, [0, 0, 0, 0, 0, 0, 0, 0, 1]),
        checkin(jan(6), 3, [3, 0, 0, 0, 0, 0, 0, 0, 0]),
        checkin(jan(8), 5, [1, 2, 0, 0, 0, 0, 0, 0, 2]),
    ]
    result = weekly_item_means(daily)
    assert result["weeks"] == [jan(6), jan(13), jan(20)]
    assert result["items"][0] == [2.0, None, 0.0]
    assert result["items"][1] == [1.0, None, 0.0]
    assert result["items"][8] == [1.0, None, 1.0]
    assert len(result["items"]) == 9


def test_weekly_item_means_of_nothing():
    """No check-ins: no weeks and nine empty item rows."""
    assert weekly_item_means([]) == {"weeks": [], "items": [[] for _ in range(9)]}


# --- captions -------------------------------------------------------------------------------


def test_caption_timeline_compares_latest_phq9_with_phq9_baseline():
    """Baseline 16 (18 and 14), latest PHQ-9 7 on 1 Feb: 9 lower, at or below half (8)."""
    validated = [phq9(jan(2), 18), phq9(jan(14), 14), phq9(date(2025, 2, 1), 7)]
    info = baseline([], validated, [session(jan(15))])
    assert caption_timeline([], validated, info) == (
        "Your latest PHQ-9 (1 Feb 2025) is 7, 9 points lower than your baseline of 16. "
        "That is at or below half your baseline, the response line."
    )


def test_caption_timeline_compares_daily_average_with_daily_baseline():
    """Baseline 14 (1-14 Jan all 14); 20-26 Jan all 8: 6 points lower, meets the MID only."""
    daily = [checkin(jan(d), 14) for d in range(1, 15)] + [
        checkin(jan(d), 8) for d in range(20, 27)
    ]
    info = baseline(daily, [], [session(jan(15))])
    text = caption_timeline(daily, [], info)
    assert text == (
        "Your 7-day average daily PHQ-9-style score is 8 (to 26 Jan 2025), 6 points lower than "
        "your baseline of 14. A fall of 5 points or more is usually big enough to matter."
    )


def test_caption_timeline_without_baseline_explains_what_is_needed():
    """Two check-ins: too few for an average, so the latest score, then how to get a baseline."""
    text = caption_timeline([checkin(jan(3), 11), checkin(jan(1), 9)], [], None)
    assert text.startswith("Your latest daily PHQ-9-style score is 11 (3 Jan 2025).")
    assert "14 days before your first treatment session" in text


def test_caption_timeline_with_baseline_but_nothing_after_it_yet():
    """Only baseline data so far: describe the baseline and where it came from."""
    daily = [checkin(jan(d), 12) for d in (10, 12, 14)]
    info = baseline(daily, [], [session(jan(15))])
    assert caption_timeline(daily, [], info).startswith(
        "Your baseline daily PHQ-9-style score is 12 (average of 3 scores before your first "
        "session)."
    )


def test_caption_timeline_names_remission_before_response():
    """Baseline 16, latest PHQ-9 4: below 5 is the furthest line crossed."""
    validated = [phq9(jan(2), 16), phq9(date(2025, 2, 1), 4)]
    info = baseline([], validated, [session(jan(15))])
    assert caption_timeline([], validated, info).endswith(
        "12 points lower than your baseline of 16. That is below 5, under the remission line."
    )


def test_caption_timeline_phq9_baseline_without_a_later_phq9_uses_the_daily_average():
    """No PHQ-9 since the baseline: state the baseline, then the latest 7-day daily average."""
    daily = [checkin(jan(d), 9) for d in range(16, 20)]
    info = baseline(daily, [phq9(jan(2), 18)], [session(jan(15))])
    assert caption_timeline(daily, [phq9(jan(2), 18)], info) == (
        "Your baseline PHQ-9 is 18 (average of 1 score before your first session). "
        "Your 7-day average daily PHQ-9-style score is 9 (to 19 Jan 2025)."
    )


def test_caption_timeline_empty_state():
    """Nothing logged: tell a new user what to log first."""
    assert caption_timeline([], [], None) == timeline.EMPTY
    assert "Log a daily check-in" in timeline.EMPTY


def test_caption_around_sessions_reports_the_average_difference():
    """Before: 14 16 12 = 14. Days 1-3: 8 8 8 = 8. 6 points lower, over 2 sessions."""
    windows = [
        {"session": {}, "points": [(-2, 14), (-1, 16), (1, 8), (3, 8), (7, 20)]},
        {"session": {}, "points": [(-1, 12), (2, 8)]},
    ]
    assert caption_around_sessions(windows) == (
        "On average your daily PHQ-9-style score on days 1-3 after a session was 6 points lower "
        "than on the days before it (2 sessions)."
    )


def test_caption_around_sessions_about_the_same():
    """Equal means read as "about the same", not "0 points lower"."""
    windows = [{"session": {}, "points": [(-1, 10), (2, 10)]}]
    assert "was about the same as on the days before it (1 session)." in (
        caption_around_sessions(windows)
    )


def test_caption_around_sessions_empty_and_one_sided():
    """No data: the empty state; data only after sessions: ask for the days before."""
    assert caption_around_sessions([]) == around_sessions.EMPTY
    assert caption_around_sessions([{"session": {}, "points": []}]) == (around_sessions.EMPTY)
    one_sided = caption_around_sessions([{"session": {}, "points": [(1, 5)]}])
    assert one_sided.startswith("Log check-ins on the days just before")


def test_caption_session_change_counts_sessions_meeting_the_mid():
    """Changes -7 and -2 (and one without data): 1 of 2, average 4.5 points lower."""
    sessions = [session(jan(10)), session(jan(14)), session(date(2025, 3, 1))]
    text = caption_session_change(session_change(change_daily(), sessions))
    assert text == (
        "In 1 of 2 sessions compared, your average daily PHQ-9-style score on days 1-7 after "
        "was at least 5 points lower than on the 3 days before. On average it was 4.5 points "
        "lower than before. 1 session has too few check-ins around it to compare."
    )


def test_caption_session_change_counts_several_skipped_sessions():
    """Two sessions without data around them are reported in the plural."""
    sessions = [session(jan(10)), session(jan(14)), session(date(2025, 3, 1)), session(jan(31))]
    text = caption_session_change(session_change(change_daily(), sessions))
    assert text.endswith(" 2 sessions have too few check-ins around them to compare.")


def test_caption_session_change_empty_states():
    """No sessions: the empty state; sessions without data: what to log around them."""
    assert caption_session_change([]) == session_change_chart.EMPTY
    no_data = caption_session_change(session_change([], [session(jan(10))]))
    assert no_data.startswith("To compare before and after a session, log check-ins on the 3")


def test_caption_items_names_the_top_items_of_recent_weeks():
    """Last 4 of 5 weeks: sleep 2 and energy 2 (a None week is skipped); week 1 is ignored."""
    items = [[3.0, 0.0, 0.0, 0.0, 0.0] for _ in range(9)]
    items[2] = [0.0, 2.0, None, 2.0, 2.0]
    items[3] = [0.0, 1.0, 3.0, 2.0, 2.0]
    weekly = {"weeks": [jan(6) + timedelta(weeks=k) for k in range(5)], "items": items}
    assert caption_items(weekly) == (
        "Over your last 4 weeks, sleep and energy bothered you most (2 of 3 on average)."
    )


def test_caption_items_all_zero_and_empty():
    """All answers 0: say so; no weeks: the empty state."""
    weekly = weekly_item_means([checkin(jan(6), 0)])
    assert (
        caption_items(weekly) == "Over your last week you answered “Not at all” to every question."
    )
    assert caption_items(weekly_item_means([])) == items.EMPTY


def test_daily_captions_never_call_the_daily_score_phq9():
    """Daily data is a "daily PHQ-9-style score", never a bare "PHQ-9"."""
    daily = [checkin(jan(d), 14) for d in range(1, 15)] + each_day(16, 24)
    sessions = [session(jan(15))]
    texts = [
        caption_timeline(daily, [], baseline(daily, [], sessions)),
        caption_around_sessions(session_windows(daily, sessions)),
        caption_session_change(session_change(daily, sessions)),
    ]
    for text in texts:
        assert "PHQ-9" not in text.replace("PHQ-9-style", "")


# --- resolution and resampling ----------------------------------------------------------------


def test_resolution_follows_the_length_of_the_range():
    """Up to 92 days daily, up to 1096 weekly, then monthly."""
    start = jan(1)
    assert analysis.resolution(start, start + timedelta(days=91)) == "day"
    assert analysis.resolution(start, start + timedelta(days=92)) == "week"
    assert analysis.resolution(start, start + timedelta(days=1095)) == "week"
    assert analysis.resolution(start, start + timedelta(days=1096)) == "month"


def test_weekly_resample_keeps_empty_weeks_and_skips_none():
    """Monday weeks: 30 Dec holds 4 and 8; 6 Jan is empty; 13 Jan holds 10 and 2."""
    points = [(jan(1), 4), (jan(3), 8), (jan(14), 10), (jan(15), None), (jan(19), 2), (jan(25), 7)]
    bins = analysis.resample(points, jan(1), jan(19), "week")
    assert [(b["start"], b["end"]) for b in bins] == [
        (date(2024, 12, 30), jan(5)),
        (jan(6), jan(12)),
        (jan(13), jan(19)),
    ]
    assert [(b["mean"], b["min"], b["max"], b["n"]) for b in bins] == [
        (6, 4, 8, 2),  # (4 + 8) / 2
        (None, None, None, 0),  # the gap stays a gap
        (6, 2, 10, 2),  # (10 + 2) / 2; 15 Jan had no score, 25 Jan is after the range
    ]


def test_monthly_resample_with_an_empty_month():
    """January: 3 and 6 (mean 4.5); February: nothing; March: 9 and 1 (mean 5)."""
    points = [
        (jan(20), 3),
        (jan(31), 6),
        (date(2025, 3, 1), 9),
        (date(2025, 3, 10), 1),
        (date(2025, 3, 11), 100),
    ]
    bins = analysis.resample(points, jan(15), date(2025, 3, 10), "month")
    assert [(b["start"], b["end"]) for b in bins] == [
        (jan(1), jan(31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 31)),
    ]
    assert [(b["mean"], b["min"], b["max"], b["n"]) for b in bins] == [
        (4.5, 3, 6, 2),
        (None, None, None, 0),
        (5, 1, 9, 2),  # 11 March is after the range
    ]


# --- durability -------------------------------------------------------------------------------


def durability_daily() -> list[dict]:
    """12 on 7-9 Jan; after the 10 Jan session 6, 6, 9, 12, 15, 15; 15 on 17-19 Jan."""
    totals = {7: 12, 8: 12, 9: 12, 11: 6, 12: 6, 13: 9, 14: 12, 15: 15, 16: 15}
    totals |= {17: 15, 18: 15, 19: 15}
    return [checkin(jan(d), t) for d, t in totals.items()]


def test_durability_counts_days_until_the_3_day_mean_is_back():
    """Session 10 Jan: level 12; 3-day means 6, 6, 7, 9, then (9+12+15)/3 = 12 on day 5: 4 days.

    Session 20 Jan: level 15, no check-ins before the 24 Jan session: cut short after 3 days.
    Session 24 Jan: no check-ins in the 3 days before it (21-23 Jan): not measured.
    """
    sessions = [session(jan(10)), session(jan(20)), session(jan(24))]
    rows = analysis.durability(durability_daily(), sessions, jan(31))
    assert [(r["pre"], r["days"], r["cut_short"]) for r in rows] == [
        (12, 4, None),
        (15, 3, "next session"),
        (None, None, None),
    ]
    assert rows[0]["end"] == jan(19)  # the day before the next session


def test_durability_cut_short_by_the_end_of_the_data():
    """A last session whose score is still lower on the last day: 5 days, a lower bound."""
    daily = [checkin(jan(d), 12) for d in (7, 8, 9)] + [checkin(jan(d), 6) for d in range(11, 16)]
    (row,) = analysis.durability(daily, [session(jan(10))], jan(15))
    assert (row["pre"], row["days"], row["cut_short"]) == (12, 5, "no later data")


def test_durability_ignores_planned_sessions_and_same_day_return():
    """A score back at its level on day 1 stayed lower for 0 days; planned sessions never count."""
    daily = [checkin(jan(d), 8) for d in (7, 8, 9, 11)]
    rows = analysis.durability(daily, [session(jan(10)), session(jan(12), planned=True)], jan(20))
    assert [(r["days"], r["cut_short"]) for r in rows] == [(0, None)]


def test_quartiles_inclusive():
    """[4, 6, 9]: lower quartile 5, median 6, upper quartile 7.5; one value is all three."""
    assert analysis.quartiles([4, 6, 9]) == (5, 6, 7.5)
    assert analysis.quartiles([3]) == (3, 3, 3)


def test_since_last_session_counts_days_and_compares_3_day_means():
    """15 Jan is day 5 after 10 Jan; 13-15 Jan mean 12 against 10-12 Jan mean 6: rising."""
    info = analysis.since_last_session(durability_daily(), [session(jan(10))], jan(15))
    assert (info["day"], info["mean"], info["earlier"], info["trend"]) == (5, 12, 6, "rising")
    assert analysis.since_last_session(durability_daily(), [], jan(15)) is None
