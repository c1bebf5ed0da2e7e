"""Verifiable Presentations signed by a local did:key holder, for tests only.

A wallet signs a presentation for the ``authentication`` purpose, with the verifier's challenge and
domain in the proof (VC Data Integrity 1.0 §2.1); this builds the proof options the way a suite
does, adds them, and signs ``suite.signing_input`` with the holder's key: the very bytes
``suite.verify`` checks (see ``shahada.proofs``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shahada.proofs import SUITES
from shahada.proofs.canonical import DocumentLoader, encode_proof_value
from tests.support.local_signer import LocalKey

VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


def make_presentation(credentials: Sequence[Mapping[str, Any]], *, holder: str | None, suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    contexts = [VC_V2, ED25519_2020] if suite == "Ed25519Signature2020" else [VC_V2]
    presentation: dict[str, Any] = {
        "@context": contexts,
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
    }
    if holder is not None:
        presentation["holder"] = holder
    return presentation


def sign_presentation(
    presentation: Mapping[str, Any],
    *,
    suite: str,
    key: LocalKey,
    created: datetime | str,
    loader: DocumentLoader,
    challenge: str | None = None,
    domain: str | None = None,
    verification_method: str | None = None,
    proof_purpose: str = "authentication",
) -> dict[str, Any]:
    """``presentation`` with a proof by ``key`` (by default its did:key's own key)."""
    unsecured = {k: v for k, v in presentation.items() if k != "proof"}
    chosen = SUITES[suite]
    options = chosen.proof_options(
        unsecured, verification_method=verification_method or key.did_key_vm, created=created, proof_purpose=proof_purpose
    )
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    options["proofValue"] = encode_proof_value(key.sign(chosen.signing_input(unsecured, options, loader)))
    return {**unsecured, "proof": options}
