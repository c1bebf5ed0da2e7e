"""Parse the bodies of the agent's Data Integrity admin routes (pure: no ACA-Py, no I/O).

The add-proof body mirrors ACA-Py's own ``/vc/di/add-proof`` and the options of VC Data Integrity
1.0 §4.2 "Add Proof" (``type``, ``cryptosuite``, ``verificationMethod``, ``proofPurpose``,
``created``)::

    {"document": {...}, "options": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                                    "verificationMethod": "did:web:…#key-1"}}

Anything else (an unknown option, ``expires``, ``domain``, ``challenge``, ``previousProof``) is
refused rather than silently ignored: a caller who asks for a property must not get a proof without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shahada.agent.plugin.data_integrity.errors import DocumentError, ProofRequestError, UnsupportedSuiteError
from shahada.common.errors import ShahadaError
from shahada.proofs import DATA_INTEGRITY_SUITES
from shahada.proofs.canonical import require_datetime, require_max_depth
from shahada.proofs.errors import ProofFormatError
from shahada.schemas.document import issuer_id

PROOF_TYPE = "DataIntegrityProof"
PROOF_PURPOSES = frozenset({"assertionMethod", "authentication"})
OPTION_NAMES = frozenset({"type", "cryptosuite", "verificationMethod", "proofPurpose", "created"})


@dataclass(frozen=True, slots=True)
class AddProofRequest:
    """A validated request to secure ``document`` with one Data Integrity proof."""

    document: dict[str, Any]
    cryptosuite: str
    verification_method: str
    proof_purpose: str
    created: str | None  # None: the agent's clock at signing
    issuer: str | None  # the credential's issuer id; None for a document that is not a credential


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProofRequestError(f"{what} must be a JSON object")
    return value


def _string(options: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    value = options.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ProofRequestError(f"options.{name} must be a non-empty string")
    return value


def is_credential(document: Mapping[str, Any]) -> bool:
    """Whether ``document`` presents itself as a Verifiable Credential (``type`` or ``issuer``)."""
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return "VerifiableCredential" in types or "issuer" in document


def parse_add_proof(body: Any, *, cryptosuites: frozenset[str] = DATA_INTEGRITY_SUITES) -> AddProofRequest:
    """Validate an add-proof body.

    Args:
        body: the parsed JSON body.
        cryptosuites: the cryptosuites the agent signs with.

    Returns:
        The request, with the issuer of a credential.

    Raises:
        ProofRequestError (di.request): not an object, unknown member or option, ill-typed option,
            ``created`` not a date-time with a time zone, a verification method without fragment.
        UnsupportedSuiteError (di.cryptosuite): ``type`` is not DataIntegrityProof, or an
            unsupported ``cryptosuite``.
        DocumentError (di.document): the document already has a proof, or is a credential without
            an issuer, or a credential secured for another purpose than ``assertionMethod``.
        CanonicalizationError (jsonld.invalid): the document nests too deep to be canonicalized.
    """
    body = _object(body, "the request body")
    unknown = sorted(set(body) - {"document", "options"})
    if unknown:
        raise ProofRequestError(f"unknown member(s) in the request: {', '.join(unknown)}")
    document = _object(body.get("document"), "document")
    options = _object(body.get("options"), "options")
    unknown = sorted(set(options) - OPTION_NAMES)
    if unknown:
        raise ProofRequestError(f"unsupported option(s): {', '.join(unknown)}")
    proof_type = options.get("type", PROOF_TYPE)
    if proof_type != PROOF_TYPE:
        raise UnsupportedSuiteError(f"options.type must be {PROOF_TYPE}, not {proof_type!r}")
    cryptosuite = _string(options, "cryptosuite", required=True)
    if cryptosuite not in cryptosuites:
        raise UnsupportedSuiteError(f"unsupported cryptosuite {cryptosuite!r}; supported: {', '.join(sorted(cryptosuites))}")
    verification_method = _string(options, "verificationMethod", required=True)
    assert cryptosuite is not None and verification_method is not None
    base, _, fragment = verification_method.partition("#")
    if not base or not fragment:
        raise ProofRequestError("options.verificationMethod must be a URL with a fragment (the key id)")
    purpose = _string(options, "proofPurpose", required=False) or "assertionMethod"
    if purpose not in PROOF_PURPOSES:
        raise ProofRequestError(f"unsupported proofPurpose {purpose!r}; supported: {', '.join(sorted(PROOF_PURPOSES))}")
    created = _string(options, "created", required=False)
    try:
        require_datetime(options, "created")
    except ProofFormatError as err:
        raise ProofRequestError(f"options.created: {err.message}") from err
    require_max_depth(document)
    if "proof" in document:
        raise DocumentError("the document already has a proof (proof sets and chains are not supported)")
    issuer: str | None = None
    if is_credential(document):
        issuer = issuer_id(document)
        if issuer is None:
            raise DocumentError("a credential needs an issuer (a URL, or an object with an id)")
        if purpose != "assertionMethod":
            raise DocumentError("a credential is secured for the assertionMethod purpose")
    return AddProofRequest(document, cryptosuite, verification_method, purpose, created, issuer)


MAX_BATCH = 256  # documents per add-proofs request


def parse_add_proofs(body: Any, *, cryptosuites: frozenset[str] = DATA_INTEGRITY_SUITES) -> list[AddProofRequest]:
    """Validate a batch add-proof body ``{"documents": [...], "options": {...}}``: one set of
    options for every document, each document as :func:`parse_add_proof` checks it.

    Raises:
        ProofRequestError (di.request): not an object, no ``documents`` list, an empty batch or
            one over ``MAX_BATCH``; then what :func:`parse_add_proof` raises, the message naming the
            document's index.
    """
    body = _object(body, "the request body")
    unknown = sorted(set(body) - {"documents", "options"})
    if unknown:
        raise ProofRequestError(f"unknown member(s) in the request: {', '.join(unknown)}")
    documents = body.get("documents")
    if not isinstance(documents, list) or not documents:
        raise ProofRequestError("documents must be a non-empty JSON array")
    if len(documents) > MAX_BATCH:
        raise ProofRequestError(f"at most {MAX_BATCH} documents per request, not {len(documents)}")
    parsed: list[AddProofRequest] = []
    for index, document in enumerate(documents):
        try:
            parsed.append(parse_add_proof({"document": document, "options": body.get("options")}, cryptosuites=cryptosuites))
        except ShahadaError as err:
            err.message = f"documents[{index}]: {err.message}"
            raise
    return parsed


def parse_verify(body: Any) -> dict[str, Any]:
    """The ``securedDocument`` of a verify body.

    Raises:
        ProofRequestError (di.request): not ``{"securedDocument": {...}}``.
        CanonicalizationError (jsonld.invalid): the document nests too deep to be canonicalized.
    """
    body = _object(body, "the request body")
    unknown = sorted(set(body) - {"securedDocument"})
    if unknown:
        raise ProofRequestError(f"unknown member(s) in the request: {', '.join(unknown)}")
    document = _object(body.get("securedDocument"), "securedDocument")
    require_max_depth(document)
    return document
