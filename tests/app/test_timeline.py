"""The timeline page (interleaved, newest first, windowed, no N+1) and the dashboard card."""

import re
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from journal.checkins.services import upsert_checkin
from journal.extensions import db
from journal.models import User
from journal.records import user_today
from journal.reflections.services import upsert_reflection
from journal.treatments.services import upsert_treatment
from tests.conftest import new_id


def seed(app, user, days_ago: list[int], linked: bool = True) -> None:
    """Store a session, a reflection about it and a daily check-in on each of these days."""
    with app.app_context():
        row = db.session.get(User, user.id)
        zone = ZoneInfo(user.timezone)
        for ago in days_ago:
            on = user_today(user) - timedelta(days=ago)
            session_id = new_id()
            upsert_treatment(
                row,
                session_id,
                {"started_at": datetime.combine(on, time(9, 30), tzinfo=zone), "route": "iv"},
            )
            upsert_reflection(
                row,
                new_id(),
                {
                    "local_date": on,
                    "text": f"Reflection {ago}",
                    "treatment_id": session_id if linked else None,
                    "tags": ["calm"],
                },
            )
            upsert_checkin(
                row,
                new_id(),
                {"instrument": "daily", "local_date": on, "answers": [0] * 9, "mood": 7},
            )
        # Services never commit: the caller decides where the transaction ends.
        db.session.commit()


@contextmanager
def count_statements(app):
    """Collect the SQL statements run while the block runs."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        """Remember one statement."""
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_timeline_interleaves_newest_first(app, logged_in, user):
    """Sessions, reflections and check-ins are grouped by day, newest day first."""
    seed(app, user, [1, 8])
    html = logged_in.get("/timeline").get_data(as_text=True)
    assert html.index("Reflection 1") < html.index("Reflection 8")
    newest = html[: html.index("Reflection 8")]
    assert "Session:" in newest and "Check-in:" in newest and "mood 7 of 10" in newest
    assert "about the IV infusion session" in html


def test_timeline_shows_plans_ahead_first(app, logged_in, auth_api, user):
    """A planned session in the future is at the top of the first page."""
    seed(app, user, [1])
    ahead = user_today(user) + timedelta(days=6)
    at = datetime.combine(ahead, time(9, 0), tzinfo=ZoneInfo(user.timezone)).isoformat()
    auth_api.put(
        f"/api/v1/treatments/{new_id()}",
        {"started_at": at, "route": "intranasal", "planned": True, "clinic": "Future Clinic"},
    )
    html = logged_in.get("/timeline").get_data(as_text=True)
    assert html.index("Future Clinic") < html.index("Reflection 1")


def test_older_link_skips_empty_windows(app, logged_in, user):
    """Pages are 30-day windows; "Older" jumps to the next date that has anything."""
    seed(app, user, [2, 29, 30, 400])
    first = logged_in.get("/timeline").get_data(as_text=True)
    assert "Reflection 2" in first and "Reflection 29" in first
    assert "Reflection 30" not in first
    older = re.search(r'href="(/timeline\?until=[^"]+)">Older', first).group(1)
    assert older.endswith((user_today(user) - timedelta(days=30)).isoformat())
    second = logged_in.get(older).get_data(as_text=True)
    assert "Reflection 30" in second and "Reflection 29" not in second
    last = re.search(r'href="(/timeline\?until=[^"]+)">Older', second).group(1)
    assert last.endswith((user_today(user) - timedelta(days=400)).isoformat())
    third = logged_in.get(last).get_data(as_text=True)
    assert "Reflection 400" in third
    assert ">Older<" not in third and ">Newest<" in third


def test_empty_timeline(logged_in):
    """A new user sees an empty window and no paging."""
    html = logged_in.get("/timeline").get_data(as_text=True)
    assert "Nothing recorded in these days." in html and ">Older<" not in html


def test_bad_until_is_refused(logged_in):
    """A malformed window end is a 4xx, not a crash."""
    assert logged_in.get("/timeline?until=soon").status_code == 422


def test_timeline_queries_do_not_grow_with_data(app, logged_in, user):
    """One query per record type per page: the count is the same for 1 or 25 days of data."""
    seed(app, user, [1])
    with count_statements(app) as small:
        assert logged_in.get("/timeline").status_code == 200
    seed(app, user, list(range(2, 27)))
    with count_statements(app) as large:
        html = logged_in.get("/timeline").get_data(as_text=True)
    assert "Reflection 26" in html
    assert len(large) == len(small), large
    # Flask-Login's user, the three record types, and the one "older" probe.
    assert len(large) <= 5, large


def test_session_page_queries_do_not_grow_with_reflections(app, logged_in, auth_api, user):
    """A session page with many reflections and check-ins costs the same queries as one."""
    on = user_today(user) - timedelta(days=14)
    at = datetime.combine(on, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()
    session_id = new_id()
    auth_api.put(f"/api/v1/treatments/{session_id}", {"started_at": at, "route": "iv"})

    def add(days: range) -> None:
        """Add a linked reflection and a check-in on each day after the session."""
        for n in days:
            local = (on + timedelta(days=n)).isoformat()
            auth_api.put(
                f"/api/v1/reflections/{new_id()}",
                {"local_date": local, "treatment_id": session_id, "text": f"R{n}"},
            )
            auth_api.put(
                f"/api/v1/checkins/{new_id()}",
                {"instrument": "daily", "local_date": local, "answers": [0] * 9},
            )

    add(range(0, 1))
    with count_statements(app) as small:
        logged_in.get(f"/treatments/{session_id}")
    add(range(1, 12))
    with count_statements(app) as large:
        logged_in.get(f"/treatments/{session_id}")
    assert len(large) == len(small), large


def test_reflection_list_queries_do_not_grow(app, logged_in, user):
    """The reflection list loads each reflection's session in the same query."""
    seed(app, user, [1])
    with count_statements(app) as small:
        logged_in.get("/reflections/")
    seed(app, user, list(range(2, 15)))
    with count_statements(app) as large:
        logged_in.get("/reflections/")
    assert len(large) == len(small), large


