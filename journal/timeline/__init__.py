"""The timeline: sessions, reflections and check-ins interleaved by date."""

from flask import Blueprint

# Views attach in routes.py, which the app factory imports; importing the package itself stays
# light, so the sessions and reflections packages can use each other's rules and services.

bp = Blueprint("timeline", __name__)
