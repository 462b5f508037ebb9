"""Integration reflections: guided writing after a session, or on any day."""

from flask import Blueprint

# Views attach in routes.py, which the app factory imports; importing the package itself stays
# light, so the sessions and reflections packages can use each other's rules and services.

bp = Blueprint("reflections", __name__, url_prefix="/reflections")
