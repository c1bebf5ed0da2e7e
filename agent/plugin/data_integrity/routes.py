"""Admin routes of the agent's Data Integrity signer, behind the admin API key
(``auth.protected``: ACA-Py 1.x checks the key per route, so an undecorated route would be open).

``POST /shahada/di/add-proof``  ``{"document", "options"}`` → 200 ``{"securedDocument"}``
``POST /shahada/di/add-proofs`` ``{"documents": [...], "options"}`` → 200 ``{"securedDocuments"}``
                                (one set of options, one wallet session for the batch; all or
                                nothing: 400 names the first bad document's index)
``POST /shahada/di/verify``     ``{"securedDocument"}`` → 200 ``{"verified", "results"}``

A view parses the body, calls ``proofs.add_proof`` / ``proofs.verify_document`` and serialises the
result. Every domain error is answered ``400 {"code", "message"}`` here, in one place; an unexpected
exception is our bug and stays a 500 (ACA-Py's middleware logs it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from shahada.agent.plugin.auth import protected
from shahada.agent.plugin.data_integrity.errors import ProofRequestError, reported
from shahada.agent.plugin.data_integrity.options import parse_add_proof, parse_add_proofs, parse_verify
from shahada.agent.plugin.data_integrity.proofs import add_proof, add_proofs, verify_document
from shahada.common import jsontext
from shahada.common.errors import ShahadaError
from shahada.schemas.loader import PinnedDocumentLoader

ADD_PROOF_PATH = "/shahada/di/add-proof"
ADD_PROOFS_PATH = "/shahada/di/add-proofs"
VERIFY_PATH = "/shahada/di/verify"


async def _body(request: web.Request) -> Any:
    raw = await request.read()
    try:
        return jsontext.loads(raw)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ProofRequestError(f"the request body is not JSON: {err}") from err


def _bad_request(err: ShahadaError) -> web.Response:
    shown = reported(err)
    return web.json_response({"code": shown.code, "message": shown.message}, status=400)


async def _secure(request: web.Request, *, batch: bool) -> web.Response:
    context = request["context"]
    try:
        body = await _body(request)
        loader = context.profile.inject(PinnedDocumentLoader)
        if batch:
            secured = await add_proofs(context.profile, loader, parse_add_proofs(body), now=datetime.now(UTC))
            return web.json_response({"securedDocuments": secured})
        return web.json_response({"securedDocument": await add_proof(context.profile, loader, parse_add_proof(body), now=datetime.now(UTC))})
    except ShahadaError as err:
        return _bad_request(err)


@protected
async def add_proof_view(request: web.Request) -> web.Response:
    return await _secure(request, batch=False)


@protected
async def add_proofs_view(request: web.Request) -> web.Response:
    return await _secure(request, batch=True)


@protected
async def verify_view(request: web.Request) -> web.Response:
    context = request["context"]
    try:
        document = parse_verify(await _body(request))
    except ShahadaError as err:
        return _bad_request(err)
    loader = context.profile.inject(PinnedDocumentLoader)
    return web.json_response(await verify_document(context.profile, loader, document))


def routes() -> list[web.RouteDef]:
    """The route table, for ``shahada.agent.plugin.routes.register``."""
    return [web.post(ADD_PROOF_PATH, add_proof_view), web.post(ADD_PROOFS_PATH, add_proofs_view), web.post(VERIFY_PATH, verify_view)]
