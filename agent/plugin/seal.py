"""Admin route ``POST /shahada/seal``: the agent seals printed documents with a wallet key.

The ministry's private key never leaves the agent's wallet: the project sends the seal *content*
(the CBOR payload of ``shahada.schemas.seal.content``), and the agent builds the COSE_Sign1 (RFC 9052
§4.2) around it, signing its Sig_structure with ``wallet.sign_message`` and the key bound to the
given key id (``MultikeyManager``; a did:key's own key for a did:key id).

It signs nothing else: every payload must parse as a seal content (``SealContent.from_cbor``), and
the signed bytes always begin with the COSE ``"Signature1"`` context, so the route cannot be used to
sign a credential, a JWS or any other message with the ministry's key.

Request ``{"verificationMethod": "<did>#key-1", "payloads": ["<base64url CBOR>", …]}`` (1 to 500
payloads) → 200 ``{"kid": "<hex>", "seals": ["<base64url COSE_Sign1>", …]}``, in order. Errors:
400 malformed request, 404 no such key in the wallet, 422 a payload that is not a seal content.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Final

import base58
from acapy_agent.wallet.base import BaseWallet
from acapy_agent.wallet.error import WalletError
from acapy_agent.wallet.keys.manager import MultikeyManager, multikey_to_verkey
from aiohttp import web

from shahada.agent.plugin.auth import protected
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.cose import encode_sign1, key_id, protected_header, sig_structure
from shahada.schemas.seal.errors import SealError

MAX_PAYLOADS: Final = 500
_ED25519_MULTIKEY_PREFIX: Final = "z6Mk"


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _problem(status: type[web.HTTPException], message: str) -> web.HTTPException:
    return status(reason=message, text=message)


async def _multikey(profile: Any, kid: str) -> str | None:
    """The Ed25519 multikey the wallet holds for ``kid`` (bound kid, or a did:key's own key)."""
    async with profile.session() as session:
        manager = MultikeyManager(session)
        found = await manager.from_kid(kid)
        if found:
            return str(found["multikey"])
        did, _, fragment = kid.partition("#")
        if did.startswith("did:key:") and fragment == did.removeprefix("did:key:") and await manager.multikey_exists(fragment):
            return fragment
    return None


@protected  # behind the admin API key (ACA-Py checks it per route)
async def seal(request: web.Request) -> web.Response:
    """Seal up to 500 payloads with the key of one verification method."""
    try:
        body = await request.json()
    except ValueError:
        raise _problem(web.HTTPBadRequest, "the body is not JSON") from None
    kid = body.get("verificationMethod") if isinstance(body, dict) else None
    payloads = body.get("payloads") if isinstance(body, dict) else None
    if not isinstance(kid, str) or "#" not in kid:
        raise _problem(web.HTTPBadRequest, "verificationMethod must be a DID URL with a fragment")
    if not isinstance(payloads, list) or not 1 <= len(payloads) <= MAX_PAYLOADS or not all(isinstance(p, str) for p in payloads):
        raise _problem(web.HTTPBadRequest, f"payloads must be a list of 1 to {MAX_PAYLOADS} base64url strings")
    try:
        raw = [_b64decode(p) for p in payloads]
    except (binascii.Error, ValueError):
        raise _problem(web.HTTPBadRequest, "a payload is not base64url") from None
    for index, payload in enumerate(raw):
        try:
            SealContent.from_cbor(payload)
        except SealError as err:
            raise _problem(web.HTTPUnprocessableEntity, f"payload {index} is not a seal content: {err.message} [{err.code}]") from None

    profile = request["context"].profile
    multikey = await _multikey(profile, kid)
    if multikey is None or not multikey.startswith(_ED25519_MULTIKEY_PREFIX):
        raise _problem(web.HTTPNotFound, f"the wallet holds no Ed25519 key for {kid}")
    verkey = multikey_to_verkey(multikey)
    kid_bytes = key_id(base58.b58decode(verkey))
    header = protected_header(kid_bytes)
    seals: list[str] = []
    try:
        async with profile.session() as session:
            wallet = session.inject(BaseWallet)
            for payload in raw:
                signature = await wallet.sign_message(sig_structure(header, payload), verkey)
                seals.append(_b64encode(encode_sign1(header, payload, signature)))
    except WalletError as err:
        raise _problem(web.HTTPNotFound, f"the wallet cannot sign with {kid}: {err}") from None
    return web.json_response({"kid": kid_bytes.hex(), "seals": seals})


def routes() -> list[web.RouteDef]:
    return [web.post("/shahada/seal", seal)]
