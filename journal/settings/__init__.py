"""Settings: display name, time zone, crisis region, questionnaire schedules, theme, week start."""

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from . import routes  # noqa: E402,F401  (routes attach to bp)
