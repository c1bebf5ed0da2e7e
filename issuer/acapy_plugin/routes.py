"""Admin routes of the project's ACA-Py plugin (behind the admin API key like every admin route)."""

from __future__ import annotations

from aiohttp import web

from schemas.loader import PinnedDocumentLoader


async def pinned_contexts(request: web.Request) -> web.Response:
    context = request["context"]
    pinned = context.profile.inject(PinnedDocumentLoader)
    return web.json_response({"contexts": {url: pinned.digest(url) for url in sorted(pinned.urls)}})


async def register(app: web.Application) -> None:
    app.add_routes([web.get("/shahada/contexts", pinned_contexts, allow_head=False)])
