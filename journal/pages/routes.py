"""Pages anyone can open: crisis help, the offline page, and the health check."""

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import text

from .. import crisis, crypto
from ..extensions import db

bp = Blueprint("pages", __name__)


def visitor_region() -> str:
    """Return the region asked for, else the signed-in user's, else the deployment's default."""
    asked = request.args.get("region", "").upper()
    if asked in crisis.REGIONS:
        return asked
    if current_user.is_authenticated:
        return current_user.region
    return current_app.config["JOURNAL_CRISIS_REGION"]


@bp.route("/help")
def help():
    """Show crisis resources (reachable from every page, and offline), with a country picker."""
    shown = visitor_region()
    # A visitor who is not signed in and chose nothing gets every country's lines and the zone
    # table, so the page (also as the offline copy) shows those of the phone's own time zone.
    guess = not request.args.get("region") and not current_user.is_authenticated
    codes = [code for code, _name in crisis.REGION_CHOICES] if guess else [shown]
    return render_template(
        "pages/help.html",
        shown=shown,
        regions=[crisis.resources_for(code) for code in codes],
        zone_regions=crisis.REGION_BY_ZONE if guess else None,
        region_choices=crisis.REGION_CHOICES,
    )


@bp.route("/offline")
def offline():
    """Show the page the app falls back to with no network."""
    return render_template("pages/offline.html")


@bp.route("/healthz")
def healthz():
    """Answer 200 when the database answers and the master keys open its data, else 503."""
    try:
        db.session.execute(text("SELECT 1"))
        # The reason (which key, from where) goes to the log, never to an unauthenticated caller.
        keys_problem = crypto.health.check_now(db.session, crypto.keyring())
    except Exception:  # any driver error means "not healthy"; the reason goes to the log
        current_app.logger.exception("health check failed")
        return jsonify(status="unavailable"), 503
    if keys_problem:
        return jsonify(status="unavailable", reason="master_key"), 503
    return jsonify(status="ok")


@bp.app_context_processor
def template_globals() -> dict:
    """Give every template the instrument attribution line."""
    from ..instruments import ATTRIBUTION

    return {"attribution": ATTRIBUTION}
