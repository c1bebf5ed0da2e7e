"""The ministry's staff console: accounts with roles and a mandatory second factor, a session's
PVs from upload to issuance with four eyes, print batches per academy, results day, suspension
and revocation (four eyes), dashboards and the audit trail.

``create_app(settings, *, ministry, clock)`` is the application factory: ``settings`` is a
:class:`~shahada.console.settings.ConsoleSettings` (or a mapping of its fields, as tests pass),
``ministry`` the installation's parts (:class:`~shahada.console.operations.Ministry`): every action
calls the same use cases as the CLI. Blueprints: ``auth_views``, ``dashboard_views``,
``session_views``, ``document_views``; one error handler. Pages in Arabic (right to left) and
French; every asset is served by the app. ``shahada serve console`` runs it with waitress.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as WerkzeugResponse

from shahada.common.pages import secure_page
from shahada.console import auth_views, dashboard_views, document_views, oidc, session_views
from shahada.console.accounts import Accounts, NewAccount
from shahada.console.errors import ConsoleError, ForbiddenError, FormError, NotFoundError, RateLimitedError, SettingsError, SignInError, StateError
from shahada.console.jobs import Jobs
from shahada.console.operations import Ministry, PrintSession
from shahada.console.roles import ROLES, Actor, Role, allowed
from shahada.console.settings import SECRET_ENV, ConsoleSettings
from shahada.console.web import CONSOLE_KEY, Console, check_csrf, remember_language, render_error, template_helpers
from shahada.console.workflow import Workflow

__all__ = [
    "Accounts",
    "Actor",
    "CONSOLE_KEY",
    "Console",
    "ConsoleError",
    "ConsoleSettings",
    "ForbiddenError",
    "FormError",
    "Ministry",
    "NewAccount",
    "NotFoundError",
    "PrintSession",
    "ROLES",
    "RateLimitedError",
    "Role",
    "SECRET_ENV",
    "SettingsError",
    "SignInError",
    "StateError",
    "allowed",
    "create_app",
]

LOGGER = logging.getLogger(__name__)
FORM_BYTES: Final = 64 * 1024



def create_app(settings: ConsoleSettings | Mapping[str, Any], *, ministry: Ministry, clock: Callable[[], dt.datetime] | None = None) -> Flask:
    """The console application.

    Raises:
        SettingsError (config.console): settings that cannot work.
    """
    if not isinstance(settings, ConsoleSettings):
        settings = ConsoleSettings.from_mapping(settings)
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    workflow = Workflow(ministry, settings.work_dir)
    services = Console(settings=settings, accounts=Accounts(ministry.archive.engine, settings), workflow=workflow, jobs=Jobs(workflow),
                       clock=clock or ministry.clock)
    app = Flask("shahada.console")
    app.config.update(
        SECRET_KEY=settings.key("session"),
        SESSION_COOKIE_NAME="shahada_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax" if settings.oidc else "Strict",  # the provider's redirect back is cross-site
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=settings.session_lifetime),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + FORM_BYTES,
        MAX_FORM_MEMORY_SIZE=FORM_BYTES,
        MAX_FORM_PARTS=32,
    )
    app.config[CONSOLE_KEY] = services
    if settings.oidc:
        oidc.register(app, settings)
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    for blueprint in (auth_views.bp, dashboard_views.bp, session_views.bp, document_views.bp):
        app.register_blueprint(blueprint)
    app.before_request(_before)
    app.context_processor(template_helpers)
    app.register_error_handler(Exception, _render)
    app.after_request(secure_page)
    return app


def _before() -> None:
    remember_language()
    if request.method == "POST":
        check_csrf()


def _render(err: Exception) -> WerkzeugResponse:
    return render_error(err, logger=LOGGER)

