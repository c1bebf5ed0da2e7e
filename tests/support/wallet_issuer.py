"""The ministry's wallet-facing issuer (:mod:`shahada.wallet`) served for a test module, and the
wallet-side clients the project did not write that drive it (interop/wallets/: OID4VCI with
@openid4vc/openid4vci, VC API exchanges with Digital Bazaar's libraries)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from shahada.common.wsgi import WaitressServer
from shahada.issuer.archive.store import StoredCredential
from shahada.portal.otp import OutboxSender
from shahada.wallet.claims import AgentCopySigner, Claims
from shahada.wallet.exchanges import Exchanges, did_authenticator
from shahada.wallet.sd_jwt_vc import AgentSDJWTSigner
from shahada.wallet.web import create_app
from tests.support.local_signer import LocalKey

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "interop" / "wallets"


@dataclass
class Clock:
    offset: dt.timedelta = field(default_factory=dt.timedelta)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


@dataclass
class Issuer:
    claims: Claims
    exchanges: Exchanges
    url: str
    outbox: Path
    clock: Clock

    def tx_code(self, massar: str) -> str:
        """The last transaction code sent to ``massar`` (the development outbox)."""
        lines = [json.loads(line) for line in self.outbox.read_text().splitlines()]
        code: str = [line for line in lines if line["massar"] == massar][-1]["code"]
        return code

    def claim(self, credentials: list[StoredCredential]) -> Any:
        return self.claims.create(credentials[0].document["credentialSubject"]["massarCode"], credentials)


@contextmanager
def serve_issuer(ministry: Any, work: Path, *, ttl: int = 600) -> Iterator[Issuer]:
    """Claims over the ministry's archive and agent, at a loopback origin (waitress, port 0)."""
    clock = Clock()
    outbox = work / "outbox.jsonl"
    signer = AgentCopySigner(ministry.client, ministry.identity.verification_method)
    sd_jwt = AgentSDJWTSigner(ministry.client, ministry.identity.verification_method)
    claims = Claims(
        ministry.archive, signer, OutboxSender(outbox), key=secrets.token_bytes(32), issuer="http://placeholder", ttl=ttl, clock=clock, sd_jwt=sd_jwt,
        status=ministry.status,
    )
    verifier = ministry.verifier()
    exchanges = Exchanges(claims, did_authenticator(verifier.loader, verifier.resolver, clock=clock))
    server = WaitressServer(create_app(claims, exchanges), host="127.0.0.1", port=0, ident="shahada-wallet").start()
    claims.issuer = server.url.rstrip("/")  # the identifier is the origin, known once bound
    try:
        yield Issuer(claims, exchanges, claims.issuer, outbox, clock)
    finally:
        server.stop()


@dataclass(frozen=True)
class Holder:
    seed: bytes

    @property
    def did_key(self) -> str:
        return LocalKey.from_seed(self.seed).did_key


def new_holder() -> Holder:
    return Holder(secrets.token_bytes(32))


def client(script: str, request: dict[str, Any]) -> Any:
    """Run one of interop/wallets/'s clients on ``request`` (stdin); its JSON answer."""
    for needed in (CLIENTS / "node_modules" / "@openid4vc" / "openid4vci", ROOT / "interop" / "node_modules" / "@digitalbazaar" / "vc"):
        if not needed.is_dir():
            pytest.fail(f"{needed} is missing: run ./run bootstrap (npm ci in interop/ and interop/wallets/)")
    done = subprocess.run(["node", str(CLIENTS / script)], input=json.dumps(request), capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def oid4vci_wallet(offer: str, tx_code: str, holder: Holder, **extra: Any) -> dict[str, Any]:
    """@openid4vc/openid4vci takes a credential offer as a wallet would (oid4vci-claim.mjs)."""
    result: dict[str, Any] = client("oid4vci-claim.mjs", {"offer": offer, "txCode": tx_code, "holder": {"seed": holder.seed.hex(), "did": holder.did_key}, **extra})
    return result


def reference_verified(ministry: Any, copies: list[dict[str, Any]]) -> list[bool]:
    """What Digital Bazaar's reference verifier (interop/verify.mjs) says of each wallet copy, with
    the pinned contexts, the ministry's DID document and its status lists (status checked)."""
    import requests

    from shahada.ministry import published_did_document
    from tests.interop.test_reference_verifier import node, pinned_contexts

    status_urls = sorted({c["credentialStatus"]["statusListCredential"] for c in copies})
    resources = {url: requests.get(url, verify=str(ministry.tls.ca_cert), timeout=10).json() for url in status_urls}
    results = node("verify.mjs", {
        "documents": [{"kind": "credential", "document": c} for c in copies], "contexts": pinned_contexts(),
        "didDocuments": {ministry.identity.did: published_did_document(ministry.settings)}, "resources": resources, "checkStatus": True,
    })
    return [bool(r["verified"]) for r in results]
