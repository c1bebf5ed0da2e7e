"""Ed25519Signature2020 (Data Integrity EdDSA Cryptosuites v1.0, Appendix A.2.1), byte-for-byte as
ACA-Py 1.7 signs it in ``/vc/credentials/issue``.

ACA-Py (``acapy_agent/vc/ld_proofs/suites/linked_data_signature.py``):

* ``create_proof`` (l. 91-108): the proof is ``{type, verificationMethod, created, proofPurpose}``;
  ``created`` is ``datetime.isoformat(timespec="seconds")`` of an aware date, a naive one being
  taken as UTC (so ``2025-07-01T10:00:00+00:00``, not ``…Z``).
* ``_create_verify_data`` (l. 173-187): SHA-256 of the canonical proof options, then SHA-256 of the
  canonical document (the document without ``proof``, ``ld_proofs/proof_set.py`` l. 48-49).
* ``_canonize_proof`` (l. 189-203): the proof options are the proof with the *document's*
  ``@context`` (``https://w3id.org/security/v2`` only if the document has none), without ``jws``,
  ``signatureValue`` and ``proofValue``.
* ``_canonize`` (``linked_data_proof.py`` l. 111-129): URDNA2015 N-Quads, refusing dropped terms.
* ``ed25519_signature_2020.py`` l. 58-62 / 86-100: ``proofValue`` is multibase base58btc.

That is also the Recommendation's Appendix A.2.1.5 (proof configuration carries
``unsecuredDocument.@context``), for VC 1.1 and VC 2.0 documents alike.
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

NAME = "Ed25519Signature2020"
PROOF_TYPE = "Ed25519Signature2020"
SECURITY_V2_CONTEXT = "https://w3id.org/security/v2"
_SIGNATURE_FIELDS = ("jws", "signatureValue", "proofValue")


def format_created(created: datetime | str) -> str:
    """``created`` as ACA-Py writes it: ISO 8601 to the second, naive dates taken as UTC."""
    if isinstance(created, str):
        return created
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.isoformat(timespec="seconds")


def proof_options(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """The proof options as ACA-Py writes them (``document`` is unused)."""
    return {
        "type": PROOF_TYPE,
        "verificationMethod": verification_method,
        "created": format_created(created),
        "proofPurpose": proof_purpose,
    }


def signing_input(document: Mapping[str, Any], proof: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    """SHA-256 of the canonical proof options (with the document's ``@context``, less any
    signature) followed by SHA-256 of the canonical document.

    Raises:
        CanonicalizationError (jsonld.invalid): the document or proof cannot be canonicalized safely.
    """
    options = {**proof, "@context": document.get("@context") or SECURITY_V2_CONTEXT}
    for name in _SIGNATURE_FIELDS:
        options.pop(name, None)
    return hash_data(rdf_canonize(options, loader), rdf_canonize(document, loader))


def verify(
    document_with_proof: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: bytes,
    loader: DocumentLoader,
) -> bool:
    """Whether ``proof`` is a valid Ed25519Signature2020 by ``public_key`` over the document.

    Args:
        document_with_proof: the secured document; its ``proof`` member is ignored.
        proof: the proof object to check (one element of a proof set).
        public_key: the raw Ed25519 key of the proof's verification method.
        loader: the pinned JSON-LD document loader.

    Returns:
        False when the signature does not match.

    Raises:
        ProofFormatError (proof.malformed): wrong type, missing field, bad ``created``/``proofValue``.
        CanonicalizationError (jsonld.invalid): the document or proof cannot be canonicalized safely.
    """
    if proof.get("type") != PROOF_TYPE:
        raise ProofFormatError(f"not an {PROOF_TYPE} proof: type {proof.get('type')!r}")
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
    """An Ed25519Signature2020 proof as ACA-Py would make it (tests and tools; ACA-Py signs in
    production).

    Raises:
        CanonicalizationError (jsonld.invalid): the document cannot be canonicalized safely.
    """
    document = unsecured(document_without_proof)
    proof = proof_options(document, verification_method=verification_method, created=created, proof_purpose=proof_purpose)
    proof["proofValue"] = encode_proof_value(sign(signing_input(document, proof, loader)))
    return proof
