"""OpenID for Verifiable Presentations 1.0, verifier side: request by reference, DCQL, direct_post.

    POST /oid4vp/requests                  {"transcript"?: bool} → {"id", "request", "request_uri", "result"}
    GET  /oid4vp/requests/<id>/object      the signed request object (``oauth-authz-req+jwt``, §5)
    POST /oid4vp/responses/<id>            the wallet's ``direct_post`` (form: ``vp_token``, ``state``)
    GET  /oid4vp/requests/<id>/result      {"state": "pending"|"answered", "result"?: the verification}

The request URL (``openid4vp://?client_id=…&request_uri=…``) goes to the wallet as a QR code or a
link; ``client_id`` is ``decentralized_identifier:<did:key>`` (§5.9.3) and the request object is
signed with that key (EdDSA, jwcrypto): a key of this verifier service for requests only (it
signs no credential). The DCQL query (§6) asks for one ``ldp_vc`` credential whose type is
``BaccalaureateDiploma`` (or the transcript). The nonce is a one-time challenge of the service's
store: the answer's presentation must carry it as ``challenge`` and the ``client_id`` as
``domain`` (Appendix B.1.3.1), and it is verified like ``POST /presentations/verify`` (signature,
holder binding, trusted issuer, status), so that a replay is refused. A request is answered once;
requests live for their ``ttl`` in this process's memory, or in the archive's database when
several processes serve (:mod:`~shahada.verifier.web.oid4vp_store`; the nonce is then a random
value of the request, and the request answered once is what refuses a replay).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from shahada.did.key import did_key_from_public_key
from shahada.verifier.web.api import client_address, read_body
from shahada.verifier.web.errors import BadRequestError, VerifierServiceError
from shahada.verifier.web.oid4vp_store import MemoryRequests, Pending, RequestStore
from shahada.verifier.web.parse import parse_json
from shahada.verifier.web.service import Report, VerifierService

__all__ = ["OID4VP_KEY", "Oid4vpRequests", "UnavailableError", "answered_request", "bp", "start"]

OID4VP_KEY: Final = "SHAHADA_OID4VP"
REQUEST_TTL: Final = 600
MAX_REQUESTS: Final = 10_000
DIPLOMA_TYPE: Final = "BaccalaureateDiploma"
TRANSCRIPT_TYPE: Final = "BaccalaureateTranscript"

bp = Blueprint("oid4vp", __name__)


class NotFoundError(VerifierServiceError):
    """``oid4vp.unknown``: no pending request with this id (unknown or expired)."""

    code = "oid4vp.unknown"
    http_status = 404


class UnavailableError(VerifierServiceError):
    """``oid4vp.unavailable``: this service runs several processes, and a request lives in one."""

    code = "oid4vp.unavailable"
    http_status = 503


class Oid4vpRequests:
    """The service's OID4VP requests (in ``store``) and its request-signing key.

    Args:
        seed: the 32-byte Ed25519 seed of the key that signs request objects.
        base_url: this service's public URL (response and request URIs are made from it).
        unavailable: why this service cannot answer OpenID4VP (every route then answers 503
            ``oid4vp.unavailable`` with it), e.g. it runs several processes without a database.
        store: where requests are kept: this process's memory by default, or the database
            (:class:`~shahada.verifier.web.oid4vp_store.DatabaseRequests`) shared by processes.
    """

    def __init__(
        self, seed: bytes, base_url: str, *, ttl: int = REQUEST_TTL, unavailable: str | None = None, store: RequestStore | None = None
    ) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        from jwcrypto import jwk

        private = Ed25519PrivateKey.from_private_bytes(seed)
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.did = did_key_from_public_key(public)
        self.client_id = f"decentralized_identifier:{self.did}"
        self._jwk = jwk.JWK(kty="OKP", crv="Ed25519", x=_b64(public), d=_b64(seed))
        self.base_url = base_url.rstrip("/")
        self.ttl = ttl
        self.unavailable = unavailable
        self.store: RequestStore = store if store is not None else MemoryRequests()

    def create(self, nonce: str, *, transcript: bool) -> dict[str, str]:
        """A new request whose nonce is ``nonce`` (with a shared store, a fresh random nonce
        instead: a process's one-time challenges are not seen by the others; the request itself,
        answered once, keeps the answer from being replayed)."""
        request_id = secrets.token_urlsafe(18)
        if self.store.shared:
            nonce = secrets.token_urlsafe(24)
        pending = Pending(nonce, secrets.token_urlsafe(16), transcript, time.time())
        if not self.store.add(request_id, pending, limit=MAX_REQUESTS, ttl=self.ttl):
            raise BadRequestError("too many pending OID4VP requests: try again later", code="oid4vp.busy")
        return self.links(request_id)

    def links(self, request_id: str) -> dict[str, str]:
        """The wallet's link (``openid4vp://``), the request object's URI and the result's URI."""
        request_uri = f"{self.base_url}/oid4vp/requests/{request_id}/object"
        link = f"openid4vp://?client_id={quote(self.client_id, safe='')}&request_uri={quote(request_uri, safe='')}"
        return {"id": request_id, "request": link, "request_uri": request_uri, "result": f"{self.base_url}/oid4vp/requests/{request_id}/result"}

    def get(self, request_id: str) -> Pending:
        """Raises: NotFoundError (oid4vp.unknown, 404): unknown or expired."""
        found = self.store.get(request_id, ttl=self.ttl) if len(request_id) <= 64 else None
        if found is None:
            raise NotFoundError("no pending OID4VP request has this id (unknown or expired)", code="oid4vp.unknown")
        return found

    def request_object(self, request_id: str) -> str:
        """The signed request object (JAR, RFC 9101) of a pending request."""
        from jwcrypto import jws

        pending = self.get(request_id)
        wanted = [DIPLOMA_TYPE] + ([TRANSCRIPT_TYPE] if pending.transcript else [])
        now = int(time.time())
        payload = {
            "client_id": self.client_id, "response_type": "vp_token", "response_mode": "direct_post",
            "response_uri": f"{self.base_url}/oid4vp/responses/{request_id}", "nonce": pending.nonce, "state": pending.state,
            "aud": "https://self-issued.me/v2", "iat": now, "exp": now + self.ttl,
            "dcql_query": {"credentials": [
                {"id": kind.lower(), "format": "ldp_vc", "meta": {"type_values": [["VerifiableCredential", kind]]}} for kind in wanted
            ]},
            "client_metadata": {"vp_formats_supported": {"ldp_vc": {
                "proof_type_values": ["Ed25519Signature2020", "DataIntegrityProof"], "cryptosuite_values": ["eddsa-rdfc-2022"],
            }}},
        }
        token = jws.JWS(json.dumps(payload).encode())
        token.add_signature(self._jwk, alg="EdDSA", protected={"alg": "EdDSA", "typ": "oauth-authz-req+jwt", "kid": f"{self.did}#{self.did[8:]}"})
        compact: str = token.serialize(compact=True)
        return compact

    def answer(self, request_id: str, form: Mapping[str, str], verify: Callable[[dict[str, Any], str, str], Report]) -> tuple[int, dict[str, Any]]:
        """The wallet's ``direct_post`` (``vp_token``, ``state``) to a pending request, verified once
        by ``verify(presentation, nonce, client_id)``: 200 ``{}``, or 400 with an OAuth error.

        Raises: NotFoundError (oid4vp.unknown, 404): unknown or expired."""
        pending = self.get(request_id)
        if form.get("state") != pending.state:
            return 400, {"error": "invalid_request", "error_description": "state does not match the request"}
        try:
            token = json.loads(form.get("vp_token", ""))
        except ValueError:
            return 400, {"error": "invalid_request", "error_description": "vp_token is not JSON"}
        wanted = DIPLOMA_TYPE.lower()
        presented = token.get(wanted) if isinstance(token, dict) else None
        presented = presented[0] if isinstance(presented, list) and len(presented) == 1 else presented
        if not isinstance(presented, dict):
            return 400, {"error": "invalid_request", "error_description": f"vp_token must hold one presentation for the query {wanted!r}"}
        if not self.store.claim(request_id):
            return 400, {"error": "invalid_request", "error_description": "this request was already answered"}
        try:
            report = verify(presented, pending.nonce, self.client_id)
        except BaseException:
            self.store.release(request_id)
            raise
        self.store.finish(request_id, report.to_api(), presented, report)
        return 200, {}

    def report(self, pending: Pending, verify: Callable[[dict[str, Any], str, str], Report]) -> Report | None:
        """The verification of an answered request: this process's, or (an answer received by
        another process) the stored presentation verified again here; None while unanswered."""
        if pending.report is not None:
            found: Report = pending.report
            return found
        if pending.result is None or pending.presentation is None:
            return None
        return verify(pending.presentation, pending.nonce, self.client_id)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def answered_request(request_id: str) -> tuple[Report | None, dict[str, str]]:
    """The verification of a request of this service (None while the wallet has not answered)
    and its links.

    Raises: NotFoundError (oid4vp.unknown, 404): unknown or expired."""
    requests_ = _requests()
    service = _service()
    report = requests_.report(requests_.get(request_id), lambda vp, nonce, domain: service.verify_presentation(vp, challenge=nonce, domain=domain))
    return report, requests_.links(request_id)


