"""Reminders: preferences, Web Push, e-mail, the calendar feed and `flask send-reminders`."""

from flask import Blueprint

from . import models  # noqa: F401  (registers the tables with the metadata)

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

from . import routes  # noqa: E402,F401  (routes attach to bp)
