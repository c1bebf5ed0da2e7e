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
* Bounded work: RDFC-1.0 §4.8 (Hash N-Degree Quads) is exponential in the worst case; the
  specification's security considerations (§8, "poison graphs") ask implementations to limit it.
  :class:`RdfcLimits` caps the blank nodes of a dataset and the Hash N-Degree Quads calls, as
  Digital Bazaar's rdf-canonize does (``maxWorkFactor`` 1: as many calls as there are blank
  nodes that the first-degree hashes leave undistinguished); past a limit canonicalization stops
  with :class:`~shahada.proofs.errors.CanonicalizationLimitError` (``jsonld.too_complex``). A
  credential the ministry issues needs no such call at all.
* JSON: the JSON Canonicalization Scheme (RFC 8785).
* Hash data: SHA-256(canonical proof configuration) ‖ SHA-256(canonical document), as in Data
  Integrity EdDSA Cryptosuites v1.0 §3.2.4 / §3.3.4 and Appendix A.2.1.4.

pyld's module-level context cache is never used: every canonicalization gets its own
``ContextResolver`` over the loader it was given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Protocol

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from shahada.did.multibase import decode_base58btc, encode_base58btc
from shahada.proofs.errors import CanonicalizationError, CanonicalizationLimitError, ProofFormatError

ED25519_SIGNATURE_LENGTH = 64
MAX_NESTING = 64  # deeper JSON is refused before pyld or JCS recurse into it (RecursionError)
Signer = Callable[[bytes], bytes]


class DocumentLoader(Protocol):
    """A JSON-LD 1.1 API §9.4 ``LoadDocumentCallback`` as pyld calls it."""

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]: ...


RDF_DIRECTION = "i18n-datatype"  # how @direction reaches the N-Quads, as the reference suites do


@dataclass(frozen=True, slots=True)
class RdfcLimits:
    """How much work one RDFC-1.0 canonicalization may do (RDFC-1.0 §8, "poison graphs").

    Attributes:
        max_blank_nodes: blank nodes in the dataset; a transcript has about 40.
        max_work_factor: Hash N-Degree Quads calls allowed are (undistinguished blank nodes) to
            this power, as rdf-canonize's ``maxWorkFactor`` (1 is its default).
        max_deep_calls: an absolute ceiling on those calls, whatever the number of blank nodes.
        max_permutations: permutations of related blank nodes tried (§4.8 step 5.4), all calls
            together: a single call may otherwise try n! of them.
    """

    max_blank_nodes: int = 2000
    max_work_factor: int = 1
    max_deep_calls: int = 1000
    max_permutations: int = 1000


DEFAULT_RDFC_LIMITS: Final = RdfcLimits()


class _BoundedURDNA2015(URDNA2015):  # type: ignore[misc]  # pyld is untyped
    """pyld's RDFC-1.0 (URDNA2015) that counts its work and stops at :class:`RdfcLimits`."""

    def __init__(self, limits: RdfcLimits) -> None:
        super().__init__()
        self._limits = limits
        self._budget: int | None = None
        self.permutations_left = limits.max_permutations

    def main(self, dataset: Any, options: Any) -> Any:
        blank = {
            component["value"]
            for triples in dataset.values()
            for triple in triples
            for component in triple.values()
            if component.get("type") == "blank node"
        }
        blank |= {name for name in dataset if name.startswith("_:")}
        if len(blank) > self._limits.max_blank_nodes:
            raise CanonicalizationLimitError(
                f"the document has {len(blank)} blank nodes; at most {self._limits.max_blank_nodes} are canonicalized"
            )
        return super().main(dataset, options)

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        if self._budget is None:
            # first call: step 5 of §4.4 is over, hash_to_blank_nodes holds the undistinguished nodes
            undistinguished = sum(len(ids) for ids in self.hash_to_blank_nodes.values())
            self._budget = min(undistinguished**self._limits.max_work_factor, self._limits.max_deep_calls)
        if self._budget <= 0:
            raise CanonicalizationLimitError(
                "the document's blank nodes are too alike to be canonicalized within the limits (RDFC-1.0 §8, a poison graph)"
            )
        self._budget -= 1
        if not isinstance(issuer, _CountingIssuer):
            issuer = _CountingIssuer.adopt(issuer, self)
        return super().hash_n_degree_quads(id_, issuer)


class _CountingIssuer(IdentifierIssuer):  # type: ignore[misc]  # pyld is untyped
    """An identifier issuer whose copies are counted: §4.8 step 5.4.1 copies the issuer once per
    permutation, so this is where the permutations tried are counted (and copied cheaply)."""

    _owner: _BoundedURDNA2015

    @classmethod
    def adopt(cls, issuer: Any, owner: _BoundedURDNA2015) -> _CountingIssuer:
        adopted = cls(issuer.prefix)
        adopted.counter, adopted.existing, adopted.order, adopted._owner = issuer.counter, dict(issuer.existing), list(issuer.order), owner
        return adopted

    def __deepcopy__(self, memo: dict[int, Any]) -> _CountingIssuer:
        self._owner.permutations_left -= 1
        if self._owner.permutations_left < 0:
            raise CanonicalizationLimitError(
                "the document's blank nodes are too alike to be canonicalized within the limits (RDFC-1.0 §8, a poison graph)"
            )
        return _CountingIssuer.adopt(self, self._owner)


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


def rdf_canonize(document: Mapping[str, Any], loader: DocumentLoader, *, limits: RdfcLimits = DEFAULT_RDFC_LIMITS) -> bytes:
    """The RDFC-1.0 canonical N-Quads of ``document``, UTF-8 encoded, after a safe expansion.

    Raises:
        CanonicalizationError (jsonld.invalid): see :func:`safe_expand`; also a string that is
            not Unicode text (a lone surrogate).
        CanonicalizationLimitError (jsonld.too_complex): past ``limits``.
    """
    expanded = safe_expand(document, loader)
    try:
        nquads = normalize(expanded, {"rdfDirection": RDF_DIRECTION, **_options(loader)}, limits=limits)
    except jsonld.JsonLdError as err:
        raise CanonicalizationError(f"RDF canonicalization failed: {_describe(err)}") from err
    try:
        return nquads.encode("utf-8")
    except UnicodeEncodeError as err:  # "\ud800" in JSON: no UTF-8 for it, so nothing to hash
        raise CanonicalizationError(f"the document holds a string that is not Unicode text ({err.reason})") from err


def normalize(input_: Any, options: Mapping[str, Any], *, limits: RdfcLimits = DEFAULT_RDFC_LIMITS) -> str:
    """``jsonld.normalize(input_, {"algorithm": "URDNA2015", "format": "application/n-quads",
    **options})`` — the same two steps (JSON-LD to an RDF dataset, then RDFC-1.0) — with the
    canonicalizer bounded by ``limits``. For callers that bring their own loader and checks (the
    agent's Linked Data suites); :func:`rdf_canonize` is the safe way in.

    Raises:
        pyld.jsonld.JsonLdError: what ``jsonld.normalize`` raises.
        CanonicalizationLimitError (jsonld.too_complex): past ``limits``.
    """
    settings = {"produceGeneralizedRdf": False, "extractAllScripts": True, "processingMode": "json-ld-1.1", **options}
    settings.pop("format", None)
    dataset = jsonld.JsonLdProcessor().to_rdf(input_, settings)
    nquads: str = _BoundedURDNA2015(limits).main(dataset, {"format": "application/n-quads"})
    return nquads


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
