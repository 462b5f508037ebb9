"""Treatment sessions: log, plan, edit and review infusions, injections and other sessions."""

from flask import Blueprint

# Views attach in routes.py, which the app factory imports; importing the package itself stays
# light, so the sessions and reflections packages can use each other's rules and services.

bp = Blueprint("treatments", __name__, url_prefix="/treatments")
