"""A small, known history for the export and share tests, written through the API.

Numbers the tests check: the first session is 200 days ago (outside the last-90-days range the
tests use, like a check-in on that day), and the PHQ-9 before it is 18. The first session in
that range is 20 days ago: the report's baseline is the PHQ-9 of 17 five days before it. The
latest PHQ-9 is 8 (2 days ago): 9 points and 52.9 % lower, a response and a clinically
important improvement, not a remission. The latest
GAD-7 is 7 (mild). A daily check-in 10 days ago has item 9 at 1. Two sessions lie in the range;
one reflection is shared and one private.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from journal.records import user_today
from tests.conftest import new_id

CLINIC = "<b>Bright</b> & Co"
SHARED_TEXT = "Shared: remembered the lake house."
PRIVATE_TEXT = "Private: not for anyone else."
OLD_NOTE = "Old note from long ago."
OLD_CLINIC = "Old Clinic Outside Range"


def at(user, days_ago: int, clock: time = time(9, 30)) -> str:
    """Return an ISO date-time `days_ago` days before the user's today, in their zone."""
    day = user_today(user) - timedelta(days=days_ago)
    return datetime.combine(day, clock, tzinfo=ZoneInfo(user.timezone)).isoformat()


def day(user, days_ago: int) -> str:
    """Return the ISO date `days_ago` days before the user's today."""
    return (user_today(user) - timedelta(days=days_ago)).isoformat()


def put(api, kind: str, body: dict) -> str:
    """Create one record through the API and return its client id."""
    client_id = new_id()
    response = api.put(f"/api/v1/{kind}/{client_id}", body)
    assert response.status_code == 201, response.get_json()
    return client_id


def checkin(api, user, instrument: str, days_ago: int, answers: list[int], **extra) -> str:
    """Store one check-in."""
    body = {"instrument": instrument, "local_date": day(user, days_ago), "answers": answers}
    return put(api, "checkins", {**body, **extra})


def seed(api, user) -> dict:
    """Write the history described above; return the client ids the tests refer to."""
    ids = {}
    ids["old_checkin"] = checkin(api, user, "daily", 200, [2] * 9, mood=3, note=OLD_NOTE)
    put(api, "treatments", {"started_at": at(user, 200), "route": "oral", "clinic": OLD_CLINIC})
    ids["baseline"] = checkin(api, user, "phq9", 205, [2] * 9)
    ids["phq9_earlier"] = checkin(api, user, "phq9", 25, [2] * 8 + [1])
    ids["session"] = put(
        api,
        "treatments",
        {
            "started_at": at(user, 20),
            "medication": "ketamine",
            "route": "iv",
            "dose": 0.5,
            "dose_unit": "mg/kg",
            "clinic": CLINIC,
            "side_effects": {"dissociation": 6, "nausea": "mild", "headache": "none"},
        },
    )
    put(
        api,
        "treatments",
        {
            "started_at": at(user, 6),
            "medication": "esketamine",
            "route": "intranasal",
            "dose": 56,
            "dose_unit": "mg",
        },
    )
    for days_ago, total_each in ((23, 2), (22, 2), (21, 2), (19, 1), (18, 1), (12, 1)):
        checkin(api, user, "daily", days_ago, [total_each] * 8 + [0], mood=5)
    ids["item9"] = checkin(api, user, "daily", 10, [1] * 9, mood=4, note='=HYPERLINK("x")')
    ids["phq9_latest"] = checkin(api, user, "phq9", 2, [1] * 8 + [0])
    ids["gad7"] = checkin(api, user, "gad7", 2, [1] * 7)
    ids["shared"] = put(
        api,
        "reflections",
        {
            "local_date": day(user, 19),
            "treatment_id": ids["session"],
            "prompts": {"came_up": "Water.", "action": "Walk daily."},
            "text": SHARED_TEXT,
            "tags": ["lake"],
            "share": True,
        },
    )
    ids["private"] = put(
        api, "reflections", {"local_date": day(user, 18), "text": PRIVATE_TEXT, "share": False}
    )
    return ids
