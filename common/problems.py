"""RFC 9457 "Problem Details for HTTP APIs": the one error format of every Shahada web service
(the VC API issuer, the verifier service).

Members: ``type`` (``urn:shahada:problem:<code>``), ``title``, ``status``, ``detail`` and the
extension ``code``, the stable machine code (messages may change, codes never do).
``render_error`` is the single error handler each service registers: domain errors
(:class:`~shahada.common.errors.ShahadaError`) keep their code and status, HTTP errors raised by Flask
or Werkzeug (404, 405, 413) become ``http.<status>``, and anything else is a 500 that is our bug.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus

from flask import Response
from werkzeug.exceptions import HTTPException

from shahada.common.errors import ShahadaError

PROBLEM_JSON = "application/problem+json"


def problem(status: int, code: str, detail: str, *, headers: Mapping[str, str] | None = None) -> Response:
    """A problem+json response."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": f"urn:shahada:problem:{code}", "title": title, "status": status, "detail": detail, "code": code}
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def status_and_code(err: BaseException) -> tuple[int, str, str]:
    """(HTTP status, code, detail) for an exception that reached a web layer."""
    if isinstance(err, ShahadaError):
        status = err.http_status if 400 <= err.http_status < 600 else 500
        return status, err.code, err.message
    if isinstance(err, HTTPException) and err.code is not None:
        return err.code, f"http.{err.code}", err.description or err.name
    return 500, "server.error", "an internal error occurred; it has been logged"


def render_error(
    err: BaseException, *, logger: logging.Logger, headers: Mapping[str, str] | None = None
) -> Response:
    """The error handler of a service: ``err`` as problem+json; unexpected errors are logged."""
    status, code, detail = status_and_code(err)
    if code == "server.error":
        logger.exception("unexpected error", exc_info=err)
    return problem(status, code, detail, headers=headers)
