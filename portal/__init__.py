"""The graduate portal: a graduate signs in with their Code Massar, date of birth and a one-time
code, sees their diploma and transcripts with their status, downloads each as the printed PDF or
as the signed credential, sends them to their wallet, and makes share links for a university or
an employer, whose every use they see.

``create_app(settings, *, archive, sender, …)`` is the application factory: ``settings`` is a
:class:`~shahada.portal.settings.PortalSettings` (or a mapping of its fields, as tests pass), and
every other part is explicit: the archive (whose database also holds the portal's tables,
:mod:`shahada.portal.store`), the code sender, the PDF printer, the wallet delivery service, the
status store and the clock. Blueprints: ``signin_views``, ``document_views``, ``wallet_views``,
``share_views``; one error handler (:func:`shahada.portal.web.render_error`). Pages in Arabic
(right to left), French and English; every asset is served by the app (no CDN).
``shahada serve portal`` runs it with waitress (:mod:`shahada.services`).
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
from shahada.issuer.archive.store import Archive
from shahada.portal import document_views, share_views, signin_views, wallet_views
from shahada.portal.documents import DocumentPrinter, SealedPrinter, StatusSource
from shahada.portal.errors import (
    FormError,
    GoneError,
    NotFoundError,
    PortalError,
    RateLimitedError,
    SettingsError,
    SignInError,
    UnavailableError,
    UnprocessableError,
)
from shahada.portal.otp import OTPSender, OutboxSender
from shahada.portal.settings import PortalSettings
from shahada.portal.shares import Shares
from shahada.portal.signin import SignIn
from shahada.portal.store import PortalStore
from shahada.portal.wallet import Offers, WalletClaimService, WalletDeliveryService
from shahada.portal.web import PORTAL_KEY, Portal, check_csrf, remember_language, render_error, template_helpers

__all__ = [
    "DocumentPrinter",
    "FormError",
    "GoneError",
    "NotFoundError",
    "OTPSender",
    "OutboxSender",
    "PORTAL_KEY",
    "PortalError",
    "PortalSettings",
    "RateLimitedError",
    "SealedPrinter",
    "SettingsError",
    "SignInError",
    "StatusSource",
    "UnavailableError",
    "UnprocessableError",
    "WalletClaimService",
    "WalletDeliveryService",
    "create_app",
]

LOGGER = logging.getLogger(__name__)
MAX_BODY_BYTES: Final = 64 * 1024  # the largest form is a share link's: a few hundred bytes



def create_app(
    settings: PortalSettings | Mapping[str, Any],
    *,
    archive: Archive,
    sender: OTPSender,
    printer: DocumentPrinter | None = None,
    delivery: WalletDeliveryService | None = None,
    status: StatusSource | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    claims: WalletClaimService | None = None,
) -> Flask:
    """The portal application.

    Args:
        settings: the portal's settings (a mapping is checked by ``PortalSettings.from_mapping``).
        archive: the candidates' issued credentials; its database receives the portal's tables.
        sender: delivers one-time codes (an SMS or e-mail gateway; ``OutboxSender`` in development).
        printer: makes a document's PDF (``SealedPrinter`` over the agent); None: no PDF download.
        delivery: ``shahada.issuer.delivery.WalletDelivery``; None: no "add to wallet".
        status: the status store (revocation, suspension); None: every document is shown valid.
        clock: the current time (UTC, aware); tests pass their own.
        claims: ``shahada.wallet.claims.Claims``: "add to wallet" makes one claim whose Interaction
            URL offers OID4VCI (and the DIDComm invitation of ``delivery``); None: DIDComm only.

    Raises:
        SettingsError (config.portal): settings that cannot work.
        ArchiveError (archive.open): the portal's tables cannot be created.
    """
    if not isinstance(settings, PortalSettings):
        settings = PortalSettings.from_mapping(settings)
    store = PortalStore(archive.engine)
    services = Portal(
        settings=settings,
        archive=archive,
        store=store,
        signin=SignIn(store, archive, sender, settings),
        shares=Shares(store),
        offers=Offers(store, settings.key("invitation"), ttl=settings.invitation_ttl),
        printer=printer,
        delivery=delivery,
        status=status,
        clock=clock or _utc_now,
        claims=claims,
    )
    app = Flask("shahada.portal")
    app.config.update(
        SECRET_KEY=settings.key("session"),
        SESSION_COOKIE_NAME="shahada_portal",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=settings.session_lifetime),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,
        MAX_FORM_PARTS=64,
    )
    app.config[PORTAL_KEY] = services
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    for blueprint in (signin_views.bp, document_views.bp, wallet_views.bp, share_views.bp):
        app.register_blueprint(blueprint)
    app.before_request(_before)
    app.context_processor(template_helpers)
    app.register_error_handler(Exception, _render)
    app.after_request(secure_page)
    return app


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _before() -> None:
    remember_language()
    if request.method == "POST":
        check_csrf()


def _render(err: Exception) -> WerkzeugResponse:
    return render_error(err, logger=LOGGER)

