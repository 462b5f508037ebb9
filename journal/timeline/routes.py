"""The timeline page: sessions, reflections and check-ins by date, newest first."""

from flask import render_template, request
from flask_login import current_user, login_required

from .. import instruments
from ..records import parse_date, user_today
from . import bp, services


@bp.route("/timeline")
@login_required
def index():
    """Show a window of days; "Older" jumps to the next date that has anything."""
    until = request.args.get("until")
    today = user_today(current_user)
    page = services.timeline_page(
        current_user, today, parse_date(until, "until") if until else None
    )
    return render_template(
        "timeline/index.html", page=page, today=today, instruments=instruments.INSTRUMENTS
    )
