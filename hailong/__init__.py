"""Hài Lòng: the application factory."""
from __future__ import annotations

import weakref
from datetime import timedelta

from flask import Flask
from flask_babel import format_date, format_datetime

from hailong import compression, db, errors, labels, security
from hailong.config import INSTANCE_DIR, PROJECT_DIR, Config
from hailong.extensions import babel, csrf, limiter, login_manager
from hailong.i18n import compile_catalogs, current_locale, number, percent, remember_asked_locale, select_locale

__version__ = "0.1.0"


def create_app(config: Config | dict | None = None) -> Flask:
    """Load config, bind extensions, register blueprints, error handlers and commands."""
    if config is None:
        config = Config.from_env()
    elif isinstance(config, dict):
        config = Config.from_env().replace(**config)
    config.validate()

    app = HailongFlask(
        "hailong",
        root_path=str(PROJECT_DIR),
        instance_path=str(INSTANCE_DIR),
        static_folder="static",
        template_folder="templates",
    )
    _apply_config(app, config)
    db.init_app(app, config.sqlalchemy_url)
    compile_catalogs(PROJECT_DIR / "translations")
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PROJECT_DIR / "translations"))
    app.before_request(remember_asked_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    security.init_app(app, config.trusted_proxies)
    _warn_about_single_process_limits(app, config)
    compression.init_app(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from hailong import cli

    cli.init_app(app)
    return app


class HailongFlask(Flask):
    """Flask, asking once per view or hook whether it is a coroutine function.

    Flask asks before every call (inspect's flags, a dozen times a kiosk tap). A plain function stays
    plain; only those are remembered (weakly), and anything else goes through Flask's ``ensure_sync``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plain_functions: weakref.WeakSet = weakref.WeakSet()

    def ensure_sync(self, func):
        try:
            if func in self._plain_functions:
                return func
        except TypeError:  # not weakly referable
            return super().ensure_sync(func)
        synchronous = super().ensure_sync(func)
        if synchronous is func:
            self._plain_functions.add(func)
        return synchronous


def _apply_config(app: Flask, config: Config) -> None:
    app.config.update(
        HAILONG=config,
        SECRET_KEY=config.secret_key,
        TESTING=config.env == "testing",
        WTF_CSRF_ENABLED=config.wtf_csrf_enabled,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.session_cookie_secure,
        SESSION_COOKIE_NAME="hailong_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=config.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=10),
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        RATELIMIT_STORAGE_URI=config.ratelimit_storage_uri,
        RATELIMIT_HEADERS_ENABLED=True,
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        PUBLIC_URL=config.public_url,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False


def _warn_about_single_process_limits(app: Flask, config: Config) -> None:
    # With several gunicorn workers each keeps its own counters: limits multiply and lockouts leak.
    if config.env == "production" and config.ratelimit_storage_uri.startswith("memory://"):
        app.logger.warning("RATELIMIT_STORAGE_URI is memory://: rate limits live in one process. "
                           "Set it to redis://… (or another shared store) when running several workers.")


def _register_blueprints(app: Flask) -> None:
    from admin.views import bp as admin_bp
    from api.views import bp as api_bp
    from kiosk.views import bp as kiosk_bp
    from transparency.views import bp as public_bp
    from surveys.views import bp as surveys_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(kiosk_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(public_bp)


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(percent=percent, number=number, current_locale=current_locale, app_version=__version__,
                            format_date=format_date, format_datetime=format_datetime)
    app.context_processor(_labels)


def _labels() -> dict:
    """Every template reads coded values in words through ``labels`` (hailong/labels.py), one wording each."""
    return {"labels": labels}
