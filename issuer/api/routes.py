"""The VC API issuer's blueprint: ``POST /credentials/issue`` (W3C CCG VC API, "Issue Credential").

A view authenticates, parses the body, calls ``service.issue`` and serialises the result; every
error is a domain exception rendered by the single handler of ``shahada.issuer.api.create_app``.

Responses: 201 ``{"verifiableCredential": {...}}``; 400/422/401/503 problem+json.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from flask import Blueprint, Response, current_app, request

from shahada.common import jsontext
from shahada.issuer.api.errors import BadRequestError, UnauthorizedError
from shahada.issuer.api.request import parse_issue_request
from shahada.issuer.api.service import IssuerService, issue

bp = Blueprint("vc_api", __name__)
SERVICE_KEY = "SHAHADA_ISSUER_SERVICE"


def _service() -> IssuerService:
    service: IssuerService = current_app.config[SERVICE_KEY]
    return service


def _authenticate(service: IssuerService) -> None:
    """RFC 6750 bearer token, compared in constant time."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("a bearer token is required (Authorization: Bearer …)", code="auth.required")
    if not hmac.compare_digest(token.strip().encode("utf-8"), service.token.encode("utf-8")):
        raise UnauthorizedError("the bearer token is not valid", code="auth.invalid")


def _json_body() -> Any:
    raw = request.get_data(cache=False)
    try:
        return jsontext.loads(raw)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError too
        raise BadRequestError(f"the body is not JSON: {err}", code="request.json") from err


@bp.post("/credentials/issue")
def issue_credential() -> tuple[Response, int]:
    service = _service()
    _authenticate(service)
    parsed = parse_issue_request(_json_body(), default_suite=service.default_suite, suites=service.suites)
    credential = issue(service, parsed)
    return current_app.response_class(json.dumps({"verifiableCredential": credential}, ensure_ascii=False), mimetype="application/json"), 201
