"""Check-ins: the daily check-in and the validated questionnaires."""

from flask import Blueprint

bp = Blueprint("checkins", __name__, url_prefix="/checkins")

from . import quick_routes, routes  # noqa: E402,F401  (routes attach to bp)
