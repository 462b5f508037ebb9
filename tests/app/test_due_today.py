"""Today's "Due now" list: the island due.js ages on the device, and the page without JS."""

import json
import re
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from journal.extensions import db
from journal.models import TreatmentSession, User
from journal.records import user_today


def island(html: str) -> dict:
    """Return the due-data island of a page."""
    return json.loads(
        re.search(
            r'<script type="application/json" id="due-data">(.*?)</script>', html, re.S
        ).group(1)
    )


def test_a_new_person_has_the_check_in_and_two_questionnaires_due(logged_in):
    """Never taken: the daily check-in, PHQ-9 and GAD-7 are due now (Today's schedule rules)."""
    page = logged_in.get("/")
    data = island(page.text)
    due = [(i["kind"], i.get("instrument")) for i in data["items"] if i["due"]]
    assert due == [("daily", None), ("questionnaire", "phq9"), ("questionnaire", "gad7")]
    section = page.text.split("data-due-now>", 1)[1].split("</section>", 1)[0]
    assert '<a href="/checkins/new?instrument=phq9">PHQ-9</a>' in section


def test_a_session_yesterday_gives_the_next_day_prompt_and_the_week_later_one_ahead(
    app, logged_in, user
):
    """Day +1 is due today; day +7 is in the island for the device to show when it comes."""
    with app.app_context():
        person = db.session.get(User, user.id)
        today = user_today(person)
        when = datetime.combine(today - timedelta(days=1), time(10), ZoneInfo(user.timezone))
        session = TreatmentSession(
            user_id=user.id,
            client_id=uuid.uuid4(),
            started_at=when.astimezone(UTC),
            local_date=today - timedelta(days=1),
            route="iv",
            planned=False,
        )
        db.session.add(session)
        db.session.commit()
        client_id = str(session.client_id)
    data = island(logged_in.get("/").text)
    prompts = [i for i in data["items"] if i["kind"] == "reflection"]
    assert [(p["prompt"], p["from"], p["due"]) for p in prompts] == [
        ("day1", today.isoformat(), True),
        ("day7", (today + timedelta(days=6)).isoformat(), False),
    ]
    assert prompts[0]["url"] == f"/reflections/new?session={client_id}&prompt=day1"


def test_a_done_check_in_is_not_due(logged_in, auth_api):
    """After today's check-in the island says it is done today."""
    today = auth_api.get("/api/v1/me").get_json()["today"]
    body = {"instrument": "daily", "local_date": today, "mood": 6}
    assert auth_api.put(f"/api/v1/checkins/{uuid.uuid4()}", body).status_code == 201
    data = island(logged_in.get("/").text)
    daily = data["items"][0]
    assert (daily["kind"], daily["done_on"], daily["due"]) == ("daily", today, False)
