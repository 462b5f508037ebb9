"""Treatment sessions: log, plan, edit and review infusions, injections and other sessions."""

from flask import Blueprint

# Views attach in routes.py, which the app factory imports. Reflections build on sessions (their
# rules, services and blueprint); sessions never import reflections.
# The details page, which shows a session's reflections, attaches from reflections/routes.py.

bp = Blueprint("treatments", __name__, url_prefix="/treatments")
