"""Look-up by document number and date of birth: for someone who holds a printed diploma or
transcript whose QR code cannot be read (a fax, a photocopy, a torn corner), the status of the
document that has this number **and** was issued to someone born on that day — and nothing else.

===========================  ===============================================================
``GET /lookup``                 the form; with ``?number=…&birthDate=YYYY-MM-DD`` the answer
``POST /documents/status``      ``{"documentNumber": "BAC-…", "birthDate": "YYYY-MM-DD"}`` →
                                200 ``{"documentNumber": "<canonical>", "status": "valid" |
                                "revoked" | "suspended" | "unknown"}``
===========================  ===============================================================

No name, no mark, no date beyond what was typed: a look-up tells whether such a document stands,
not who holds it. A number that exists with another date of birth is ``unknown``, exactly as a
number that does not exist. The answer comes from the ministry's records (``lookup``, wired by the
installation beside its archive); a service without them answers 503 ``lookup.unavailable``.

Stable error codes (problem+json for the API, a page for the form): ``lookup.number_invalid``
(not a document number, or its check symbol is wrong: a typing error), ``lookup.birth_date_invalid``
(400), ``lookup.rate_limited`` (429, ``Retry-After``: each client address, an IPv6 one by its /64,
has ``lookup_per_client`` look-ups per ``lookup_window`` seconds), ``lookup.unavailable`` (503).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from flask import Blueprint, Response, current_app, request

from shahada.common.errors import RateLimitedError, ShahadaError
from shahada.common.problems import problem
from shahada.common.shared import MemoryShared, SharedStore
from shahada.schemas.identifiers import normalize_document_number
from shahada.verifier.web.api import client_address, read_body, service
from shahada.verifier.web.display import format_date
from shahada.verifier.web.errors import BadRequestError, VerifierServiceError
from shahada.verifier.web.i18n import text
from shahada.verifier.web.pages import page, reader_language
from shahada.verifier.web.parse import parse_json

__all__ = ["LOOKUP_KEY", "DocumentStatus", "LookupLimiter", "LookupRateLimitedError", "StatusByNumber", "bp", "look_up", "parse_lookup"]

DocumentStatus = Literal["valid", "revoked", "suspended", "unknown"]
StatusByNumber = Callable[[str, dt.date], DocumentStatus]
LOOKUP_KEY: Final = "SHAHADA_VERIFIER_LOOKUP"
MAX_FIELD_CHARS: Final = 64
_EARLIEST_BIRTH: Final = dt.date(1900, 1, 1)

bp = Blueprint("lookup", __name__)


class LookupRateLimitedError(VerifierServiceError, RateLimitedError):
    code = "lookup.rate_limited"
    http_status = 429


class LookupUnavailableError(VerifierServiceError):
    code = "lookup.unavailable"
    http_status = 503


@dataclass
class LookupLimiter:
    """A fixed window per client: ``per_client`` look-ups every ``window`` seconds, counted in a
    :class:`~shahada.common.shared.SharedStore` — this process's memory (at most ``clients``
    clients, the oldest windows forgotten first) unless ``store`` is shared (Redis: every process
    of the service counts against one window)."""

    per_client: int
    window: float
    clients: int = 100_000
    clock: Callable[[], float] = time.monotonic
    store: SharedStore | None = None

    def __post_init__(self) -> None:
        if self.store is None:
            self.store = MemoryShared(max_keys=self.clients, clock=self.clock)

    def take(self, client: str) -> None:
        """Count one look-up of ``client``.

        Raises:
            LookupRateLimitedError (lookup.rate_limited, 429): its window is used up.
            SharedUnavailableError (shared.unavailable, 503): the shared store cannot be reached.
        """
        assert self.store is not None
        used, wait = self.store.hit(f"lookup:{client}", self.window)
        if used > self.per_client:
            raise LookupRateLimitedError(f"too many look-ups from this address; retry in {wait} s", retry_after=wait)


@dataclass(frozen=True, slots=True)
class LookupQuery:
    number: str  # canonical
    birth_date: dt.date


def parse_lookup(number: Any, birth_date: Any) -> LookupQuery:
    """The typed number (case, spaces, hyphens and I/L/O for 1/1/0 forgiven) and date of birth.

    Raises:
        BadRequestError: ``lookup.number_invalid``, ``lookup.birth_date_invalid``.
    """
    canonical = normalize_document_number(number[:MAX_FIELD_CHARS]) if isinstance(number, str) else None
    if canonical is None:
        raise BadRequestError(
            "not a document number such as BAC-2025-D-7K3M-9QXP-2F4C, or one symbol is mistyped (its check symbol fails)",
            code="lookup.number_invalid",
        )
    try:
        born = dt.date.fromisoformat(birth_date.strip()) if isinstance(birth_date, str) and len(birth_date.strip()) == 10 else None
    except ValueError:
        born = None
    if born is None or not _EARLIEST_BIRTH <= born <= dt.date.today():
        raise BadRequestError("the date of birth must be a past day written YYYY-MM-DD", code="lookup.birth_date_invalid")
    return LookupQuery(canonical, born)


def _counted_parse(number: Any, birth_date: Any) -> LookupQuery:
    """:func:`parse_lookup`, a refused look-up counted as one (``lookup``, ``error``, its code)."""
    try:
        return parse_lookup(number, birth_date)
    except ShahadaError as err:
        service().traffic.record("lookup", "error", err.code)
        raise


def look_up(query: LookupQuery, client: str) -> DocumentStatus:
    """The status for ``query``, counted against ``client``'s look-ups.

    Raises:
        LookupRateLimitedError (429), LookupUnavailableError (503).
    """
    found: tuple[StatusByNumber | None, LookupLimiter] = current_app.config[LOOKUP_KEY]
    status_of, limiter = found
    if status_of is None:
        raise LookupUnavailableError("this verifier has no access to the ministry's records: look-up by number is not offered here")
    traffic = service().traffic
    try:
        limiter.take(client)
        status = status_of(query.number, query.birth_date)
    except ShahadaError as err:
        traffic.record("lookup", "error", err.code)
        raise
    traffic.record("lookup", status)
    return status


@bp.post("/documents/status")
def status_api() -> Response:
    body = parse_json(read_body(4096))
    if not isinstance(body, Mapping) or set(body) - {"documentNumber", "birthDate"}:
        raise BadRequestError('the body must be {"documentNumber": "…", "birthDate": "YYYY-MM-DD"}', code="request.invalid")
    query = _counted_parse(body.get("documentNumber"), body.get("birthDate"))
    try:
        status = look_up(query, client_address(request))
    except LookupRateLimitedError as err:
        return problem(err.http_status, err.code, err.message, headers={"Retry-After": str(err.retry_after)})
    response = current_app.response_class(json.dumps({"documentNumber": query.number, "status": status}), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/lookup")
def lookup_page() -> Response:
    number, born = request.args.get("number", "")[:MAX_FIELD_CHARS], request.args.get("birthDate", "")[:MAX_FIELD_CHARS]
    form = {"number": number, "birthDate": born}
    if not number and not born:
        return page("lookup.html", form=form)
    try:
        query = _counted_parse(number, born)
        status = look_up(query, client_address(request))
    except ShahadaError as err:
        headers = {"Retry-After": str(err.retry_after)} if isinstance(err, LookupRateLimitedError) else {}
        return page("lookup.html", err.http_status, form=form, error=err.code, headers=headers)
    born = text("lookup.born", reader_language()).format(date=format_date(query.birth_date, reader_language()))
    return page("lookup.html", form={"number": query.number, "birthDate": query.birth_date.isoformat()}, answer=status, born=born)
