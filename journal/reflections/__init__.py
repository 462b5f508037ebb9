"""Integration reflections: guided writing after a session, or on any day."""

from flask import Blueprint

# Views attach in routes.py, which the app factory imports. Reflections build on sessions (their
# rules, services and blueprint); sessions never import reflections.

bp = Blueprint("reflections", __name__, url_prefix="/reflections")
