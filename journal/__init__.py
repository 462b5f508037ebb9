"""Mood Journal: a self-hostable mood journal for people in treatment for depression."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, paths
from .extensions import csrf, db, login_manager, migrate, rest_api


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, instance folder, extensions, blueprints, handlers, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=config.instance_path(),
        static_folder=str(paths.STATIC),
        template_folder=str(paths.TEMPLATES),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(config.Defaults)
    app.config.from_mapping(config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", config.default_database_uri(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)
    if proxies := app.config["JOURNAL_TRUSTED_PROXIES"]:
        # Behind an https proxy: request.is_secure (Secure cookies) and the sign-in throttle's
        # client address come from the proxy's X-Forwarded-Proto/-For, never from the client.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from . import crypto, request_limits

    crypto.init_app(app)
    request_limits.init_app(app)  # before the routes: they bind the capped int converter
    init_extensions(app)
    register_blueprints(app)
    from . import cli, compression, errors, security, static_urls

    errors.register_error_handlers(app)
    security.init_app(app)
    compression.init_app(app)
    static_urls.init_app(app)
    cli.init_app(app)
    return app


def init_extensions(app: Flask) -> None:
    """Bind each extension to the app."""
    from . import database
    from .accounts import login

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(paths.MIGRATIONS), render_as_batch=True)
    login_manager.init_app(app)
    login.init_login_manager(login_manager)
    csrf.init_app(app)
    rest_api.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach the HTML areas and the JSON API."""
    from .accounts.routes import bp as account_bp
    from .accounts.signin_routes import bp as auth_bp
    from .api import register as register_api
    from .checkins import bp as checkins_bp
    from .dashboard.routes import bp as dashboard_bp
    from .export.routes import bp as export_bp
    from .imports.routes import bp as imports_bp
    from .pages.routes import bp as pages_bp
    from .pwa import bp as pwa_bp
    from .reflections.routes import bp as reflections_bp
    from .reminders import bp as reminders_bp
    from .safety.routes import bp as safety_bp
    from .settings import bp as settings_bp
    from .share.routes import bp as share_bp
    from .timeline.routes import bp as timeline_bp
    from .treatments.routes import bp as treatments_bp

    for blueprint in (
        auth_bp,
        checkins_bp,
        dashboard_bp,
        pages_bp,
        treatments_bp,
        reflections_bp,
        timeline_bp,
        pwa_bp,
        export_bp,
        imports_bp,
        share_bp,
        settings_bp,
        reminders_bp,
        account_bp,
        safety_bp,
    ):
        app.register_blueprint(blueprint)
    register_api(rest_api)
