"""The VC API blueprint (W3C CCG Verifiable Credentials API, verifier.yml): thin views that read
the body, parse it (:mod:`shahada.verifier.web.parse`), call the service and serialise its report.

===========================  ===============================================================
``POST /credentials/verify``    ``{"verifiableCredential", "options"}`` → 200 result, or 400 with
                                the same result when it does not verify
``POST /presentations/verify``  ``{"verifiablePresentation", "options": {"challenge", "domain"}}``
                                → 200 result, or 400 with the same result
``POST /challenges``            empty body or ``{}`` → 200 ``{"challenge"}`` (one use, expires)
``POST /seals/verify``          Shahada: ``{"seal": "<QR text or URL>", "options": {"massar"}}``
``POST /documents/verify``      Shahada: a PDF, PNG, JPEG, JSON or text body (or a multipart
                                ``file``) → 200 result with ``kind``
``POST /shares/verify``         Shahada: ``{"url": "<share link>"}`` → 200 result with
                                ``recipient``, ``expires`` and ``credentialResults``
``POST /documents/status``      Shahada (:mod:`~shahada.verifier.web.lookup`): ``{"documentNumber",
                                "birthDate"}`` → 200 ``{"documentNumber", "status"}``, the status only
``GET /openapi.json``           the OpenAPI 3.1 description of all of these
``GET /healthz``                ``{"status": "ok"}``
===========================  ===============================================================

A result is ``{"verified", "checks", "warnings", "errors"}``; errors are problem+json (400 the
request, 413 too large, 422 not a credential, presentation or seal) with a stable ``code``.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any, Final

from flask import Blueprint, Request, Response, current_app, request

from shahada.verifier.web.errors import BadRequestError, PayloadTooLargeError
from shahada.verifier.web.openapi import openapi_document
from shahada.verifier.web.parse import (
    parse_credential_request,
    parse_json,
    parse_presentation_request,
    parse_seal_request,
    parse_share_request,
)
from shahada.verifier.web.service import Report, VerifierService

bp = Blueprint("api", __name__)
SERVICE_KEY: Final = "SHAHADA_VERIFIER_SERVICE"
FAILED_VERIFICATION: Final = 400
API_PREFIXES: Final = (
    "/credentials/", "/presentations/", "/challenges", "/seals/", "/documents/", "/shares/", "/openapi.json", "/healthz", "/metrics/",
    "/oid4vp/requests", "/oid4vp/responses/",
)


def wants_problem(req: Request) -> bool:
    """Whether an error of this request is answered as problem+json (the API, or a client that
    prefers JSON to HTML)."""
    if req.path.startswith(API_PREFIXES):
        return True
    best = req.accept_mimetypes.best_match(["text/html", "application/json", "application/problem+json"])
    return best in ("application/json", "application/problem+json")


def service() -> VerifierService:
    found: VerifierService = current_app.config[SERVICE_KEY]
    return found


def _json(body: Any, status: int = 200) -> Response:
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def read_body(limit: int) -> bytes:
    """The request body, at most ``limit`` bytes.

    Raises:
        PayloadTooLargeError: ``request.too_large`` (413).
    """
    declared = request.content_length
    if declared is not None and declared > limit:
        raise PayloadTooLargeError(f"the body is {declared} bytes; at most {limit} are accepted")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLargeError(f"the body is longer than {limit} bytes")
    return data


def _report(report: Report) -> Response:
    return _json(report.to_api())


def _verification(report: Report) -> Response:
    """A credential or presentation result: 200 when verified, else 400 with the same body (VC API
    verifier.yml; the W3C suites expect 400 or 422 for a document that does not verify)."""
    return _json(report.to_api(), status=200 if report.api_verified else FAILED_VERIFICATION)


@bp.post("/credentials/verify")
def verify_credential() -> Response:
    svc = service()
    parsed = parse_credential_request(parse_json(read_body(svc.settings.max_json_bytes)))
    return _verification(svc.verify_credential(parsed.credential, warnings=parsed.warnings))


@bp.post("/presentations/verify")
def verify_presentation() -> Response:
    svc = service()
    parsed = parse_presentation_request(parse_json(read_body(svc.settings.max_json_bytes)))
    return _verification(
        svc.verify_presentation(parsed.presentation, challenge=parsed.challenge, domain=parsed.domain, warnings=parsed.warnings)
    )


@bp.post("/challenges")
def create_challenge() -> Response:
    svc = service()
    raw = read_body(4096)
    if raw.strip():
        body = parse_json(raw)
        if body != {}:
            raise BadRequestError("POST /challenges takes an empty body or {}", code="request.invalid")
    challenge = svc.issue_challenge(client_address(request))
    return _json({"challenge": challenge.value})


def client_address(req: Request) -> str:
    """The client as the challenge limits count it: its address, an IPv6 client by its /64."""
    address = req.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped) if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else str(ip)


@bp.post("/seals/verify")
def verify_seal() -> Response:
    svc = service()
    parsed = parse_seal_request(parse_json(read_body(svc.settings.max_json_bytes)))
    return _report(svc.verify_seal(parsed.text, massar=parsed.massar))


@bp.post("/shares/verify")
def verify_share() -> Response:
    svc = service()
    parsed = parse_share_request(parse_json(read_body(4096)))
    return _report(svc.verify_share(parsed.url))


@bp.post("/documents/verify")
def verify_document() -> Response:
    svc = service()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise BadRequestError("the form has no file field", code="request.invalid")
        data = upload.stream.read(svc.settings.max_upload_bytes + 1)
    else:
        data = read_body(svc.settings.max_upload_bytes)
    if not data:
        raise BadRequestError("the body is empty: send a PDF, a photo, a credential or a seal text", code="request.invalid")
    report = svc.verify_upload(data)
    return _json({"kind": report.kind, **report.to_api()})


@bp.get("/openapi.json")
def openapi() -> Response:
    svc = service()
    return _json(openapi_document(public_url=svc.settings.public_url, seal_base_url=svc.settings.seal_base_url))


@bp.get("/healthz")
def healthz() -> Response:
    return _json({"status": "ok"})
