"""The bureau intranet: create_app builds the Flask application."""

from pathlib import Path

from flask import Flask, request

from app.config import engine_options, load_settings
from app.extensions import babel, csrf, db, htmx, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

# Everything comes from the app itself: no inline script or style, no other origin (an intranet has no
# internet). object-src and frame-src 'self' let the notice page show its own PDF.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; "
    "base-uri 'self'"
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_settings(app.instance_path))
    if config:
        app.config.update(config)
    # For the database the app really uses (a test or a benchmark names its own), unless the caller said otherwise.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from app import database  # noqa: F401  (SQLite pragmas and transaction mode)
    from app.core.web import register_input_rules
    from app.i18n import select_locale, select_timezone
    from app.main.errors import register_error_handlers

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    from app.auth.sessions import SessionCookie

    app.session_interface = SessionCookie()
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(ROOT / "translations"),
    )

    _import_models()
    from app.core import jobs

    jobs.init_app(app)
    _connect_features()
    register_input_rules(app)  # before the blueprints: their rules use its <int:…> converter
    _register_blueprints(app)
    _register_hooks(app)
    register_error_handlers(app)
    _register_commands(app)
    return app


def _import_models() -> None:
    """Import every model so that metadata (and Alembic) sees the whole schema."""
    from app.auth import models as _auth  # noqa: F401
    from app.core import audit as _audit  # noqa: F401
    from app.core import files as _files  # noqa: F401
    from app.core import jobs as _jobs  # noqa: F401
    from app.core import settings as _settings  # noqa: F401
    from app.incoming import models as _incoming  # noqa: F401
    from app.notices import models as _notices  # noqa: F401
    from app.receipts import models as _receipts  # noqa: F401
    from app.rosters import models as _rosters  # noqa: F401
    from app.tasks import models as _tasks  # noqa: F401
    from app.units import models as _units  # noqa: F401


def _connect_features() -> None:
    """The features' receivers of the notices' signals (app/notices/signals.py) and of the 待办's (app/core/todo.py);
    connecting twice changes nothing."""
    from app.incoming import listeners as _incoming  # noqa: F401
    from app.notices import listeners as _notices  # noqa: F401
    from app.receipts import listeners as _receipts  # noqa: F401
    from app.rosters import listeners as _rosters  # noqa: F401
    from app.tasks import listeners as _tasks  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.admin.routes import bp as admin_bp
    from app.audit.routes import bp as audit_bp
    from app.auth.routes import bp as auth_bp
    from app.incoming.routes import bp as incoming_bp
    from app.main.routes import bp as main_bp
    from app.notices.routes import bp as notices_bp
    from app.receipts.routes import bp as receipts_bp
    from app.rosters.routes import bp as rosters_bp
    from app.tasks.routes import bp as tasks_bp
    from app.units.routes import bp as units_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(audit_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(receipts_bp)
    app.register_blueprint(incoming_bp)
    app.register_blueprint(rosters_bp)
    app.register_blueprint(tasks_bp)


def _register_hooks(app: Flask) -> None:
    from app.core.access import can, enforce_access
    from app.database import request_may_write, reset_write_intent, set_write_intent
    from app.i18n import register_filters, template_helpers

    @app.before_request
    def _write_intent():
        # SQLite: a request that may write takes the write lock when its first
        # transaction begins (see app/database.py).
        may_write = request_may_write(request.method, app.view_functions.get(request.endpoint))
        request.environ["app.write_intent"] = set_write_intent(may_write)

    app.before_request(enforce_access)

    @app.teardown_request
    def _end_write_intent(exc=None):
        token = request.environ.pop("app.write_intent", None)
        if token is not None:
            reset_write_intent(token)

    @app.after_request
    def _headers(response):
        # Pages and fragments share URLs: caches must keep them apart.
        response.vary.add("HX-Request")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # The notice page shows its own PDF in a frame; no other site may frame ours.
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.after_request
    def _no_store_behind_login(response):
        # What a signed-in person is shown (notices, inboxes, their files) stays out of every cache, the browser's
        # disk and back button included: school computers are shared. Static files keep their caching.
        from flask_login import current_user

        if request.endpoint != "static" and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response

    app.context_processor(template_helpers)
    app.add_template_global(can, "can")  # can('notices.history', notice): the rules each feature registers
    register_filters(app)


def _register_commands(app: Flask) -> None:
    from app.backup.commands import backup_command, restore_command
    from app.demo.commands import demo_cli
    from app.notices.commands import notices_cli
    from app.rosters.commands import rosters_cli
    from app.tasks.commands import tasks_cli

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(demo_cli)
    app.cli.add_command(notices_cli)
    app.cli.add_command(rosters_cli)
    app.cli.add_command(tasks_cli)