def test_dashboard_offers_open_reflection_prompts(app, logged_in, auth_api, user):
    """A session yesterday: day-0 and day-1 prompts are open; a reflection today fulfils both."""
    on = user_today(user) - timedelta(days=1)
    at = datetime.combine(on, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()
    session_id = new_id()
    auth_api.put(f"/api/v1/treatments/{session_id}", {"started_at": at, "route": "im"})
    html = logged_in.get("/").get_data(as_text=True)
    assert f"/reflections/new?session={session_id}&amp;prompt=day0" in html
    assert f"/reflections/new?session={session_id}&amp;prompt=day1" in html
    # The due list's JSON island carries the day +7 prompt for the device to age; no link yet.
    assert f"/reflections/new?session={session_id}&amp;prompt=day7" not in html
    assert 'href="/treatments/new"' in html and "Log a session" in html
    auth_api.put(
        f"/api/v1/reflections/{new_id()}",
        {"local_date": user_today(user).isoformat(), "treatment_id": session_id, "text": "Done."},
    )
    html = logged_in.get("/").get_data(as_text=True)
    assert "Open reflection prompts" not in html


def test_dashboard_ignores_plans_and_old_sessions(app, logged_in, auth_api, user):
    """Plans and sessions whose prompts have all lapsed offer nothing."""
    zone = ZoneInfo(user.timezone)
    for ago, planned in ((30, False), (-2, True), (1, True)):
        on = user_today(user) - timedelta(days=ago)
        at = datetime.combine(on, time(9, 30), tzinfo=zone).isoformat()
        auth_api.put(
            f"/api/v1/treatments/{new_id()}",
            {"started_at": at, "route": "iv", "planned": planned},
        )
    assert "Open reflection prompts" not in logged_in.get("/").get_data(as_text=True)


def test_dashboard_due_date_restarts_after_a_session(app, logged_in, auth_api, user):
    """The PHQ-9 card shows the date 14 days after the last session, once a PHQ-9 exists."""
    on = user_today(user) - timedelta(days=3)
    auth_api.put(
        f"/api/v1/checkins/{new_id()}",
        {
            "instrument": "phq9",
            "local_date": (on - timedelta(days=5)).isoformat(),
            "answers": [1] * 9,
        },
    )
    at = datetime.combine(on, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()
    auth_api.put(f"/api/v1/treatments/{new_id()}", {"started_at": at, "route": "iv"})
    due = on + timedelta(days=14)
    html = logged_in.get("/").get_data(as_text=True)
    assert f'<time datetime="{due.isoformat()}">' in html


def test_api_lists_do_not_grow_with_data(app, auth_api, user):
    """The JSON lists serialise every row (session ids included) without a query per row."""
    seed(app, user, [1])
    paths = ("/api/v1/treatments", "/api/v1/reflections")
    small = {}
    for path in paths:
        with count_statements(app) as statements:
            auth_api.get(path)
        small[path] = len(statements)
    seed(app, user, list(range(2, 15)))
    for path in paths:
        with count_statements(app) as statements:
            assert len(auth_api.get(path).get_json()["items"]) == 14
        assert len(statements) == small[path], (path, statements)
