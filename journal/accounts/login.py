"""Flask-Login's side of sign-in: load the user of a live session, answer the anonymous."""

from flask import current_app, jsonify, redirect, request, session, url_for
from flask_login import LoginManager

from ..errors import error_body, wants_json
from ..models import User
from . import sessions
from .web import SESSION_KEY


def init_login_manager(manager: LoginManager) -> None:
    """Tell Flask-Login how to load users and what to do for anonymous requests."""
    manager.login_view = "auth.login"
    manager.login_message = "Please sign in to see your journal."
    manager.login_message_category = "info"
    manager.session_protection = "basic"

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        """Return the user of a live server-side session (one indexed lookup), else None."""
        # A copied cookie is refused once its session was ended or expired on the server.
        return sessions.check(current_app.config, session.get(SESSION_KEY), user_id)

    @manager.unauthorized_handler
    def unauthorized():
        """Answer 401 JSON for API clients; send people to the sign-in page."""
        if wants_json():
            return jsonify(error_body("unauthorized", "Sign in first.")), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