def _requests() -> Oid4vpRequests:
    """Raises: UnavailableError (oid4vp.unavailable, 503): OID4VP is off in this service."""
    found: Oid4vpRequests = current_app.config[OID4VP_KEY]
    if found.unavailable is not None:
        raise UnavailableError(found.unavailable, code="oid4vp.unavailable")
    return found


def _service() -> VerifierService:
    from shahada.verifier.web import SERVICE_KEY

    found: VerifierService = current_app.config[SERVICE_KEY]
    return found


def _json(body: Any, status: int = 200) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/oid4vp/requests")
def create_request() -> Response:
    raw = read_body(4096)
    body = parse_json(raw) if raw.strip() else {}
    if not isinstance(body, dict) or set(body) - {"transcript"}:
        raise BadRequestError("POST /oid4vp/requests takes {} or {\"transcript\": true}", code="request.invalid")
    return _json(start(transcript=body.get("transcript") is True))


def start(*, transcript: bool) -> dict[str, str]:
    """A new request of this service, its nonce a one-time challenge for the caller's address."""
    requests_ = _requests()
    nonce = _service().issue_challenge(client_address(request)).value  # also the per-client limit
    return requests_.create(nonce, transcript=transcript)


@bp.get("/oid4vp/requests/<request_id>/object")
def request_object(request_id: str) -> Response:
    response = Response(_requests().request_object(request_id), mimetype="application/oauth-authz-req+jwt")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/oid4vp/responses/<request_id>")
def direct_post(request_id: str) -> Response:
    service = _service()
    status, body = _requests().answer(request_id, request.form, lambda vp, nonce, domain: service.verify_presentation(vp, challenge=nonce, domain=domain))
    return _json(body, status)


@bp.get("/oid4vp/requests/<request_id>/result")
def result(request_id: str) -> Response:
    pending = _requests().get(request_id)
    if pending.result is None:
        return _json({"state": "pending"})
    return _json({"state": "answered", "result": pending.result})
