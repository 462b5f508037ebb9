"""The JSON API under /api/v1, described by OpenAPI generated from its schemas."""

from flask import current_app
from flask_login import current_user
from flask_smorest import Api


def require_login():
    """Refuse anonymous requests before their body is parsed (a before_request hook)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def register(api: Api) -> None:
    """Register every API blueprint."""
    from ..dashboard.services import CHART_NAMES
    from . import (
        account,
        auth,
        charts,
        checkins,
        exports,
        imports,
        meta,
        openapi,
        reflections,
        reminders,
        safety,
        settings,
        shares,
        treatments,
        two_step,
    )

    modules = (
        auth,
        account,
        meta,
        settings,
        checkins,
        treatments,
        reflections,
        charts,
        shares,
        reminders,
        two_step,
        exports,
        imports,
        safety,
    )
    for module in modules:
        api.register_blueprint(module.bp)
    openapi.complete(api, CHART_NAMES)
