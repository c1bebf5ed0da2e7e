"""A local Ed25519 key that signs credentials with our own proof suites, for tests only.

Production signing is done by ACA-Py; this stands in for it where a test needs a credential signed
by a key it controls (vc's tests likewise generate their keys in ``before``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shahada.did.key import did_key_from_public_key, multikey_from_public_key
from shahada.proofs import SUITES
from shahada.proofs.canonical import DocumentLoader


@dataclass(frozen=True)
class LocalKey:
    """An Ed25519 private key and the did:key / Multikey names of its public half."""

    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> LocalKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> LocalKey:
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def multikey(self) -> str:
        return multikey_from_public_key(self.public_key)

    @property
    def did_key(self) -> str:
        return did_key_from_public_key(self.public_key)

    @property
    def did_key_vm(self) -> str:
        return f"{self.did_key}#{self.multikey}"

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def sign_credential(
    credential: Mapping[str, Any],
    *,
    suite: str,
    key: LocalKey,
    verification_method: str,
    created: datetime | str,
    loader: DocumentLoader,
    proof_purpose: str = "assertionMethod",
    proof_as_list: bool = False,
) -> dict[str, Any]:
    """``credential`` with a ``proof`` made by ``suite`` with ``key`` (a list if ``proof_as_list``,
    as ACA-Py's ``/vc/di/add-proof`` returns it)."""
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    proof = SUITES[suite].create_proof(
        unsigned,
        sign=key.sign,
        verification_method=verification_method,
        created=created,
        proof_purpose=proof_purpose,
        loader=loader,
    )
    return {**unsigned, "proof": [proof] if proof_as_list else proof}


@dataclass(frozen=True)
class LocalSigner:
    """An issuer-side ``Signer`` (``sign(credential) → signed``) with a local key, for tests and
    benchmarks that issue without an agent."""

    key: LocalKey
    verification_method: str
    loader: DocumentLoader
    suite: str = "eddsa-rdfc-2022"
    created: datetime | str = "2025-07-01T00:00:00Z"

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        return sign_credential(
            credential, suite=self.suite, key=self.key, verification_method=self.verification_method, created=self.created, loader=self.loader
        )
