"""Admin routes of the project's ACA-Py plugin (behind the admin API key like every admin route)."""

from __future__ import annotations

from aiohttp import web

from shahada.agent.plugin.auth import protected
from shahada.agent.plugin.data_integrity.routes import routes as data_integrity_routes
from shahada.agent.plugin.keys import routes as key_routes
from shahada.agent.plugin.registry import routes as registry_routes
from shahada.agent.plugin.seal import routes as seal_routes
from shahada.schemas.loader import PinnedDocumentLoader


@protected  # ACA-Py 1.x checks X-API-Key per route (auth.py), not globally
async def pinned_contexts(request: web.Request) -> web.Response:
    context = request["context"]
    pinned = context.profile.inject(PinnedDocumentLoader)
    return web.json_response({"contexts": {url: pinned.digest(url) for url in sorted(pinned.urls)}})


async def register(app: web.Application) -> None:
    app.add_routes([web.get("/shahada/contexts", pinned_contexts, allow_head=False)])
    app.add_routes(data_integrity_routes())  # /shahada/di/add-proof, /shahada/di/verify
    app.add_routes(seal_routes())  # /shahada/seal: COSE_Sign1 seals of printed documents
    app.add_routes(registry_routes())  # /shahada/registry: the public registry's signed records
    app.add_routes(key_routes())  # /shahada/keys: a named key of the wallet (the VC API issuer's), created once
