"""Canonicalization, hashing and Ed25519 primitives shared by the proof suites.

* RDF: JSON-LD 1.1 API §4.1 expansion, then RDF Dataset Canonicalization (RDFC-1.0, which pyld
  calls URDNA2015) to N-Quads. Expansion is made *safe* (the checks jsonld.js runs in ``safe``
  mode, which pyld lacks): a key that the contexts do not define — silently dropped by plain
  JSON-LD, hence unsigned and freely editable — or a relative IRI in ``@id``/``@type`` (an
  undefined type name, a subject id that is not a URL) — dropped from the RDF by some processors,
  resolved against an invented base by others — raises
  :class:`~shahada.verifier.errors.CanonicalizationError`.
* Text direction is signed: the RDF conversion uses ``rdfDirection: "i18n-datatype"`` (JSON-LD 1.1
  API §8.6.2), so ``{"@value": "…", "@language": "ar", "@direction": "rtl"}`` becomes a literal of
  datatype ``https://www.w3.org/ns/i18n#ar_rtl``. This is what Digital Bazaar's reference suites
  do (eddsa-rdfc-2022 and every jsonld-signatures suite, Ed25519Signature2020/2018 included; see
  docs/credentials.md); without it pyld drops ``@direction`` from the N-Quads and a direction
  could be changed without breaking any signature. A document with no ``@direction`` gives the
  same N-Quads either way.
* JSON: the JSON Canonicalization Scheme (RFC 8785).
* Hash data: SHA-256(canonical proof configuration) ‖ SHA-256(canonical document), as in Data
  Integrity EdDSA Cryptosuites v1.0 §3.2.4 / §3.3.4 and Appendix A.2.1.4.

pyld's module-level context cache is never used: every canonicalization gets its own
``ContextResolver`` over the loader it was given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from shahada.did.multibase import decode_base58btc, encode_base58btc
from shahada.proofs.errors import CanonicalizationError, ProofFormatError

ED25519_SIGNATURE_LENGTH = 64
MAX_NESTING = 64  # deeper JSON is refused before pyld or JCS recurse into it (RecursionError)
Signer = Callable[[bytes], bytes]


class DocumentLoader(Protocol):
    """A JSON-LD 1.1 API §9.4 ``LoadDocumentCallback`` as pyld calls it."""

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]: ...


RDF_DIRECTION = "i18n-datatype"  # how @direction reaches the N-Quads, as the reference suites do


def _options(loader: DocumentLoader) -> dict[str, Any]:
    # base None keeps relative IRIs relative, so that _check_iris sees them: with the default
    # (empty) base, pyld 3 resolves them against a made-up http://example.org/base/.
    return {"documentLoader": loader, "contextResolver": ContextResolver({}, loader), "base": None}


def require_max_depth(value: Any, limit: int = MAX_NESTING) -> None:
    """Raise CanonicalizationError (jsonld.invalid) if ``value`` nests objects/arrays deeper than
    ``limit``: the recursive canonicalizers would otherwise fail with a RecursionError."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise CanonicalizationError(f"the document is nested deeper than {limit} levels")
        if isinstance(node, Mapping):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def safe_expand(document: Mapping[str, Any], loader: DocumentLoader) -> list[Any]:
    """Expand ``document``, refusing anything expansion would silently lose.

    Raises:
        CanonicalizationError (jsonld.invalid): a JSON-LD error, an undefined term, a relative
            IRI, or nesting deeper than ``MAX_NESTING``; the original pyld error (which may wrap
            the loader's UnknownContextError) is the ``__cause__``.
    """
    require_max_depth(document)
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    try:
        expanded: list[Any] = processor.expand(dict(document), _options(loader))
    except jsonld.JsonLdError as err:
        raise CanonicalizationError(f"JSON-LD expansion failed: {_describe(err)}") from err
    if dropped:
        names = ", ".join(sorted({repr(d) for d in dropped}))
        raise CanonicalizationError(f"terms not defined by the credential's contexts: {names}")
    _check_iris(expanded, "$")
    return expanded


