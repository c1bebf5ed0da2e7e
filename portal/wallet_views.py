"""Adding documents to the graduate's wallet: ``POST /wallet`` asks the delivery service for an
invitation offering every valid document, ``GET /wallet/<id>/offer`` shows it (QR code and deep
link), ``GET /wallet/<id>/qr.png`` is that QR code, and ``GET /wallet/<id>`` is the JSON the page
polls, ``{"state", "holder_did"}``. All of them only for the graduate the invitation was made for
(anyone else: 404 ``delivery.unknown``; nobody signed in: 401 ``signin.required`` for the JSON).

With a claim service (``shahada.wallet.claims``), ``POST /wallet`` makes one claim of the chosen
documents and ``GET /wallet/claims/<id>`` shows its Interaction URL as the QR code
(``…/qr.png``), with the same-phone links; ``…/state`` is its JSON ``{"state", "holder_did"}``.

``GET /i/<token>`` is the short link the QR code holds (:mod:`shahada.portal.wallet`), opened by
the wallet app, which has no session: the invitation as JSON for a client asking for JSON, else a
302 to the full invitation URL; 404 ``invitation.unknown``, 410 ``invitation.expired``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, g, redirect, request, url_for
from werkzeug.wrappers import Response

from shahada.common.errors import ShahadaError
from shahada.portal.documents import graduate_credentials, statuses
from shahada.portal.errors import NotFoundError, PortalError, UnavailableError, UnprocessableError
from shahada.portal.wallet import WalletClaim, WalletClaimService, WalletDeliveryService, qr_png
from shahada.portal.web import page, portal, public_base, require_graduate

bp = Blueprint("wallet", __name__)
T = TypeVar("T")


def _delivery() -> WalletDeliveryService:
    delivery = portal().delivery
    if delivery is None:
        raise UnavailableError("this installation delivers to no wallet", code="wallet.unavailable")
    return delivery


def _asking[T](call: Callable[[], T]) -> T:
    """Call the delivery service; its own failures (the agent refusing or unreachable,
    ``delivery.*``) become the portal's ``wallet.unavailable`` (503), nothing to offer ``wallet.nothing``."""
    try:
        return call()
    except PortalError:
        raise
    except ShahadaError as err:
        if err.code == "delivery.empty":
            raise UnprocessableError("no document to send to a wallet", code="wallet.nothing") from err
        raise UnavailableError(f"the wallet delivery failed: {err.code}: {err.message}", code="wallet.unavailable") from err


@bp.post("/wallet")
def offer() -> Response:
    """The chosen documents (``credential`` fields; none given: every valid one) to a wallet: one
    claim whose Interaction URL offers every protocol (with ``claims``), else the DIDComm invitation."""
    massar = require_graduate()
    p = portal()
    if p.claims is None:
        _delivery()
    credentials = graduate_credentials(p.archive, massar)
    status = statuses(credentials, p.status)
    valid = [c for c in credentials if status[c.id] == "valid"]
    chosen = set(request.form.getlist("credential"))
    if chosen:
        valid = [c for c in valid if c.id in chosen]
    if not valid:
        raise UnprocessableError("no valid document to send to a wallet", code="wallet.nothing")
    made = None
    if p.delivery is not None:
        delivery = p.delivery
        invitation = _asking(lambda: delivery.invite(massar, valid))
        made = p.offers.record(massar, invitation, now=p.now())
    if p.claims is None:
        assert made is not None
        return redirect(url_for("wallet.offer_page", delivery_id=made.delivery_id), code=303)
    claims = p.claims
    didcomm = short_link(made.delivery_id) if made is not None else None
    claim = _asking(lambda: claims.create(massar, valid, didcomm=didcomm))
    return redirect(url_for("wallet.claim_page", claim_id=claim.id), code=303)


def _claim(claim_id: str) -> tuple[WalletClaimService, WalletClaim]:
    """The signed-in graduate's claim (anyone else's, or none: 404 ``delivery.unknown``)."""
    massar = require_graduate()
    claims = portal().claims
    if claims is None:
        raise UnavailableError("this installation delivers to no wallet", code="wallet.unavailable")
    try:
        found = claims.get(claim_id)
    except ShahadaError as err:
        raise NotFoundError("no wallet delivery with this id for this graduate", code="delivery.unknown") from err
    if found.massar != massar:
        raise NotFoundError("no wallet delivery with this id for this graduate", code="delivery.unknown")
    return claims, found


@bp.get("/wallet/claims/<claim_id>")
def claim_page(claim_id: str) -> Response:
    claims, found = _claim(claim_id)
    return page(
        "claim.html", claim=found, interaction=claims.interaction_url(found.id), oid4vci=claims.offer_link(found.id),
        expired=portal().now() >= found.expires_at,
    )


@bp.get("/wallet/claims/<claim_id>/qr.png")
def claim_qr(claim_id: str) -> Response:
    claims, found = _claim(claim_id)
    response = Response(qr_png(claims.interaction_url(found.id)), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/wallet/claims/<claim_id>/state")
def claim_state(claim_id: str) -> Response:
    g.json_endpoint = True
    _, found = _claim(claim_id)
    response = Response(json.dumps({"state": found.state, "holder_did": found.holder_did}), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def short_link(delivery_id: str) -> str:
    return f"{public_base()}/i/{portal().offers.short_token(delivery_id)}"


@bp.get("/wallet/<delivery_id>/offer")
def offer_page(delivery_id: str) -> Response:
    made = portal().offers.get(require_graduate(), delivery_id)
    return page("wallet.html", offer=made, short_link=short_link(made.delivery_id))


@bp.get("/wallet/<delivery_id>/qr.png")
def qr_code(delivery_id: str) -> Response:
    made = portal().offers.get(require_graduate(), delivery_id)
    response = Response(qr_png(short_link(made.delivery_id)), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/wallet/<delivery_id>")
def state(delivery_id: str) -> Response:
    g.json_endpoint = True
    made = portal().offers.get(require_graduate(), delivery_id)
    delivery = _delivery()
    found = _asking(lambda: delivery.refresh(made.delivery_id))
    body = {"state": found.state, "holder_did": found.holder_did}
    response = Response(json.dumps(body), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/i/<token>")
def invitation(token: str) -> Response:
    made = portal().offers.by_short_token(token, now=portal().now())
    accept = request.accept_mimetypes
    if accept["application/json"] > accept["text/html"]:
        response = Response(json.dumps(made.invitation(), ensure_ascii=False), mimetype="application/json")
    else:
        response = redirect(made.url, code=302)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response
