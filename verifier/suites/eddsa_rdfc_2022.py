"""DataIntegrityProof with cryptosuite ``eddsa-rdfc-2022`` (Data Integrity EdDSA Cryptosuites
v1.0, §3.2: 3.2.1 Create Proof, 3.2.2 Verify Proof, 3.2.3 Transformation, 3.2.4 Hashing,
3.2.5 Proof Configuration, 3.2.6/3.2.7 Proof Serialization/Verification).

The proof configuration is the proof without ``proofValue``, with ``@context`` set to the
unsecured document's ``@context`` (§3.2.5 step 4); both it and the document are canonicalized with
RDFC-1.0 and hashed as SHA-256(config) ‖ SHA-256(document).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from verifier.errors import ProofFormatError
from verifier.suites.canonical import (
    DocumentLoader,
    Signer,
    decode_proof_value,
    ed25519_verify,
    encode_proof_value,
    hash_data,
    rdf_canonize,
    require_datetime,
    require_proof_fields,
    unsecured,
)

NAME = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"


def format_created(created: datetime | str) -> str:
    """An XML Schema dateTimeStamp in UTC to the second (``2025-07-01T10:00:00Z``)."""
    if isinstance(created, str):
        return created
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_type(proof: Mapping[str, Any]) -> None:
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != NAME:
        raise ProofFormatError(
            f"not a {PROOF_TYPE}/{NAME} proof: {proof.get('type')!r}/{proof.get('cryptosuite')!r}"
        )


def _hash_data(document: Mapping[str, Any], proof: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    if "@context" not in document:
        raise ProofFormatError("eddsa-rdfc-2022 needs a document with an @context")
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return hash_data(rdf_canonize(config, loader), rdf_canonize(document, loader))


def verify(
    document_with_proof: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: bytes,
    loader: DocumentLoader,
) -> bool:
    """§3.2.2 Verify Proof for one proof of ``document_with_proof``.

    Returns:
        False when the signature does not match.

    Raises:
        ProofFormatError (proof.malformed): wrong type/cryptosuite, missing field, bad value.
        CanonicalizationError (jsonld.invalid): the document or proof cannot be canonicalized safely.
    """
    _check_type(proof)
    require_proof_fields(proof, "verificationMethod", "proofPurpose", "proofValue")
    require_datetime(proof, "created")
    signature = decode_proof_value(proof)
    data = _hash_data(unsecured(document_with_proof), proof, loader)
    return ed25519_verify(public_key, signature, data)


def create_proof(
    document_without_proof: Mapping[str, Any],
    *,
    sign: Signer,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
    loader: DocumentLoader,
) -> dict[str, Any]:
    """§3.2.1 Create Proof (tests and tools; ACA-Py signs in production).

    Raises:
        CanonicalizationError (jsonld.invalid): the document cannot be canonicalized safely.
    """
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": NAME,
        "created": format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    data = _hash_data(unsecured(document_without_proof), proof, loader)
    proof["proofValue"] = encode_proof_value(sign(data))
    return proof
