"""What Today's on-device due list starts from: the server's view, dated, for the device to age.

The page carries this as a JSON island; static/js/due.js recomputes it with the device's own
date and the entries still in the offline queue, so the list (and the app badge) stays right
offline and on the next day. The rules are Today's: settings.due_list for questionnaires and
reflections.rules.prompt_schedule for the day +1 and +7 prompts.
"""

from datetime import date

from flask import url_for
from sqlalchemy import select

from ..extensions import db
from ..instruments import Instrument
from ..models import Reflection, TreatmentSession, User
from ..reflections import rules as reflection_rules
from . import rules


def prompt_items(user: User, today: date) -> list[dict]:
    """Return the day +1 and +7 prompts of recent sessions that are open or still to come."""
    sessions = db.session.scalars(
        select(TreatmentSession).where(
            TreatmentSession.user_id == user.id,
            TreatmentSession.planned.is_(False),
            TreatmentSession.local_date >= today - reflection_rules.PROMPT_HORIZON,
            TreatmentSession.local_date <= today,
        )
    ).all()
    if not sessions:
        return []
    linked: dict[int, list[date]] = {}
    query = select(Reflection.treatment_id, Reflection.local_date).where(
        Reflection.user_id == user.id, Reflection.treatment_id.in_([s.id for s in sessions])
    )
    for treatment_id, day in db.session.execute(query):
        linked.setdefault(treatment_id, []).append(day)
    items = []
    for session in sessions:
        for prompt in reflection_rules.prompt_schedule(
            session.local_date, linked.get(session.id, []), today
        ):
            if prompt.key in rules.REFLECTION_PROMPTS and prompt.state in ("open", "upcoming"):
                items.append(
                    {
                        "kind": "reflection",
                        "session": str(session.client_id),
                        "prompt": prompt.key,
                        "label": f"Reflection: {prompt.label.lower()}",
                        "from": prompt.day.isoformat(),
                        "until": (prompt.day + reflection_rules.OPEN_FOR).isoformat(),
                        "url": url_for(
                            "reflections.new", session=session.client_id, prompt=prompt.key
                        ),
                    }
                )
    return items


def device_due(
    user: User, today: date, questionnaires: list[tuple[Instrument, date]], daily_done: bool
) -> dict:
    """Return the island: today's date and everything that is or will soon be due.

    Today already holds the questionnaires' due dates and today's check-in; it passes them in.
    """
    items = [
        {
            "kind": "daily",
            "label": "Daily check-in",
            "from": today.isoformat(),
            "done_on": today.isoformat() if daily_done else None,
            "url": url_for("checkins.new"),
        }
    ]
    for instrument, on in questionnaires:
        items.append(
            {
                "kind": "questionnaire",
                "instrument": instrument.id,
                "label": instrument.short_title,
                "from": on.isoformat(),
                "url": url_for("checkins.new", instrument=instrument.id),
            }
        )
    items.extend(prompt_items(user, today))
    due = due_now(items, today)
    for item in items:
        item["due"] = item in due
    return {"today": today.isoformat(), "items": items}


def due_now(items: list[dict], today: date) -> list[dict]:
    """Return the items due on `today` (what the page shows before due.js runs)."""
    found = []
    for item in items:
        start = date.fromisoformat(item["from"])
        if item["kind"] == "daily":
            if item["done_on"] != today.isoformat():
                found.append(item)
        elif item["kind"] == "questionnaire":
            if start <= today:
                found.append(item)
        elif start <= today < date.fromisoformat(item["until"]):
            found.append(item)
    return found
