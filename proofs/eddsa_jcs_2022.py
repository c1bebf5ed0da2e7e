"""DataIntegrityProof with cryptosuite ``eddsa-jcs-2022`` (Data Integrity EdDSA Cryptosuites v1.0,
§3.3: 3.3.1 Create Proof, 3.3.2 Verify Proof, 3.3.3 Transformation, 3.3.4 Hashing, 3.3.5 Proof
Configuration).

Create: the proof carries the document's ``@context`` (§3.3.1 step 2) and the proof configuration
is that proof, JCS-canonicalized. Verify: the proof configuration is the proof without
``proofValue``; if it has an ``@context``, the document's ``@context`` must start with it and the
document is canonicalized with the proof's (§3.3.2 step 4).

ACA-Py 1.7 (``/vc/di/add-proof``, ``vc/data_integrity/cryptosuites/eddsa_jcs_2022.py`` l. 54-60)
skips step 2 unless the caller puts ``@context`` in the proof options, so its proofs carry no
``@context``; they verify here all the same (step 4 is then skipped). ACA-Py canonicalizes with
``canonicaljson`` (l. 136-138), which agrees with RFC 8785 except for integral floats (``16.0``,
which RFC 8785 writes ``16``) and for the order of keys outside the BMP: such documents signed by
ACA-Py will not verify here. The ministry's agent does not use that code: the project's plugin
(``shahada.agent.plugin.data_integrity``) signs with this module's ``proof_options`` and
``signing_input``, step 2 and RFC 8785 included.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shahada.proofs.canonical import (
    DocumentLoader,
    Signer,
    decode_proof_value,
    ed25519_verify,
    encode_proof_value,
    hash_data,
    jcs,
    require_datetime,
    require_proof_fields,
    unsecured,
)
from shahada.proofs.eddsa_rdfc_2022 import format_created
from shahada.proofs.errors import ProofFormatError

NAME = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"


def _as_list(context: Any) -> list[Any]:
    return context if isinstance(context, list) else [context]


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
    """The proof options of §3.3.1, including step 2: the proof carries the document's
    ``@context`` when it has one."""
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": NAME,
        "created": format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in document:
        options["@context"] = document["@context"]
    return options


def transform(unsecured_document: Mapping[str, Any], loader: DocumentLoader | None = None) -> bytes:
    """§3.3.3 Transformation: the JCS (RFC 8785) serialization of the unsecured document.

    Raises:
        CanonicalizationError (jsonld.invalid): a value JCS cannot encode.
    """
    return jcs(dict(unsecured_document))


def configure(
    options: Mapping[str, Any], unsecured_document: Mapping[str, Any] | None = None, loader: DocumentLoader | None = None
) -> bytes:
    """§3.3.5 Proof Configuration: the options (less any ``proofValue``), JCS-serialized.

    Raises:
        ProofFormatError (proof.malformed): wrong type/cryptosuite or bad ``created``.
        CanonicalizationError (jsonld.invalid): a value JCS cannot encode.
    """
    _check_type(options)
    require_datetime(options, "created")
    return jcs({k: v for k, v in options.items() if k != "proofValue"})


def hashing(transformed_document: bytes, canonical_proof_config: bytes) -> bytes:
    """§3.3.4 Hashing: SHA-256(canonical proof configuration) ‖ SHA-256(transformed document)."""
    return hash_data(canonical_proof_config, transformed_document)


def signing_input(
    unsecured_document: Mapping[str, Any], options: Mapping[str, Any], loader: DocumentLoader | None = None
) -> bytes:
    """The 64 bytes §3.3.6 signs and §3.3.7 verifies. When the proof has an ``@context``, the
    document is hashed with it (§3.3.2 step 4; it equals the document's own at creation).

    Raises:
        ProofFormatError (proof.malformed), CanonicalizationError (jsonld.invalid): see above.
    """
    document = dict(unsecured_document)
    if "@context" in options:
        document["@context"] = options["@context"]
    return hashing(transform(document), configure(options))


def verify(
    document_with_proof: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: bytes,
    loader: DocumentLoader,
) -> bool:
    """§3.3.2 Verify Proof for one proof of ``document_with_proof`` (``loader`` is unused: JCS
    needs no contexts; it is accepted so that every suite has the same signature).

    Returns:
        False when the signature does not match or the proof's ``@context`` is not a prefix of
        the document's.

    Raises:
        ProofFormatError (proof.malformed): wrong type/cryptosuite, missing field, bad value.
        CanonicalizationError (jsonld.invalid): a value JCS cannot encode.
    """
    _check_type(proof)
    require_proof_fields(proof, "verificationMethod", "proofPurpose", "proofValue")
    require_datetime(proof, "created")
    signature = decode_proof_value(proof)
    if "@context" in proof:
        expected = _as_list(proof["@context"])
        if _as_list(document_with_proof.get("@context"))[: len(expected)] != expected:
            return False
    return ed25519_verify(public_key, signature, signing_input(unsecured(document_with_proof), proof))


def create_proof(
    document_without_proof: Mapping[str, Any],
    *,
    sign: Signer,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
    loader: DocumentLoader,
) -> dict[str, Any]:
    """§3.3.1 Create Proof, including step 2 (the proof carries the document's ``@context``).

    Raises:
        CanonicalizationError (jsonld.invalid): a value JCS cannot encode.
    """
    document = unsecured(document_without_proof)
    proof = proof_options(document, verification_method=verification_method, created=created, proof_purpose=proof_purpose)
    proof["proofValue"] = encode_proof_value(sign(signing_input(document, proof)))
    return proof
