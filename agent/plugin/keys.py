"""Admin route ``POST /shahada/keys``: the wallet's Ed25519 key bound to a key id, created once.

ACA-Py 1.7 creates a key with a key id (``POST /wallet/keys``) but finds keys only by their public
key (``GET /wallet/keys/{multikey}``): an installation that restarts could not learn which key it
bound before. This route answers both: the key bound to ``kid`` if there is one, otherwise a new
Ed25519 key created in the wallet under that id. Only the public key leaves the agent.

Agents sharing one wallet start together (the distributed workers) and each asks for the key: the
kid is claimed, the key created and bound in ONE wallet transaction. The claim is a storage record
named after the kid; a second transaction inserting the same claim waits for the first and then
fails as a duplicate, so it reads the key the first one bound instead of creating a second key under
the same kid (after which every lookup would fail with "More than one key found").

Request ``{"kid": "<did>#vc-api-1"}`` → 200 ``{"kid": …, "multikey": "z6Mk…", "created": bool}``.
Errors: 400 malformed request or a kid bound to a key that is not Ed25519; 409 a kid claimed but
bound to no key (removed from the wallet by hand).
"""

from __future__ import annotations

from typing import Any

from acapy_agent.storage.base import BaseStorage
from acapy_agent.storage.error import StorageDuplicateError
from acapy_agent.storage.record import StorageRecord
from acapy_agent.wallet.keys.manager import MultikeyManager
from aiohttp import web

from shahada.agent.plugin.auth import protected
from shahada.agent.plugin.seal import _problem

ENSURE_KEY_PATH = "/shahada/keys"
CLAIM_RECORD_TYPE = "shahada_key_claim"  # one record per kid, named after it: the transaction's lock


async def _bound(profile: Any, kid: str) -> dict[str, Any] | None:
    async with profile.session() as session:
        found: dict[str, Any] | None = await MultikeyManager(session).from_kid(kid)
        return found


async def _claim_and_create(profile: Any, kid: str) -> tuple[dict[str, Any], bool] | None:
    """Claim ``kid``, create its key and bind it, committed together: (key, created); None if
    another caller claimed it first (its key is then committed and bound)."""
    async with profile.transaction() as txn:
        try:
            await txn.inject(BaseStorage).add_record(StorageRecord(CLAIM_RECORD_TYPE, "{}", id=kid))
        except StorageDuplicateError:
            return None  # leaving the block rolls the transaction back
        manager = MultikeyManager(txn)
        found: dict[str, Any] | None = await manager.from_kid(kid)  # bound before claims existed
        created = found is None
        if found is None:
            found = await manager.create(kid=kid, alg="ed25519")
        await txn.commit()
        return found, created


@protected  # behind the admin API key (ACA-Py checks it per route)
async def ensure_key(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        raise _problem(web.HTTPBadRequest, "the body is not JSON") from None
    kid = body.get("kid") if isinstance(body, dict) else None
    if not isinstance(kid, str) or "#" not in kid or len(kid) > 2048:
        raise _problem(web.HTTPBadRequest, "kid must be a DID URL with a fragment")
    profile = request["context"].profile
    found = await _bound(profile, kid)
    created = False
    if found is None and (claimed := await _claim_and_create(profile, kid)) is not None:
        found, created = claimed
    if found is None:
        found = await _bound(profile, kid)  # another caller's transaction, committed
    if found is None:
        raise _problem(web.HTTPConflict, f"{kid} is claimed but bound to no key")
    multikey = str(found["multikey"])
    if not multikey.startswith("z6Mk"):
        raise _problem(web.HTTPBadRequest, f"{kid} is bound to a key that is not Ed25519")
    return web.json_response({"kid": kid, "multikey": multikey, "created": created})


def routes() -> list[web.RouteDef]:
    return [web.post(ENSURE_KEY_PATH, ensure_key)]
