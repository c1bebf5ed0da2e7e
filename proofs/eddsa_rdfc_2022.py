"""DataIntegrityProof with cryptosuite ``eddsa-rdfc-2022`` (Data Integrity EdDSA Cryptosuites
v1.0, §3.2: 3.2.1 Create Proof, 3.2.2 Verify Proof, 3.2.3 Transformation, 3.2.4 Hashing,
3.2.5 Proof Configuration, 3.2.6/3.2.7 Proof Serialization/Verification).

The proof configuration is the proof without ``proofValue``, with ``@context`` set to the
unsecured document's ``@context`` (§3.2.5 step 4); both it and the document are canonicalized with
RDFC-1.0 and hashed as SHA-256(config) ‖ SHA-256(document).

Each algorithm of the Recommendation is a pure function here (``transform``, ``configure``,
``hashing``), so that the conformance tests can check every intermediate value of the published
test vectors, and so that a signer whose key lives elsewhere (the ministry's ACA-Py agent, through
``shahada.agent.plugin``) computes exactly the bytes this verifier checks: ``signing_input`` is the
whole pipeline up to the signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from shahada.proofs.canonical import (
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
from shahada.proofs.errors import ProofFormatError

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


def proof_options(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """The proof options of §3.2.1 (the future proof, without ``proofValue``); ``document`` is
    unused: the proof configuration takes the document's ``@context`` only when hashing."""
    return {
        "type": PROOF_TYPE,
        "cryptosuite": NAME,
        "created": format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }


def transform(unsecured_document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    """§3.2.3 Transformation: the RDFC-1.0 canonical N-Quads of the unsecured document.

    Raises:
        ProofFormatError (proof.malformed): the document has no ``@context``.
        CanonicalizationError (jsonld.invalid): the document cannot be canonicalized safely.
    """
    if "@context" not in unsecured_document:
        raise ProofFormatError("eddsa-rdfc-2022 needs a document with an @context")
    return rdf_canonize(unsecured_document, loader)


def configure(options: Mapping[str, Any], unsecured_document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    """§3.2.5 Proof Configuration: the options (less any ``proofValue``) with the document's
    ``@context`` (step 4), RDFC-1.0 canonicalized.

    Raises:
        ProofFormatError (proof.malformed): wrong type/cryptosuite, bad ``created``, no ``@context``.
        CanonicalizationError (jsonld.invalid): the configuration cannot be canonicalized safely.
    """
    _check_type(options)
    require_datetime(options, "created")
    if "@context" not in unsecured_document:
        raise ProofFormatError("eddsa-rdfc-2022 needs a document with an @context")
    config = {k: v for k, v in options.items() if k != "proofValue"}
    config["@context"] = unsecured_document["@context"]
    return rdf_canonize(config, loader)


def hashing(transformed_document: bytes, canonical_proof_config: bytes) -> bytes:
    """§3.2.4 Hashing: SHA-256(canonical proof configuration) ‖ SHA-256(transformed document)."""
    return hash_data(canonical_proof_config, transformed_document)


def signing_input(unsecured_document: Mapping[str, Any], options: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    """The 64 bytes §3.2.6 signs and §3.2.7 verifies: ``hashing(transform(…), configure(…))``.

    Raises:
        ProofFormatError (proof.malformed), CanonicalizationError (jsonld.invalid): see above.
    """
    return hashing(transform(unsecured_document, loader), configure(options, unsecured_document, loader))


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
    data = signing_input(unsecured(document_with_proof), proof, loader)
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
    """§3.2.1 Create Proof with a local ``sign`` callable (tests and tools; the ministry's key
    signs inside its agent, see ``shahada.agent.plugin.data_integrity``).

    Raises:
        CanonicalizationError (jsonld.invalid): the document cannot be canonicalized safely.
    """
    document = unsecured(document_without_proof)
    proof = proof_options(document, verification_method=verification_method, created=created, proof_purpose=proof_purpose)
    proof["proofValue"] = encode_proof_value(sign(signing_input(document, proof, loader)))
    return proof
