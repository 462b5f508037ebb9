"""Today's glance, drawn without Flask: which measure, where the dots go, where the line breaks."""

from datetime import date, timedelta

from journal.dashboard import glance

TODAY = date(2026, 3, 28)


def day(k: int) -> date:
    """Return the day `k` days before TODAY."""
    return TODAY - timedelta(days=k)


def test_nothing_logged_in_four_weeks_draws_nothing():
    """No entry in the 28 days (an old one does not count): no glance."""
    assert glance.draw({day(28): {"mood": 5, "total": None}}, [], TODAY) is None
    assert glance.draw({}, [day(1)], TODAY) is None


def test_mood_days_are_dots_from_left_edge_to_today():
    """The first day sits at the left edge and today at the right; mood 10 on top, 0 below."""
    drawn = glance.draw(
        {day(27): {"mood": 10, "total": None}, day(0): {"mood": 0, "total": None}}, [], TODAY
    )
    assert drawn.label.startswith("Mood")
    assert [(x, y) for x, y, _ in drawn.dots] == [
        (glance.LEFT, glance.TOP),
        (glance.RIGHT, glance.BOTTOM),
    ]
    assert drawn.first == day(27) and drawn.last == TODAY


def test_a_missed_day_breaks_the_line():
    """Consecutive days are joined; a gap starts a new stretch instead of bridging it."""
    days = {day(k): {"mood": 5, "total": None} for k in (5, 4, 2, 1, 0)}
    path = glance.draw(days, [], TODAY).path
    assert path.count("M") == 2 and path.count("L") == 3


def test_score_is_shown_when_it_was_logged_more_often_than_mood():
    """Full check-ins without a mood: the daily score, 0-27, with higher drawn higher."""
    days = {day(k): {"mood": None, "total": 27} for k in range(3)}
    days[day(3)] = {"mood": 4, "total": None}
    drawn = glance.draw(days, [], TODAY)
    assert "score" in drawn.label and "higher is worse" in drawn.label
    assert {y for _, y, _ in drawn.dots} == {glance.TOP}
    assert "latest 27 of 27" in drawn.summary


def test_summary_says_days_latest_and_mean():
    """The words say what the picture shows, for a screen reader and a glance alike."""
    days = {day(2): {"mood": 4, "total": 9}, day(0): {"mood": 7, "total": 3}}
    drawn = glance.draw(days, [], TODAY)
    assert drawn.summary == (
        "Your mood on 2 of the last 28 days: latest 7 of 10 (Sat 28 Mar 2026), mean 5.5."
    )


def test_sessions_in_the_window_are_ticked_once_each():
    """Session days inside the four weeks get a tick; older or future ones do not."""
    days = {day(0): {"mood": 5, "total": None}}
    sessions = [day(3), day(3), day(40), TODAY + timedelta(days=2)]
    assert glance.draw(days, sessions, TODAY).sessions == (glance.x_of(day(3), day(27)),)
