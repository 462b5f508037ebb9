"""The home page: today's check-in, what is due, and recent entries."""

import uuid

from flask import Blueprint, render_template, request
from flask_login import current_user

from .. import instruments
from ..charts import durability
from ..checkins import services as checkins
from ..models import utcnow
from ..records import user_today
from ..reflections import services as reflections
from ..reminders import due as reminders_due
from ..settings import services as settings
from ..treatments import quick
from . import glance, ranges, services, session_day

bp = Blueprint("dashboard", __name__)
RECENT = 7


@bp.route("/")
def index():
    """Show today for a signed-in user, or the welcome page."""
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html")
    today = user_today(current_user)
    args = request.args
    chart_range = ranges.resolve(args.get("range"), args.get("from"), args.get("to"), today)
    todays_checkin = checkins.occupant(current_user, "daily", today)
    questionnaires = settings.due_list(current_user)
    now = utcnow()
    upcoming_session = session_day.upcoming(current_user, now)
    return render_template(
        "dashboard/index.html",
        today=today,
        todays_checkin=todays_checkin,
        quick_client_id=str(uuid.uuid4()),
        # What is due today is in the "Due now" list; this card shows what comes next.
        upcoming=[(i, on) for i, on in questionnaires if on > today],
        device_due=reminders_due.device_due(
            current_user, today, questionnaires, todays_checkin is not None
        ),
        recent=checkins.list_checkins(current_user, newest_first=True, limit=RECENT),
        open_prompts=reflections.open_prompts(current_user, today),
        instruments=instruments.INSTRUMENTS,
        chart_range=chart_range,
        ranges=ranges.RANGES,
        charts=services.CHART_TITLES,
        upcoming_session=upcoming_session,
        checklist=session_day.checklist(upcoming_session) if upcoming_session else None,
        follow_up_session=session_day.needs_follow_up(current_user, now),
        glance=glance.for_user(current_user, today),
        since_session=durability.today_sentence(services.since_last_session(current_user, today)),
        quick_session=quick.quick_log(current_user, today, now),
        sessions_help=services.sessions_help(current_user, today),
    )


from . import session_routes  # noqa: E402, F401  (its views attach to this blueprint)