def _check_iris(node: Any, path: str) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_iris(item, f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@id":
            _require_iri(value, f"{path}.@id")
        elif key == "@type":
            for t in value if isinstance(value, list) else [value]:
                if t != "@json":
                    _require_iri(t, f"{path}.@type")
        elif key == "@value":
            continue  # a literal; with @type @json it is arbitrary JSON, not JSON-LD
        else:
            if key.startswith("_:"):
                raise CanonicalizationError(f"blank-node property {key!r} at {path} is not RDF")
            _check_iris(value, f"{path}.{key}")


def _require_iri(value: Any, where: str) -> None:
    if not isinstance(value, str) or not jsonld._is_absolute_iri(value):
        raise CanonicalizationError(f"relative or invalid IRI {value!r} at {where}")


def _describe(err: BaseException) -> str:
    messages: list[str] = []
    current: BaseException | None = err
    while current is not None and len(messages) < 4:
        messages.append(current.args[0] if current.args else type(current).__name__)
        current = current.__cause__
    return " / ".join(str(m) for m in messages)


def rdf_canonize(document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    """The RDFC-1.0 canonical N-Quads of ``document``, UTF-8 encoded, after a safe expansion.

    Raises:
        CanonicalizationError (jsonld.invalid): see :func:`safe_expand`.
    """
    expanded = safe_expand(document, loader)
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "rdfDirection": RDF_DIRECTION, **_options(loader)}
    try:
        nquads: str = jsonld.normalize(expanded, options)
    except jsonld.JsonLdError as err:
        raise CanonicalizationError(f"RDF canonicalization failed: {_describe(err)}") from err
    return nquads.encode("utf-8")


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value``.

    Raises:
        CanonicalizationError (jsonld.invalid): a value JCS cannot represent (NaN, huge integer…),
            or nesting deeper than ``MAX_NESTING``.
    """
    require_max_depth(value)
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as err:
        raise CanonicalizationError(f"JSON canonicalization failed: {err}") from err


def hash_data(canonical_proof_config: bytes, canonical_document: bytes) -> bytes:
    """SHA-256(proof configuration) followed by SHA-256(document): 64 bytes to sign."""
    return hashlib.sha256(canonical_proof_config).digest() + hashlib.sha256(canonical_document).digest()


def unsecured(document: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``document`` without its ``proof``."""
    return {k: v for k, v in document.items() if k != "proof"}


def require_proof_fields(proof: Mapping[str, Any], *names: str) -> None:
    """Raise ProofFormatError (proof.malformed) unless every field is a non-empty string."""
    missing = [n for n in names if not isinstance(proof.get(n), str) or not proof.get(n)]
    if missing:
        raise ProofFormatError(f"proof field(s) missing or not strings: {', '.join(missing)}")


def require_datetime(proof: Mapping[str, Any], name: str) -> None:
    """Raise ProofFormatError (proof.malformed) if ``proof[name]`` is present but not a datetime."""
    value = proof.get(name)
    if value is None:
        return
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ProofFormatError(f"proof {name} {value!r} is not a date-time with a time zone")


def decode_proof_value(proof: Mapping[str, Any]) -> bytes:
    """The 64-byte Ed25519 signature in ``proof["proofValue"]`` (multibase base58btc).

    Raises:
        ProofFormatError (proof.malformed): absent, not ``z``-base58btc, or not 64 bytes.
    """
    value = proof.get("proofValue")
    try:
        signature = decode_base58btc(value) if isinstance(value, str) else b""
    except ValueError as err:
        raise ProofFormatError(f"proofValue is not multibase base58btc: {err}") from err
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise ProofFormatError("proofValue is not a 64-byte Ed25519 signature")
    return signature


def encode_proof_value(signature: bytes) -> str:
    """A signature as a multibase base58btc ``proofValue``."""
    if len(signature) != ED25519_SIGNATURE_LENGTH:
        raise ProofFormatError("an Ed25519 signature is 64 bytes")
    return encode_base58btc(signature)


def ed25519_verify(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """RFC 8032 Ed25519 (pure) verification; False for a bad signature or an invalid key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
