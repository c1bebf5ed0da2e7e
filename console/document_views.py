"""Documents by number or Code Massar: the candidate shown, then suspension (at once, with a
reason) or a revocation request that a second approver decides."""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

from shahada.console.web import back, console, page, require_actor

bp = Blueprint("documents", __name__)


@bp.get("/documents")
def index() -> Response:
    who = require_actor()
    reference = request.args.get("q", "").strip()[:80]
    documents = console().workflow.find(who, reference) if reference else []
    return page("documents.html", q=reference, documents=documents, notice=request.args.get("notice", "")[:200])


@bp.post("/documents/status")
def change() -> Response:
    form = request.form
    action = form.get("action", "")
    credential_id, reason, reference = form.get("credential", "")[:80], form.get("reason", ""), form.get("q", "")[:80]
    workflow = console().workflow
    if action == "request_revocation":
        request_id = workflow.request_revocation(require_actor("request_revocation"), credential_id, reason)
        return back("documents.requests", created=request_id)
    document = workflow.set_suspension(require_actor("suspend"), credential_id, action == "suspend", reason if action == "suspend" else reason or "suspension lifted")
    return back("documents.index", q=reference or document.document_number, notice=document.document_number)


@bp.get("/requests")
def requests() -> Response:
    who = require_actor()
    created = request.args.get("created", "")
    workflow = console().workflow
    found = workflow.requests(who)
    return page("requests.html", requests=found, candidates=workflow.candidates(who, {r.massar for r in found}), created=created if created.isdigit() else "")


@bp.post("/requests/<int:request_id>")
def decide(request_id: int) -> Response:
    console().workflow.decide(require_actor("approve"), request_id, request.form.get("decision") == "approve")
    return back("documents.requests")
