"""The signed-in graduate's documents: ``GET /documents`` (the list, with status), and each
document's printed PDF (``/documents/<number>.pdf``) and signed credential
(``/documents/<number>.json``, ``application/vc``, VC Data Model 2.0 §6.1)."""

from __future__ import annotations

import json

from flask import Blueprint
from werkzeug.wrappers import Response

from shahada.issuer.archive.store import StoredCredential
from shahada.portal.documents import document_view, graduate_credentials, statuses
from shahada.portal.errors import DocumentWithdrawnError, NotFoundError, UnavailableError
from shahada.portal.web import page, portal, reader_language, require_graduate

bp = Blueprint("documents", __name__)


@bp.get("/documents")
def index() -> Response:
    massar = require_graduate()
    p = portal()
    lang = reader_language()
    credentials = graduate_credentials(p.archive, massar)
    status = statuses(credentials, p.status)
    views = [document_view(c, status[c.id], lang) for c in credentials]
    return page("documents.html", documents=views, wallet=p.delivery is not None or p.claims is not None)


def owned(number: str) -> StoredCredential:
    """One of the signed-in graduate's issued documents, by its number.

    Raises:
        NotFoundError (document.unknown): not one of theirs.
    """
    massar = require_graduate()
    found = next((c for c in graduate_credentials(portal().archive, massar) if c.document_number == number), None)
    if found is None:
        raise NotFoundError("no document with this number for this graduate", code="document.unknown")
    return found


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def offered(number: str) -> StoredCredential:
    """One of the graduate's documents that may be handed out: never a revoked or suspended one,
    whose copy a verifier would then be shown (issue 11).

    Raises:
        DocumentWithdrawnError (document.revoked, document.suspended): the page says why and whom to contact.
    """
    credential = owned(number)
    state = statuses([credential], portal().status)[credential.id]
    if state != "valid":
        raise DocumentWithdrawnError(f"this document is {state}: no copy of it is offered", code=f"document.{state}")
    return credential


@bp.get("/documents/<number>.pdf")
def pdf(number: str) -> Response:
    credential = offered(number)
    printer = portal().printer
    if printer is None:
        raise UnavailableError("this installation prints no PDF", code="print.unavailable")
    return _download(printer.pdf(credential.document, holder=credential.holder_binding), "application/pdf", f"{credential.document_number}.pdf")


@bp.get("/documents/<number>.json")
def credential_json(number: str) -> Response:
    credential = offered(number)
    body = json.dumps(credential.document, ensure_ascii=False, indent=2).encode("utf-8")
    return _download(body, "application/vc", f"{credential.document_number}.json")
