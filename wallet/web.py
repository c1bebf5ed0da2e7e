"""The ministry's wallet-facing endpoints: the OID4VCI 1.0 issuer (pre-authorized code flow).

``create_app(claims)`` serves, at the credential issuer identifier's origin (no path, so the
well-known URLs are the plain ones):

    GET  /.well-known/openid-credential-issuer     credential issuer metadata (OID4VCI §12.2)
    GET  /.well-known/oauth-authorization-server   authorization server metadata (RFC 8414)
    GET  /interactions/<claim id>?iuv=1            the Interaction URL (VCALM §3.7): ``{"protocols"}``
                                                   for a client asking for JSON, else a short page
    GET  /oid4vci/offers/<claim id>                the credential offer, by reference (§4.1.3)
    POST /oid4vci/token                            pre-authorized code + tx_code → access token (§6)
    POST /oid4vci/nonce                            a fresh c_nonce (§7)
    POST /oid4vci/credential                       Bearer token + JWT key proof → ldp_vc (§8)
    POST /exchanges/<claim id>                     VC API exchange (VCALM): {} → DID authentication
                                                   request; a VP of the wallet's DID → the credentials
    GET  /exchanges/<claim id>                     the exchange's state

Views parse the request, call :class:`shahada.wallet.claims.Claims` (offers, token),
:class:`shahada.wallet.credential_endpoint.CredentialEndpoint` (nonce, credential) or
:class:`shahada.wallet.exchanges.Exchanges` and serialise; errors of the
protocol are answered as the spec says (``{"error", "error_description"}``, the HTTP status of
the code, ``WWW-Authenticate`` for ``invalid_token``, ``Cache-Control: no-store`` on tokens),
every other error as problem+json with its stable code.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from flask import Blueprint, Flask, current_app, request
from markupsafe import escape
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from shahada.common.problems import render_error
from shahada.wallet.claims import Claims
from shahada.wallet.credential_endpoint import CredentialEndpoint
from shahada.wallet.exchanges import ExchangeError, Exchanges
from shahada.wallet.oid4vci import OID4VCIError, authorization_server_metadata, issuer_metadata

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["WALLET_PATHS", "create_app", "mounted"]

LOGGER = logging.getLogger(__name__)
CLAIMS_KEY: Final = "SHAHADA_WALLET_CLAIMS"
ENDPOINT_KEY: Final = "SHAHADA_WALLET_CREDENTIAL_ENDPOINT"
EXCHANGES_KEY: Final = "SHAHADA_WALLET_EXCHANGES"
MAX_BODY_BYTES: Final = 64 * 1024  # a credential request with four proofs is a few kilobytes

bp = Blueprint("oid4vci", __name__)
FALLBACK_PAGE: Final = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Portefeuille — المحفظة — Wallet</title></head>
<body><p>Ouvrez ce lien avec l'application de votre portefeuille. — افتح هذا الرابط بتطبيق محفظتك. — Open this link with your wallet app.</p>
<ul>{links}</ul></body></html>"""


def _claims() -> Claims:
    found: Claims = current_app.config[CLAIMS_KEY]
    return found


def _endpoint() -> CredentialEndpoint:
    found: CredentialEndpoint = current_app.config[ENDPOINT_KEY]
    return found


def _exchanges() -> Exchanges:
    found: Exchanges | None = current_app.config[EXCHANGES_KEY]
    if found is None:
        raise NotFound()
    return found


def _json(body: Any, status: int = 200, *, no_store: bool = False) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/.well-known/openid-credential-issuer")
def credential_issuer_metadata() -> Response:
    claims = _claims()
    return _json(issuer_metadata(claims.issuer, sd_jwt=claims.sd_jwt is not None))


@bp.get("/.well-known/oauth-authorization-server")
def oauth_metadata() -> Response:
    return _json(authorization_server_metadata(_claims().issuer))


