"""The verifier service's verification traffic (:mod:`shahada.verifier.traffic`): which request
counts as one verification of which kind, and the metrics endpoint of a verifier that keeps its
counts in memory.

:func:`counted` decorates the service's entry points (credential, presentation, seal, share link,
upload, pasted text): only the outermost call of a request counts, so an upload whose QR code is a
seal is one ``pdf`` or ``photo`` verification, not a seal as well. A request refused with an error
code (a PDF without a QR code, a body that is no credential…) counts as verdict ``error`` with that
code. Counting is a dictionary update under a lock and never raises.

``GET /metrics/traffic`` answers the counts of this process since it started, as JSON, to a caller
that sends ``Authorization: Bearer <SHAHADA_VERIFIER_METRICS_TOKEN>``; without a configured token
the path does not exist (404). A token rather than "loopback only": the verifier runs behind a TLS
proxy on the same host, where every request comes from loopback.
"""

from __future__ import annotations

import contextvars
import functools
import hmac
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, Final, ParamSpec

from flask import Blueprint, Response, abort, current_app, request

from shahada.common.errors import ShahadaError
from shahada.verifier.scan import kind_of
from shahada.verifier.traffic import Traffic, as_rows
from shahada.verifier.verdict import AGGREGATE_CODES

if TYPE_CHECKING:
    from shahada.verifier.web.service import Report, VerifierService

__all__ = ["METRICS_TOKEN_KEY", "bp", "counted", "failure_code", "upload_kind"]

P = ParamSpec("P")
METRICS_TOKEN_KEY: Final = "SHAHADA_VERIFIER_METRICS_TOKEN"
_COUNTING: contextvars.ContextVar[bool] = contextvars.ContextVar("shahada_counting", default=False)
bp = Blueprint("metrics", __name__)


def failure_code(report: Report) -> str:
    """The first failed check's code; for a presentation or share whose only failure is "a
    credential inside failed", that credential's first failed check's."""
    inner = report.presentation.credentials if report.presentation is not None else report.share.credentials if report.share is not None else ()
    own = [c.code for c in report.errors if c.code not in AGGREGATE_CODES]
    inside = [c.code for result in inner for c in result.errors]
    return next(iter(own or inside or [c.code for c in report.errors]), "")


def upload_kind(_service: Any, data: bytes, *_args: Any, **_kwargs: Any) -> str | None:
    """An upload's kind: ``pdf`` or ``photo`` for a scanned file, else that of what it holds."""
    found = kind_of(data)
    return "photo" if found == "image" else found


def counted(
    kind: str | Callable[..., str | None] | None = None,
) -> Callable[[Callable[Concatenate[VerifierService, P], Report]], Callable[Concatenate[VerifierService, P], Report]]:
    """Count the decorated entry point's outcome in ``service.traffic`` (see the module
    docstring); ``kind`` None: the report's own kind."""

    def wrap(method: Callable[Concatenate[VerifierService, P], Report]) -> Callable[Concatenate[VerifierService, P], Report]:
        @functools.wraps(method)
        def run(service: VerifierService, /, *args: P.args, **kwargs: P.kwargs) -> Report:
            if _COUNTING.get():
                return method(service, *args, **kwargs)
            token = _COUNTING.set(True)
            named = kind(service, *args, **kwargs) if callable(kind) else kind
            try:
                report = method(service, *args, **kwargs)
            except ShahadaError as err:
                service.traffic.record(named or "document", "error", err.code)
                raise
            finally:
                _COUNTING.reset(token)
            service.traffic.record(named or report.kind, report.verdict, failure_code(report))
            return report

        return run

    return wrap


@bp.get("/metrics/traffic")
def metrics() -> Response:
    expected: str | None = current_app.config.get(METRICS_TOKEN_KEY)
    if not expected:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        response = Response(json.dumps({"code": "metrics.unauthorized"}), status=401, mimetype="application/json")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    from shahada.verifier.web.api import service

    traffic: Traffic = service().traffic
    body = {"since": traffic.started.isoformat(), "counts": list(as_rows(traffic.totals()))}
    response = Response(json.dumps(body), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
