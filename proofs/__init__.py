"""Proof suites: one module per suite, each with ``verify``, ``create_proof`` and the two pure
halves of signing, ``proof_options`` and ``signing_input``.

``suite_name(proof)`` names the suite of a proof object: its ``type`` for Ed25519Signature2018 and
Ed25519Signature2020, its ``cryptosuite`` for a ``DataIntegrityProof`` (VC Data Integrity 1.0 §2.1
"Proofs"). ``Suite.signature_field`` is the proof member holding the signature: ``proofValue``,
or ``jws`` for Ed25519Signature2018 (a detached JWS, see its module).

A signer whose key is not in this process (the ministry's agent) creates a proof as
``options = suite.proof_options(...)``, ``data = suite.signing_input(document, options, loader)``,
``options["proofValue"] = encode_proof_value(<Ed25519 signature of data>)``: the very bytes
``suite.verify`` checks (Ed25519Signature2018 puts ``ed25519_signature_2018.detached_jws(…)`` in
``jws`` instead).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shahada.proofs import ed25519_signature_2018, ed25519_signature_2020, eddsa_jcs_2022, eddsa_rdfc_2022
from shahada.proofs.canonical import DocumentLoader, Signer


class CreateProof(Protocol):
    def __call__(
        self,
        document_without_proof: Mapping[str, Any],
        *,
        sign: Signer,
        verification_method: str,
        created: datetime | str,
        proof_purpose: str = "assertionMethod",
        loader: DocumentLoader,
    ) -> dict[str, Any]: ...


class ProofOptions(Protocol):
    def __call__(
        self,
        document: Mapping[str, Any],
        *,
        verification_method: str,
        created: datetime | str,
        proof_purpose: str = "assertionMethod",
    ) -> dict[str, Any]: ...


VerifyProof = Callable[[Mapping[str, Any], Mapping[str, Any], bytes, DocumentLoader], bool]
SigningInput = Callable[[Mapping[str, Any], Mapping[str, Any], DocumentLoader], bytes]


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    verify: VerifyProof
    create_proof: CreateProof
    proof_options: ProofOptions
    signing_input: SigningInput
    signature_field: str = "proofValue"


SUITES: Mapping[str, Suite] = {
    module.NAME: Suite(module.NAME, module.verify, module.create_proof, module.proof_options, module.signing_input)
    for module in (ed25519_signature_2020, eddsa_rdfc_2022, eddsa_jcs_2022)
} | {
    ed25519_signature_2018.NAME: Suite(
        ed25519_signature_2018.NAME,
        ed25519_signature_2018.verify,
        ed25519_signature_2018.create_proof,
        ed25519_signature_2018.proof_options,
        ed25519_signature_2018.signing_input,
        ed25519_signature_2018.SIGNATURE_FIELD,
    )
}

DATA_INTEGRITY_SUITES: frozenset[str] = frozenset({eddsa_rdfc_2022.NAME, eddsa_jcs_2022.NAME})


def suite_name(proof: Mapping[str, Any]) -> str | None:
    """The suite a proof claims, or None if it names none (``DataIntegrityProof`` without a
    string ``cryptosuite``, or no string ``type``)."""
    proof_type = proof.get("type")
    if proof_type == "DataIntegrityProof":
        cryptosuite = proof.get("cryptosuite")
        return cryptosuite if isinstance(cryptosuite, str) else None
    return proof_type if isinstance(proof_type, str) else None


__all__ = ["DATA_INTEGRITY_SUITES", "SUITES", "Suite", "suite_name"]