@bp.get("/interactions/<claim_id>")
def interaction(claim_id: str) -> Response:
    protocols = _claims().protocols(claim_id)
    exchanges: Exchanges | None = current_app.config[EXCHANGES_KEY]
    if exchanges is not None:
        protocols = {"vcapi": exchanges.url(claim_id), **protocols}
    accept = request.accept_mimetypes
    if accept["application/json"] > accept["text/html"]:
        response = _json({"protocols": protocols}, no_store=True)
    else:  # a phone's camera app opened the link: say what to do with it
        links = "".join(f'<li><a href="{escape(url)}">{escape(name)}</a></li>' for name, url in protocols.items())
        response = Response(FALLBACK_PAGE.format(links=links), mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


@bp.get("/oid4vci/offers/<claim_id>")
def offer(claim_id: str) -> Response:
    return _json(_claims().offer(claim_id), no_store=True)


@bp.post("/oid4vci/token")
def token() -> Response:
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OID4VCIError("invalid_request", "the token request is a form (application/x-www-form-urlencoded)")
    form = {k: v for k, v in request.form.items()}
    return _json(_claims().token(form), no_store=True)


@bp.post("/oid4vci/nonce")
def nonce() -> Response:
    return _json(_endpoint().nonce(), no_store=True)


@bp.post("/oid4vci/credential")
def credential() -> Response:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    access_token = value.strip() if scheme.lower() == "bearer" else None
    if request.mimetype != "application/json":
        raise OID4VCIError("invalid_credential_request", "the credential request is JSON (application/json)")
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as err:
        raise OID4VCIError("invalid_credential_request", "the credential request is not JSON") from err
    return _json(_endpoint().credential(access_token, body), no_store=True)


@bp.post("/exchanges/<claim_id>")
def exchange(claim_id: str) -> Response:
    exchanges = _exchanges()
    if request.mimetype != "application/json":
        raise ExchangeError("the exchange expects JSON (application/json)", code="exchange.request")
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as err:
        raise ExchangeError("the body is not JSON", code="exchange.request") from err
    return _json(exchanges.participate(claim_id, body), no_store=True)


@bp.get("/exchanges/<claim_id>")
def exchange_state(claim_id: str) -> Response:
    return _json(_exchanges().state(claim_id), no_store=True)


def _error(err: Exception) -> Response:
    if isinstance(err, OID4VCIError):
        response = _json(err.body(), err.http_status, no_store=True)
        if err.error == "invalid_token":
            response.headers["WWW-Authenticate"] = f'Bearer error="invalid_token", error_description="{err.message}"'
        return response
    response = render_error(err, logger=LOGGER)
    if isinstance(err, ExchangeError) and err.details is not None:  # which checks of the presentation failed
        body = json.loads(response.get_data(as_text=True))
        response.set_data(json.dumps({**body, "errors": err.details}, ensure_ascii=False))
    return response


def create_app(claims: Claims, exchanges: Exchanges | None = None) -> Flask:
    """The wallet-facing application over ``claims`` (and their VC API ``exchanges``, offered as
    ``vcapi`` in the Interaction URL's protocols; None: OID4VCI and DIDComm only)."""
    app = Flask("shahada.wallet")
    app.config[CLAIMS_KEY] = claims
    app.config[ENDPOINT_KEY] = CredentialEndpoint(claims)
    app.config[EXCHANGES_KEY] = exchanges
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.register_blueprint(bp)
    app.register_error_handler(Exception, _error)
    app.after_request(_secure)
    return app


# Wallets read JSON; the one HTML page (the Interaction URL's fallback) needs no script, style or frame.
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


# The paths this application answers when it shares an origin with another (the portal's).
WALLET_PATHS: Final = ("/.well-known/openid-credential-issuer", "/.well-known/oauth-authorization-server", "/oid4vci/", "/interactions/", "/exchanges/")

def mounted(wallet: Flask, other: WSGIApplication) -> WSGIApplication:
    """One WSGI application: ``wallet`` for :data:`WALLET_PATHS`, ``other`` for the rest (the
    portal, whose sign-in, forms and error pages do not apply to wallets)."""

    def dispatch(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if any(path == p or (p.endswith("/") and path.startswith(p)) for p in WALLET_PATHS):
            return wallet.wsgi_app(environ, start_response)
        return other(environ, start_response)

    return dispatch
