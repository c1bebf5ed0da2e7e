"""An ACA-Py ``KeyPair`` over a local Ed25519 key, for the scripts that run ACA-Py's own signing
code in a subprocess (``acapy_ld_issue.py``, ``acapy_dif_prove.py``): the wallet is the only part
of ACA-Py they replace. Import it only in such a subprocess: importing ``acapy_agent.vc.ld_proofs``
applies ``nest_asyncio`` to the whole interpreter."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def local_key_pair(seed_hex: str) -> Any:
    """A ``acapy_agent.vc.ld_proofs.KeyPair`` signing with the Ed25519 key of ``seed_hex``."""
    from acapy_agent.vc.ld_proofs import KeyPair

    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    class LocalKeyPair(KeyPair):  # type: ignore[misc]
        async def sign(self, message: Any) -> bytes:
            return private.sign(message)

        async def verify(self, message: Any, signature: bytes) -> bool:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
            return True

        @property
        def has_public_key(self) -> bool:
            return True

        @property
        def public_key(self) -> bytes:
            return public

        def from_verification_method(self, verification_method: dict[str, Any]) -> KeyPair:
            return self

    return LocalKeyPair()
