"""Admin route ``POST /shahada/keys``: the wallet's Ed25519 key bound to a key id, created once.

ACA-Py 1.7 creates a key with a key id (``POST /wallet/keys``) but finds keys only by their public
key (``GET /wallet/keys/{multikey}``): an installation that restarts could not learn which key it
bound before. This route answers both: the key bound to ``kid`` if there is one, otherwise a new
Ed25519 key created in the wallet under that id. Only the public key leaves the agent.

Request ``{"kid": "<did>#vc-api-1"}`` → 200 ``{"kid": …, "multikey": "z6Mk…", "created": bool}``.
Errors: 400 malformed request or a kid bound to a key that is not Ed25519.
"""

from __future__ import annotations

from acapy_agent.wallet.keys.manager import MultikeyManager
from aiohttp import web

from shahada.agent.plugin.auth import protected
from shahada.agent.plugin.seal import _problem

ENSURE_KEY_PATH = "/shahada/keys"


@protected  # behind the admin API key (ACA-Py checks it per route)
async def ensure_key(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        raise _problem(web.HTTPBadRequest, "the body is not JSON") from None
    kid = body.get("kid") if isinstance(body, dict) else None
    if not isinstance(kid, str) or "#" not in kid or len(kid) > 2048:
        raise _problem(web.HTTPBadRequest, "kid must be a DID URL with a fragment")
    async with request["context"].profile.session() as session:
        manager = MultikeyManager(session)
        found = await manager.from_kid(kid)
        created = found is None
        if found is None:
            found = await manager.create(kid=kid, alg="ed25519")
    multikey = str(found["multikey"])
    if not multikey.startswith("z6Mk"):
        raise _problem(web.HTTPBadRequest, f"{kid} is bound to a key that is not Ed25519")
    return web.json_response({"kid": kid, "multikey": multikey, "created": created})


def routes() -> list[web.RouteDef]:
    return [web.post(ENSURE_KEY_PATH, ensure_key)]
