"""Admin route ``POST /shahada/registry``: the agent signs the public registry's records.

Each record (:func:`shahada.schemas.registry.check_record`: what the ministry recorded of one
credential) becomes a compact JWS (RFC 7515, ``alg`` EdDSA, ``typ`` ``shahada-registry+jws``) signed by
``wallet.sign_message`` with the key of the given verification method; the key never leaves the
wallet. Anything that is not a registry record is refused, so the route signs nothing else.

Request ``{"verificationMethod": "<did>#key-1", "records": [{…}, …]}`` (1 to 1000 records) → 200
``{"records": ["<compact JWS>", …]}``, in order. Errors: 400 malformed request, 404 no such key in
the wallet, 422 something that is not a registry record.
"""

from __future__ import annotations

from typing import Final

from acapy_agent.wallet.base import BaseWallet
from acapy_agent.wallet.error import WalletError
from acapy_agent.wallet.keys.manager import multikey_to_verkey
from aiohttp import web

from shahada.agent.plugin.auth import protected
from shahada.agent.plugin.seal import _multikey, _problem
from shahada.schemas.registry import RecordError, check_record, compact, signing_input

MAX_RECORDS: Final = 1000


@protected  # behind the admin API key (ACA-Py checks it per route)
async def sign_records(request: web.Request) -> web.Response:
    """Sign up to 1000 registry records with the key of one verification method."""
    try:
        body = await request.json()
    except ValueError:
        raise _problem(web.HTTPBadRequest, "the body is not JSON") from None
    kid = body.get("verificationMethod") if isinstance(body, dict) else None
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(kid, str) or "#" not in kid:
        raise _problem(web.HTTPBadRequest, "verificationMethod must be a DID URL with a fragment")
    if not isinstance(records, list) or not 1 <= len(records) <= MAX_RECORDS:
        raise _problem(web.HTTPBadRequest, f"records must be a list of 1 to {MAX_RECORDS} registry records")
    for index, record in enumerate(records):
        try:
            check_record(record)
        except RecordError as err:
            raise _problem(web.HTTPUnprocessableEntity, f"record {index} is not a registry record: {err}") from None
        if record["issuer"] != kid.split("#", 1)[0]:
            raise _problem(web.HTTPUnprocessableEntity, f"record {index} names another issuer than the key's DID")
    profile = request["context"].profile
    multikey = await _multikey(profile, kid)
    if multikey is None or not multikey.startswith("z6Mk"):
        raise _problem(web.HTTPNotFound, f"the wallet holds no Ed25519 key for {kid}")
    verkey = multikey_to_verkey(multikey)
    signed: list[str] = []
    try:
        async with profile.session() as session:
            wallet = session.inject(BaseWallet)
            for record in records:
                data = signing_input(record, kid)
                signed.append(compact(data, await wallet.sign_message(data, verkey)))
    except WalletError as err:
        raise _problem(web.HTTPNotFound, f"the wallet cannot sign with {kid}: {err}") from None
    return web.json_response({"records": signed})


def routes() -> list[web.RouteDef]:
    return [web.post("/shahada/registry", sign_records)]
