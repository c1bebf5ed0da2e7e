"""The ministry's DID, created in and never leaving the agent's wallet.

``ensure_did_web`` is idempotent: the DID is looked up in the wallet before it is created, and the
key id (``<did>#key-1``) is bound to the wallet key only when it is not bound yet, so running it
after every restart yields the same DID and key. The DID document is built from the public key the
agent reports (``shahada.did.document``); the private key is never requested.

A did:web ministry has a second key, ``<did>#vc-api-1``, created once in the same wallet (the
plugin's ``POST /shahada/keys``) and published under ``assertionMethod`` only: the generic VC API
issuer signs with it, never with the diploma key ``#key-1``, so a verifier can tell a diploma from
anything the VC API signed (``key.not_for_type``). A did:key has a single key and uses it for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import base58

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentError
from shahada.did.document import build_did_document
from shahada.did.key import multikey_from_public_key, public_key_from_multikey

KEY_FRAGMENT = "key-1"
VC_API_KEY_FRAGMENT = "vc-api-1"


@dataclass(frozen=True, slots=True)
class MinistryIdentity:
    did: str
    verification_method: str  # the key id used in proofs
    public_key: bytes  # raw Ed25519 public key (32 bytes)
    vc_api_public_key: bytes | None = None  # the VC API issuer's key #vc-api-1 (did:web only)

    @property
    def multikey(self) -> str:
        return multikey_from_public_key(self.public_key)

    @property
    def vc_api_method(self) -> str:
        """The key id the generic VC API issuer signs with (the diploma key for a did:key)."""
        return f"{self.did}#{VC_API_KEY_FRAGMENT}" if self.vc_api_public_key is not None else self.verification_method

    def did_document(self) -> dict[str, Any]:
        """Diploma key under ``assertionMethod`` and ``authentication``; the VC API key, if any,
        under ``assertionMethod`` only."""
        document = build_did_document(self.did, self.public_key, fragment=self.verification_method.split("#", 1)[1])
        if self.vc_api_public_key is not None:
            second = build_did_document(self.did, self.vc_api_public_key, fragment=VC_API_KEY_FRAGMENT)
            document["verificationMethod"] += second["verificationMethod"]
            document["assertionMethod"] += second["assertionMethod"]
        return document


def ensure_did_web(client: AdminClient, did: str, *, fragment: str = KEY_FRAGMENT) -> MinistryIdentity:
    """Create (once) the did:web DID with an Ed25519 key in the wallet and bind its key id."""
    info = client.get_did(did)
    if info is None:
        try:
            info = client.create_did("web", {"did": did, "key_type": "ed25519"})
        except AgentError:
            # agents sharing one wallet (workers starting together): another one created it meanwhile
            info = client.get_did(did)
            if info is None:
                raise
    if info.key_type and info.key_type != "ed25519":
        raise AgentError(f"{did} exists in the wallet with key type {info.key_type}, not ed25519", code="agent.did")
    public_key = base58.b58decode(info.verkey)
    kid = f"{did}#{fragment}"
    multikey = multikey_from_public_key(public_key)
    bound = client.fetch_key(multikey)
    if bound is None or bound.kid != kid:
        try:
            client.bind_key(multikey, kid)
        except AgentError:
            bound = client.fetch_key(multikey)  # bound by another agent on the same wallet meanwhile
            if bound is None or bound.kid != kid:
                raise
    vc_api = client.ensure_key(f"{did}#{VC_API_KEY_FRAGMENT}")  # created once even by agents asking at once
    return MinistryIdentity(did=did, verification_method=kid, public_key=public_key, vc_api_public_key=public_key_from_multikey(vc_api.multikey))


def ensure_did_key(client: AdminClient) -> MinistryIdentity:
    """The wallet's did:key (created once): for development and conformance suites."""
    existing = client.list_dids(method="key")
    info = sorted(existing, key=lambda i: i.did)[0] if existing else client.create_did("key", {"key_type": "ed25519"})
    public_key = base58.b58decode(info.verkey)
    fingerprint = info.did.removeprefix("did:key:")
    return MinistryIdentity(did=info.did, verification_method=f"{info.did}#{fingerprint}", public_key=public_key)
