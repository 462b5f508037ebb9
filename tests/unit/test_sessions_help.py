"""The one "did the sessions help" measure and page 1's session series lines, by hand."""

from datetime import UTC, date, datetime, timedelta

from journal.report.content import Item9Flag, SessionRow
from journal.report.summary import item9_grouped, session_series
from journal.sessions_help import sessions_help

DAY = date(2026, 3, 10)


def session(day: date, planned: bool = False) -> dict:
    """Return a session record on `day`."""
    start = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return {"date": day, "started_at": start, "planned": planned}


def daily(day: date, total: int) -> dict:
    """Return a daily check-in record."""
    return {"date": day, "total": total, "mood": 5}


def around(day: date, before: int, after: int) -> list[dict]:
    """Return check-ins on the 3 days before `day` at `before` and days 1-7 after at `after`."""
    rows = [daily(day - timedelta(days=k), before) for k in (1, 2, 3)]
    return rows + [daily(day + timedelta(days=k), after) for k in range(1, 8)]


def test_mean_change_over_sessions_in_the_period():
    """Two sessions, 6 and 2 points lower after: on average 4 points lower, 2 of 2 compared."""
    later = DAY + timedelta(days=20)
    found = sessions_help(
        around(DAY, 14, 8) + around(later, 12, 10),
        [session(DAY), session(later)],
        DAY - timedelta(days=10),
        later + timedelta(days=10),
    )
    assert (found.sessions, found.compared, found.change) == (2, 2, -4)
    assert found.answer == (
        "In the week after a session, the daily score was on average 4 points lower than "
        "in the 3 days before it (2 of 2 sessions compared)."
    )


def test_check_ins_before_the_period_do_not_count():
    """A session on the period's first day has no days before it inside: not compared."""
    found = sessions_help(around(DAY, 14, 8), [session(DAY)], DAY, DAY + timedelta(days=9))
    assert (found.sessions, found.compared, found.change) == (1, 0, None)
    assert found.answer.startswith("Not enough check-ins around the sessions")


def test_higher_after_and_about_the_same():
    """Higher after says higher; under half a point either way is about the same."""
    span = (DAY - timedelta(days=5), DAY + timedelta(days=9))
    higher = sessions_help(around(DAY, 8, 11), [session(DAY)], *span)
    assert "on average 3 points higher than in the 3 days before it" in higher.answer
    same = sessions_help(around(DAY, 8, 8), [session(DAY)], *span)
    assert "on average about the same as in the 3 days before it" in same.answer


def test_planned_sessions_and_no_sessions():
    """A planned session is not a session; with none the answer says so."""
    span = (DAY - timedelta(days=5), DAY + timedelta(days=9))
    found = sessions_help(around(DAY, 14, 8), [session(DAY, planned=True)], *span)
    assert found.sessions == 0 and found.answer == "No sessions in this period."


def row(day: date, medication: str = "Ketamine", route: str = "IV infusion") -> SessionRow:
    """Return a session table row."""
    return SessionRow(day, medication, route, "", "", False)


def test_induction_series_then_boosters():
    """Sessions at most 7 days apart from the first ever are the induction; the rest boosters."""
    days = [DAY + timedelta(days=k) for k in (0, 2, 4, 11, 19, 40)]
    rows = [row(d) for d in days[:5]] + [row(days[5], "Esketamine", "Intranasal")]
    induction, boosters = session_series(rows, days[0])
    assert induction.line == (
        "Induction series: 4 sessions, 10 March 2026 to 21 March 2026; Ketamine, IV infusion."
    )
    assert boosters.line == (
        "Boosters: 2 sessions, 29 March 2026 to 19 April 2026; "
        "Ketamine, Esketamine, IV infusion, Intranasal."
    )


def test_a_range_after_the_induction_has_boosters_only():
    """When the first session ever is before the range, every session shown is a booster."""
    (only,) = session_series([row(DAY)], DAY - timedelta(days=100))
    assert only.line == "Boosters: 1 session, 10 March 2026; Ketamine, IV infusion."
    assert session_series([], None) == []


def test_item9_grouped_keeps_every_date_and_answer():
    """Many answers fold into one line per questionnaire and answer, dates by month."""
    flags = [
        Item9Flag(date(2026, 3, 2), "daily check-in", 2, "Quite a bit (2)"),
        Item9Flag(date(2026, 3, 1), "daily check-in", 2, "Quite a bit (2)"),
        Item9Flag(date(2026, 2, 27), "PHQ-9", 1, "Several days (1)"),
        Item9Flag(date(2026, 2, 26), "daily check-in", 2, "Quite a bit (2)"),
    ]
    assert item9_grouped(flags) == [
        "daily check-in, Quite a bit (2): 2, 1 Mar 2026; 26 Feb 2026.",
        "PHQ-9, Several days (1): 27 Feb 2026.",
    ]
