"""Seals signed by a local Ed25519 key, and the trust settings to verify them, for tests only.

Production seals are signed inside the agent (``shahada.agent.plugin.seal``); this stands in for it
where a test needs a key it controls: another key, another issuer, a forged kid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shahada.did.document import DIDDocument, build_did_document
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.cose import encode_sign1, key_id, protected_header, sig_structure
from shahada.verifier.seal import StaticResolver

MINISTRY_DID = "did:web:diplomes.men.gov.ma"
PRODUCTION_BASE = "https://diplomes.men.gov.ma/v/"


@dataclass
class LocalSealer:
    """Signs seal contents as the agent does, with a local key; ``kid`` overrides the header's."""

    private_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    kid: bytes | None = None

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def seal(self, contents: Sequence[SealContent]) -> list[bytes]:
        protected = protected_header(self.kid or key_id(self.public_key))
        out = []
        for content in contents:
            payload = content.to_cbor()
            out.append(encode_sign1(protected, payload, self.private_key.sign(sig_structure(protected, payload))))
        return out

    def resolver(self, did: str = MINISTRY_DID) -> StaticResolver:
        """A resolver that knows this key as ``did``'s only assertionMethod key."""
        return StaticResolver({did: DIDDocument.from_dict(build_did_document(did, self.public_key))})
