"""The ministry's DID, created in and never leaving the agent's wallet.

``ensure_did_web`` is idempotent: the DID is looked up in the wallet before it is created, and the
key id (``<did>#key-1``) is bound to the wallet key only when it is not bound yet, so running it
after every restart yields the same DID and key. The DID document is built from the public key the
agent reports (``shahada.did.document``); the private key is never requested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import base58

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentError
from shahada.did.document import build_did_document
from shahada.did.key import multikey_from_public_key

KEY_FRAGMENT = "key-1"


@dataclass(frozen=True, slots=True)
class MinistryIdentity:
    did: str
    verification_method: str  # the key id used in proofs
    public_key: bytes  # raw Ed25519 public key (32 bytes)

    @property
    def multikey(self) -> str:
        return multikey_from_public_key(self.public_key)

    def did_document(self) -> dict[str, Any]:
        return build_did_document(self.did, self.public_key, fragment=self.verification_method.split("#", 1)[1])


def ensure_did_web(client: AdminClient, did: str, *, fragment: str = KEY_FRAGMENT) -> MinistryIdentity:
    """Create (once) the did:web DID with an Ed25519 key in the wallet and bind its key id."""
    info = client.get_did(did)
    if info is None:
        info = client.create_did("web", {"did": did, "key_type": "ed25519"})
    if info.key_type and info.key_type != "ed25519":
        raise AgentError(f"{did} exists in the wallet with key type {info.key_type}, not ed25519", code="agent.did")
    public_key = base58.b58decode(info.verkey)
    kid = f"{did}#{fragment}"
    multikey = multikey_from_public_key(public_key)
    bound = client.fetch_key(multikey)
    if bound is None or bound.kid != kid:
        client.bind_key(multikey, kid)
    return MinistryIdentity(did=did, verification_method=kid, public_key=public_key)


def ensure_did_key(client: AdminClient) -> MinistryIdentity:
    """The wallet's did:key (created once): for development and conformance suites."""
    existing = client.list_dids(method="key")
    info = sorted(existing, key=lambda i: i.did)[0] if existing else client.create_did("key", {"key_type": "ed25519"})
    public_key = base58.b58decode(info.verkey)
    fingerprint = info.did.removeprefix("did:key:")
    return MinistryIdentity(did=info.did, verification_method=f"{info.did}#{fingerprint}", public_key=public_key)
