"""The installable app: manifest, service worker, and the page for entries kept on the device."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)

from . import routes  # noqa: E402,F401  (routes attach to bp)
