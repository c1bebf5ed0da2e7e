"""Ed25519Signature2018 (W3C CCG "Ed25519 Signature 2018", a Linked Data Signatures suite), as
ACA-Py 1.7 signs presentations in present-proof 2.0 (DIF) and ``/vc/presentations/prove``.

Verify data: SHA-256 of the RDF Dataset Canonicalization (URDNA2015 / RDFC-1.0) of the proof
options — the proof without ``jws``, ``signatureValue`` and ``proofValue``, carrying the
*document's* ``@context`` — followed by SHA-256 of the canonical document without its proof.

Signature: a JWS with a detached, unencoded payload. The protected header is exactly
``{"alg": "EdDSA", "b64": false, "crit": ["b64"]}`` (RFC 8037 §3.1 for ``EdDSA``; RFC 7797 §3 and
§6 for ``b64`` and its listing in ``crit``), so the JWS Signing Input (RFC 7515 §5.1 step 5, with
RFC 7797 §3's unencoded payload) is ``ASCII(BASE64URL(header))`` ‖ ``"."`` ‖ the verify data
bytes, and ``jws`` is ``<header>..<signature>`` (RFC 7515 Appendix F, detached content). The
signature is a 64-byte Ed25519 signature (RFC 8032 §5.1.6) in unpadded base64url.

Only the canonical base64url spelling is accepted (RFC 7515 §2, no padding, no trailing bits), so
a ``jws`` has one form: changing any of its characters is either malformed (``proof.malformed``)
or a signature that does not match.

The suite's ``verificationMethod`` names the key; which key *types* a DID document may list for it
is not checked here (the resolver yields raw Ed25519 keys), nor by :mod:`shahada.verifier.checks`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from shahada.proofs.canonical import (
    ED25519_SIGNATURE_LENGTH,
    DocumentLoader,
    Signer,
    ed25519_verify,
    hash_data,
    rdf_canonize,
    require_datetime,
    require_proof_fields,
    unsecured,
)
from shahada.proofs.ed25519_signature_2020 import SECURITY_V2_CONTEXT, format_created
from shahada.proofs.errors import ProofFormatError

NAME: Final = "Ed25519Signature2018"
PROOF_TYPE: Final = "Ed25519Signature2018"
SIGNATURE_FIELD: Final = "jws"
JWS_HEADER: Final[Mapping[str, Any]] = {"alg": "EdDSA", "b64": False, "crit": ["b64"]}
_NOT_SIGNED: Final = ("jws", "signatureValue", "proofValue")


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 §2 ``BASE64URL``)."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64url_decode(text: str, what: str) -> bytes:
    """The bytes of a canonical unpadded base64url string.

    Raises:
        ProofFormatError (proof.malformed): padding, characters outside the alphabet, or a
            non-canonical spelling (trailing bits set).
    """
    if not text or "=" in text or not text.isascii():
        raise ProofFormatError(f"the JWS {what} is not unpadded base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as err:
        raise ProofFormatError(f"the JWS {what} is not base64url: {err}") from err
    if b64url_encode(raw) != text:
        raise ProofFormatError(f"the JWS {what} is not in canonical base64url")
    return raw


# ACA-Py writes the header with json.dumps' default separators; any spelling of the same
# three members verifies, since the signature covers the header as written.
ENCODED_HEADER: Final = b64url_encode(json.dumps(dict(JWS_HEADER)).encode("utf-8"))


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("a header member appears twice")
    return dict(pairs)


def split_jws(jws: str) -> tuple[str, bytes]:
    """``(encoded protected header, signature)`` of a detached ``jws``, its header checked.

    Raises:
        ProofFormatError (proof.malformed): not ``<header>..<signature>``, a header other than
            exactly ``{"alg": "EdDSA", "b64": false, "crit": ["b64"]}``, or not a 64-byte signature.
    """
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise ProofFormatError("jws must be a detached JWS: <protected header>..<signature>")
    encoded_header, _, encoded_signature = parts
    try:
        header = json.loads(b64url_decode(encoded_header, "header"), object_pairs_hook=_unique_members)
    except (ValueError, UnicodeDecodeError) as err:
        raise ProofFormatError(f"the JWS header is not JSON: {err}") from err
    if not isinstance(header, dict) or header != JWS_HEADER or type(header.get("b64")) is not bool:
        raise ProofFormatError(f"the JWS header must be exactly {json.dumps(dict(JWS_HEADER))}, not {header!r}")
    signature = b64url_decode(encoded_signature, "signature")
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise ProofFormatError("the JWS signature is not a 64-byte Ed25519 signature")
    return encoded_header, signature


def detached_jws(encoded_header: str, signature: bytes) -> str:
    """The ``jws`` value: ``<header>..<signature>``."""
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise ProofFormatError("an Ed25519 signature is 64 bytes")
    return f"{encoded_header}..{b64url_encode(signature)}"


def proof_options(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: datetime | str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """The proof options as ACA-Py writes them (``document`` is unused); a presentation's
    ``challenge`` and ``domain`` are added by the caller before signing."""
    return {
        "type": PROOF_TYPE,
        "verificationMethod": verification_method,
        "created": format_created(created),
        "proofPurpose": proof_purpose,
    }


def verify_data(document: Mapping[str, Any], proof: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    """SHA-256(canonical proof options) ‖ SHA-256(canonical document without proof): 64 bytes.

    Raises:
        CanonicalizationError (jsonld.invalid): the document or the options cannot be
            canonicalized safely.
    """
    options = {k: v for k, v in proof.items() if k not in _NOT_SIGNED}
    options["@context"] = document.get("@context") or SECURITY_V2_CONTEXT
    return hash_data(rdf_canonize(options, loader), rdf_canonize(unsecured(document), loader))


def signing_input(document: Mapping[str, Any], proof: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    """The bytes Ed25519 signs: ``ASCII(header)`` ‖ ``"."`` ‖ :func:`verify_data`. The header is
    the one in ``proof["jws"]`` when there is one (verification), else :data:`ENCODED_HEADER`.

    Raises:
        ProofFormatError (proof.malformed): a ``jws`` that is not a valid detached JWS.
        CanonicalizationError (jsonld.invalid): see :func:`verify_data`.
    """
    jws = proof.get(SIGNATURE_FIELD)
    encoded_header = split_jws(jws)[0] if isinstance(jws, str) else ENCODED_HEADER
    return encoded_header.encode("ascii") + b"." + verify_data(document, proof, loader)


def verify(
    document_with_proof: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: bytes,
    loader: DocumentLoader,
) -> bool:
    """Whether ``proof`` is a valid Ed25519Signature2018 by ``public_key`` over the document.

    Returns:
        False when the signature does not match.

    Raises:
        ProofFormatError (proof.malformed): wrong type, missing field, bad ``created`` or ``jws``.
        CanonicalizationError (jsonld.invalid): the document or proof cannot be canonicalized safely.
    """
    if proof.get("type") != PROOF_TYPE:
        raise ProofFormatError(f"not an {PROOF_TYPE} proof: type {proof.get('type')!r}")
    require_proof_fields(proof, "verificationMethod", "proofPurpose", SIGNATURE_FIELD)
    require_datetime(proof, "created")
    encoded_header, signature = split_jws(proof[SIGNATURE_FIELD])
    data = encoded_header.encode("ascii") + b"." + verify_data(document_with_proof, proof, loader)
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
    """An Ed25519Signature2018 proof as ACA-Py would make it (tests and tools).

    Raises:
        CanonicalizationError (jsonld.invalid): the document cannot be canonicalized safely.
    """
    document = unsecured(document_without_proof)
    proof = proof_options(document, verification_method=verification_method, created=created, proof_purpose=proof_purpose)
    return sign_proof(document, proof, sign=sign, loader=loader)


def sign_proof(document: Mapping[str, Any], options: Mapping[str, Any], *, sign: Signer, loader: DocumentLoader) -> dict[str, Any]:
    """``options`` (already holding any ``challenge`` or ``domain``) completed with its ``jws``.

    Raises:
        CanonicalizationError (jsonld.invalid): the document cannot be canonicalized safely.
    """
    proof = {k: v for k, v in options.items() if k not in _NOT_SIGNED}
    signature = sign(ENCODED_HEADER.encode("ascii") + b"." + verify_data(document, proof, loader))
    return {**proof, SIGNATURE_FIELD: detached_jws(ENCODED_HEADER, signature)}
