"""The verifier service: public pages for anyone (Arabic, French, English) and the W3C CCG VC API
for universities' systems ("Verify Credential", "Verify Presentation", "Create Challenge").

``create_app(settings)`` is the application factory: ``settings`` is a
:class:`~shahada.verifier.web.settings.VerifierSettings` (or a mapping of its fields, as tests pass), the
explicit parts (resolver, the ministry's records, clock, loader) are keyword arguments; the
blueprints are ``api.py`` (JSON, problem+json errors through :func:`shahada.common.problems.render_error`)
and ``pages.py`` (HTML, the printed QR codes' URL ``<seal_base_url path><seal>``). Every asset is
served by the app itself (no CDN): ``static/`` and ``templates/``. ``shahada serve verifier`` runs
it with waitress (:class:`shahada.common.wsgi.WaitressServer`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, request

from shahada.common.errors import RateLimitedError
from shahada.common.problems import render_error
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.checks import Resolver
from shahada.verifier.seal import SealStatus
from shahada.verifier.traffic import Traffic
from shahada.verifier.web import api, counting, lookup, oid4vp_page, pages
from shahada.verifier.web.counting import METRICS_TOKEN_KEY
from shahada.verifier.web.errors import BadRequestError, PayloadTooLargeError, SettingsError, UnprocessableInputError, VerifierServiceError
from shahada.verifier.web.lookup import LOOKUP_KEY, DocumentStatus, LookupLimiter, StatusByNumber
from shahada.verifier.web.oid4vp import OID4VP_KEY, Oid4vpRequests
from shahada.verifier.web.oid4vp import bp as oid4vp_bp
from shahada.verifier.web.service import Records, Report, VerifierService
from shahada.verifier.web.settings import VerifierSettings
from shahada.verifier.workers import VerifierWorkers

__all__ = [
    "BadRequestError",
    "DocumentStatus",
    "PayloadTooLargeError",
    "Records",
    "Report",
    "SERVICE_KEY",
    "SettingsError",
    "StatusByNumber",
    "UnprocessableInputError",
    "VerifierService",
    "VerifierServiceError",
    "VerifierSettings",
    "create_app",
]

LOGGER = logging.getLogger(__name__)
SERVICE_KEY = api.SERVICE_KEY
_MULTIPART_SLACK = 64 * 1024  # boundaries and headers of a form around an upload

# What every response says to the browser: no resource from elsewhere, no framing, no referrer
# (a QR URL carries the seal), no MIME sniffing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(
    settings: VerifierSettings | Mapping[str, Any],
    *,
    resolver: Resolver | None = None,
    records: Records | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    loader: PinnedDocumentLoader | None = None,
    workers: VerifierWorkers | None = None,
    registry: SealStatus | None = None,
    oid4vp: Oid4vpRequests | None = None,
    status_by_number: StatusByNumber | None = None,
    traffic: Traffic | None = None,
    metrics_token: str | None = None,
) -> Flask:
    """The verifier application. ``workers``: the worker processes of the expensive work (see
    :class:`VerifierService`); by default the service's own, stopped by ``service.close()``.
    ``status_by_number``: the ministry's records for the look-up by document number and date
    of birth (:mod:`~shahada.verifier.web.lookup`); None: that look-up answers ``lookup.unavailable``.
    ``traffic``: where verifications are counted (:mod:`~shahada.verifier.web.counting`; by default
    in memory); ``metrics_token``: the bearer token of ``GET /metrics/traffic`` (None: no such path).

    Raises:
        SettingsError (config.verifier): settings that cannot work.
    """
    if not isinstance(settings, VerifierSettings):
        settings = VerifierSettings.from_mapping(settings)
    service = VerifierService(settings, resolver=resolver, records=records, loader=loader, clock=clock or _utc_now, workers=workers, registry=registry, traffic=traffic)
    app = Flask("shahada.verifier.web")
    app.config[SERVICE_KEY] = service
    app.config["MAX_CONTENT_LENGTH"] = max(settings.max_upload_bytes, settings.max_json_bytes) + _MULTIPART_SLACK
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_json_bytes  # the pasted text of the form
    app.config["MAX_FORM_PARTS"] = 16
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.config[LOOKUP_KEY] = (status_by_number, LookupLimiter(settings.lookup_per_client, settings.lookup_window, store=service.shared))
    app.register_blueprint(lookup.bp)
    app.config[METRICS_TOKEN_KEY] = metrics_token
    app.register_blueprint(counting.bp)
    pages.register_seal_routes(app, settings.seal_base_url)
    if oid4vp is not None:  # OpenID4VP requests (verifier/web/oid4vp.py), signed with its own key
        app.config[OID4VP_KEY] = oid4vp
        app.register_blueprint(oid4vp_bp)
        app.register_blueprint(oid4vp_page.bp)
    app.register_error_handler(Exception, _render)
    app.after_request(_secure)
    return app


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _render(err: Exception) -> Any:
    """The one error handler: problem+json for the API (and anything asking for JSON), an error
    page in the reader's language for the pages."""
    response = render_error(err, logger=LOGGER) if api.wants_problem(request) else pages.error_page(err, logger=LOGGER)
    if isinstance(err, RateLimitedError):  # every 429 says when to come back
        response.headers["Retry-After"] = str(err.retry_after)
    return response


def _secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
