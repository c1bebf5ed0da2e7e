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
ACA-Py will not verify here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from verifier.errors import ProofFormatError
from verifier.suites.canonical import (
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
from verifier.suites.eddsa_rdfc_2022 import format_created

NAME = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"


def _as_list(context: Any) -> list[Any]:
    return context if isinstance(context, list) else [context]


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
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != NAME:
        raise ProofFormatError(
            f"not a {PROOF_TYPE}/{NAME} proof: {proof.get('type')!r}/{proof.get('cryptosuite')!r}"
        )
    require_proof_fields(proof, "verificationMethod", "proofPurpose", "proofValue")
    require_datetime(proof, "created")
    signature = decode_proof_value(proof)
    document = unsecured(document_with_proof)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        expected = _as_list(options["@context"])
        if _as_list(document_with_proof.get("@context"))[: len(expected)] != expected:
            return False
        document["@context"] = options["@context"]
    return ed25519_verify(public_key, signature, hash_data(jcs(options), jcs(document)))


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
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": NAME,
        "created": format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in document:
        proof["@context"] = document["@context"]
    proof["proofValue"] = encode_proof_value(sign(hash_data(jcs(proof), jcs(document))))
    return proof
