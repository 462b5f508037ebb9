"""The reminder rules, without Flask: local time across DST, quiet hours, the three-day cap."""

from datetime import UTC, date, datetime, time

import pytest

from journal.reminders import rules

NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"


def utc(*parts) -> datetime:
    """Return an aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


def due(at: time, now: datetime, zone: str, **prefs) -> list[str]:
    """Return the kinds due at `now` for a person with nothing done yet."""
    return rules.due_now(rules.Preferences(at, **prefs), rules.State(), now, zone)[1]


def test_reminder_waits_for_the_local_time():
    """19:00 in New York is 00:00 UTC in winter: not before, and from then on."""
    assert due(time(19), utc(2026, 1, 15, 23, 59), NEW_YORK) == []
    assert due(time(19), utc(2026, 1, 16, 0, 0), NEW_YORK) == ["daily"]


def test_the_same_local_time_moves_in_utc_across_dst():
    """19:00 New York is 23:00 UTC in summer, 00:00 UTC in winter."""
    assert due(time(19), utc(2026, 7, 15, 23, 0), NEW_YORK) == ["daily"]
    assert due(time(19), utc(2026, 7, 15, 22, 59), NEW_YORK) == []


def test_a_time_in_the_skipped_hour_fires_when_the_clock_jumps_past_it():
    """On 8 March 2026 New York goes 01:59 EST -> 03:00 EDT: 02:30 fires at 03:00."""
    assert due(time(2, 30), utc(2026, 3, 8, 6, 59), NEW_YORK) == []  # 01:59 EST
    assert due(time(2, 30), utc(2026, 3, 8, 7, 0), NEW_YORK) == ["daily"]  # 03:00 EDT


def test_a_time_in_the_repeated_hour_matches_both_times_and_on_the_same_date():
    """On 1 Nov 2026 01:30 happens twice; both are the same local date (the log sends once)."""
    first = rules.due_now(
        rules.Preferences(time(1, 30)), rules.State(), utc(2026, 11, 1, 5, 30), NEW_YORK
    )
    second = rules.due_now(
        rules.Preferences(time(1, 30)), rules.State(), utc(2026, 11, 1, 6, 30), NEW_YORK
    )
    assert first == second == (date(2026, 11, 1), ["daily"])


def test_southern_hemisphere_dst_starts_in_october():
    """Sydney goes 02:00 AEST -> 03:00 AEDT on 4 Oct 2026: 02:15 fires at 03:00."""
    assert due(time(2, 15), utc(2026, 10, 3, 15, 59), SYDNEY) == []  # 01:59 AEST
    assert due(time(2, 15), utc(2026, 10, 3, 16, 0), SYDNEY) == ["daily"]  # 03:00 AEDT


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (time(22, 0), True),
        (time(23, 59), True),
        (time(0, 0), True),
        (time(6, 59), True),
        (time(7, 0), False),
        (time(21, 59), False),
    ],
)
def test_quiet_hours_wrap_midnight(moment, quiet):
    """22:00-07:00 covers late evening and early morning, not the day."""
    assert rules.in_quiet_hours(moment, time(22), time(7)) is quiet


def test_quiet_hours_within_a_day_and_none():
    """13:00-14:00 is a plain range; no quiet hours, or start == end, is never quiet."""
    assert rules.in_quiet_hours(time(13, 30), time(13), time(14))
    assert not rules.in_quiet_hours(time(14), time(13), time(14))
    assert not rules.in_quiet_hours(time(3), None, None)
    assert not rules.in_quiet_hours(time(3), time(5), time(5))


def test_a_reminder_in_quiet_hours_waits_until_they_end():
    """Chosen 06:00 with quiet 22:00-07:00 (London, winter = UTC): sent from 07:00."""
    quiet = {"quiet_start": time(22), "quiet_end": time(7)}
    assert due(time(6), utc(2026, 1, 10, 6, 30), "Europe/London", **quiet) == []
    assert due(time(6), utc(2026, 1, 10, 7, 0), "Europe/London", **quiet) == ["daily"]


def test_a_missed_questionnaire_is_reminded_three_days_then_stops():
    """Due on the 10th: reminded on the 10th, 11th and 12th, never on the 13th or before."""
    state = rules.State(daily_done=True, questionnaires={"phq9": date(2026, 1, 10)})
    prefs = rules.Preferences(time(9))
    days = {d: rules.due_kinds(prefs, state, date(2026, 1, d)) for d in range(9, 15)}
    assert days == {9: [], 10: ["phq9"], 11: ["phq9"], 12: ["phq9"], 13: [], 14: []}


def test_switches_and_state_choose_the_kinds():
    """Done check-ins and switched-off kinds are not reminded; open prompts are."""
    state = rules.State(
        daily_done=False, questionnaires={"gad7": date(2026, 1, 10)}, open_prompts=2
    )
    today = date(2026, 1, 10)
    assert rules.due_kinds(rules.Preferences(time(9)), state, today) == [
        "daily",
        "gad7",
        "reflection",
    ]
    off = rules.Preferences(time(9), daily=False, questionnaires=False, reflections=False)
    assert rules.due_kinds(off, state, today) == []
    done = rules.State(daily_done=True)
    assert rules.due_kinds(rules.Preferences(time(9)), done, today) == []


def test_a_naive_instant_is_refused():
    """An instant without a zone is a guess."""
    with pytest.raises(ValueError, match="naive"):
        rules.local_now(datetime(2026, 1, 1), NEW_YORK)
