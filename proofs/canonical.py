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

Two engines compute the same bytes (``SHAHADA_CANONICALIZER`` selects the default; ``engine=``
per call):

* ``pyld``: the reference path above, as the project first shipped it: every canonicalization
  gets its own ``ContextResolver`` (pyld's module-level context cache is never used), so the
  pinned contexts are processed again on every call.
* ``native`` (the default): pyoxigraph (Rust) turns the document into RDF and runs RDFC-1.0,
  4–6× faster (``shahada.proofs.rdfc_native``). pyoxigraph has no safe mode, so safety is decided
  per document *shape* (:func:`_shape`): the document with every string that cannot change what
  expansion keeps or refuses replaced by a probe of the same kind (a literal, an IRI with the same
  scheme or prefix, a relative reference) and every number by another number. pyld checks the
  shape once, as above, with its processed contexts kept per loader, and records how many quads
  it yields; afterwards a document of that shape is canonicalized natively and must yield exactly
  that many quads (pyoxigraph drops what it cannot represent: a malformed IRI, a malformed
  language tag). Anything else (a shape pyld refuses, a quad count that differs, embedded
  contexts, JSON literals, a direction without a language, blank nodes that RDFC-1.0 cannot tell
  apart by their first-degree hashes, and so would need the bounded Hash N-Degree Quads) goes
  through the pyld path, which refuses or canonicalizes it as before. Small documents (proof
  configurations) are remembered: the same configuration is canonicalized once.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
from shahada.proofs import rdfc_native
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


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def require_max_depth(value: Any, limit: int = MAX_NESTING) -> None:
    """Raise CanonicalizationError (jsonld.invalid) if ``value`` nests objects/arrays deeper than
    ``limit``: the recursive canonicalizers would otherwise fail with a RecursionError."""
    # only containers are stacked: a container at ``depth`` with any member has members at depth + 1
    if limit < 0:
        raise CanonicalizationError(f"the document is nested deeper than {limit} levels")
    if not isinstance(value, (Mapping, list)):
        return
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        members = node.values() if isinstance(node, Mapping) else node
        if members and depth >= limit:
            raise CanonicalizationError(f"the document is nested deeper than {limit} levels")
        stack.extend((m, depth + 1) for m in members if type(m) not in _SCALARS and isinstance(m, (Mapping, list)))


def safe_expand(document: Mapping[str, Any], loader: DocumentLoader) -> list[Any]:
    """Expand ``document``, refusing anything expansion would silently lose.

    Raises:
        CanonicalizationError (jsonld.invalid): a JSON-LD error, an undefined term, a relative
            IRI, or nesting deeper than ``MAX_NESTING``; the original pyld error (which may wrap
            the loader's UnknownContextError) is the ``__cause__``.
    """
    return _safe_expand(document, _options(loader))


def _safe_expand(document: Mapping[str, Any], options: dict[str, Any]) -> list[Any]:
    require_max_depth(document)
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    try:
        expanded: list[Any] = processor.expand(dict(document), options)
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


ENGINES: Final = ("native", "pyld")
ENGINE_VARIABLE: Final = "SHAHADA_CANONICALIZER"


def default_engine(environ: Mapping[str, str] = os.environ) -> str:
    """The engine named by ``SHAHADA_CANONICALIZER`` (``native`` when unset).

    Raises:
        CanonicalizationError: an unknown engine name (a configuration mistake, caught at import).
    """
    engine = environ.get(ENGINE_VARIABLE) or "native"
    if engine not in ENGINES:
        raise CanonicalizationError(f"{ENGINE_VARIABLE}={engine!r}: the engines are {', '.join(ENGINES)}")
    return engine


DEFAULT_ENGINE: Final = default_engine()


def rdf_canonize(
    document: Mapping[str, Any], loader: DocumentLoader, *, limits: RdfcLimits = DEFAULT_RDFC_LIMITS, engine: str | None = None
) -> bytes:
    """The RDFC-1.0 canonical N-Quads of ``document``, UTF-8 encoded, after a safe expansion.

    ``engine`` (default :data:`DEFAULT_ENGINE`): ``native`` or ``pyld``, the same bytes (module
    docstring).

    Raises:
        CanonicalizationError (jsonld.invalid): see :func:`safe_expand`; also a string that is
            not Unicode text (a lone surrogate).
        CanonicalizationLimitError (jsonld.too_complex): past ``limits``.
    """
    if (engine or DEFAULT_ENGINE) == "pyld":
        return _pyld_canonize(document, loader, limits, _options(loader))
    return _native_state(loader).canonize(document, limits)


def _pyld_canonize(document: Mapping[str, Any], loader: DocumentLoader, limits: RdfcLimits, options: dict[str, Any]) -> bytes:
    expanded = _safe_expand(document, options)
    try:
        nquads = normalize(expanded, {"rdfDirection": RDF_DIRECTION, **options}, limits=limits)
    except jsonld.JsonLdError as err:
        raise CanonicalizationError(f"RDF canonicalization failed: {_describe(err)}") from err
    return _utf8(nquads)


def _utf8(nquads: str) -> bytes:
    try:
        return nquads.encode("utf-8")
    except UnicodeEncodeError as err:  # "\ud800" in JSON: no UTF-8 for it, so nothing to hash
        raise CanonicalizationError(f"the document holds a string that is not Unicode text ({err.reason})") from err


class _Unshaped(Exception):
    """The document is left to the pyld path (see the module docstring)."""


_PROBE: Final = "shahadaprobe"
_WHITE_SPACE: Final = re.compile(r"\s")
_SMALL_KEYS: Final = 8  # a proof configuration has 5 or 6 members
_REMEMBERED_MAX: Final = 512
_SHAPES_MAX: Final = 4096


@dataclass(slots=True)
class _Shaping:
    contexts: rdfc_native.ContextSet
    count: int = 0

    def _next(self) -> int:
        self.count += 1
        return self.count

    def probe_string(self, value: str, *, literal: bool = False) -> str:
        """A probe that expansion treats as it treats ``value`` wherever the string may stand: an
        IRI is absolute for pyld when a scheme (or ``_``) precedes the first colon and no white
        space follows (``jsonld._is_absolute_iri``); a compact IRI expands by its prefix unless
        ``//`` follows the colon; a term or a keyword expands as itself, so those stay as they are.
        ``literal``: the string is an ``@value``, where only its kind matters."""
        if value.startswith("@") or value in self.contexts.terms:
            return value  # a keyword or a term: may expand differently from any probe
        prefix, colon, rest = value.partition(":")
        if prefix == "_" and colon:
            return value  # a blank node identifier: which nodes are one node is the shape
        probe = f"{_PROBE}{self._next()}"
        if colon:
            probe = f"{prefix}:{'//' if rest.startswith('//') else ''}{probe}"  # same scheme or compact-IRI prefix
        if not literal and _WHITE_SPACE.search(rest if colon else value):
            probe += " "  # not an absolute IRI, even after @vocab
        return probe

    def value(self, value: Any, keyword: str | None, depth: int) -> Any:
        """``value`` as a shape; ``depth`` counts as :func:`require_max_depth` does."""
        kind = type(value)
        if kind is str:
            if keyword is None or keyword == "@id" or keyword == "@value":
                return self.probe_string(value, literal=keyword == "@value")
            if keyword == "@type" and value == "@json":
                raise _Unshaped("a JSON literal")
            return value  # @type, @language, @direction…: as is
        if kind is dict:
            return self.node(value, depth)
        if kind is list:
            if value and depth >= MAX_NESTING:
                raise CanonicalizationError(f"the document is nested deeper than {MAX_NESTING} levels")
            return [self.value(item, keyword, depth + 1) for item in value]
        if value is None or kind is bool:
            return value
        if kind is int:
            return self._next()
        if kind is float:
            if not math.isfinite(value) or float(f"{value:.15e}") != value:
                # pyld writes an xsd:double with 16 significant digits, pyoxigraph with as many as
                # it takes to read the same number back (up to 17)
                raise _Unshaped("a number JSON cannot hold, or one of 17 significant digits")
            return self._next() + 0.5
        raise _Unshaped(f"a {kind.__name__} value")  # not parsed JSON: the reference path decides

    def node(self, node: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
        if node and depth >= MAX_NESTING:
            raise CanonicalizationError(f"the document is nested deeper than {MAX_NESTING} levels")
        aliases = self.contexts.aliases
        json_terms = self.contexts.json_terms
        shaped: dict[str, Any] = {}
        keywords: set[str] = set()
        for key, value in node.items():
            if type(key) is not str:
                raise _Unshaped("a key that is not a string")
            keyword = key if key[:1] == "@" else aliases.get(key)
            if keyword is not None:
                if keyword == "@context":
                    raise _Unshaped("an embedded context")
                keywords.add(keyword)
            elif key in json_terms:
                raise _Unshaped("a JSON literal")
            shaped[key] = self.value(value, keyword, depth + 1)
        if "@direction" in keywords or "@language" in keywords:
            languages = [node[k] for k in node if (k if k.startswith("@") else aliases.get(k)) == "@language"]
            if ("@direction" in keywords and not languages) or not all(isinstance(tag, str) and tag == tag.lower() for tag in languages):
                # pyoxigraph drops a direction without a language, and the two write a tag that is
                # not in lower case differently
                raise _Unshaped("a language tag not in lower case, or a text direction without a language")
        return shaped


@dataclass(slots=True)
class _NativeState:
    """What the native engine keeps per document loader: the inlined contexts, the shapes pyld
    accepted (with their quad counts), the canonical form of small documents, and one pyld
    ContextResolver, so that pyld processes each pinned context once."""

    loader: DocumentLoader
    contexts: dict[str, rdfc_native.ContextSet | None] = field(default_factory=dict)
    shapes: dict[tuple[str, str], int | None] = field(default_factory=dict)
    remembered: dict[tuple[str, RdfcLimits], bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    resolver: Any = None

    def pyld_options(self) -> dict[str, Any]:
        if self.resolver is None:
            self.resolver = ContextResolver({}, self.loader)
        return {"documentLoader": self.loader, "contextResolver": self.resolver, "base": None}

    def reference(self, document: Mapping[str, Any], limits: RdfcLimits) -> bytes:
        with self.lock:  # pyld's processed-context caches are not thread-safe
            return _pyld_canonize(document, self.loader, limits, self.pyld_options())

    def context_set(self, key: str, context: Any) -> rdfc_native.ContextSet | None:
        if key not in self.contexts:
            try:
                found: rdfc_native.ContextSet | None = rdfc_native.context_set(context, self._load)
            except Exception:
                found = None
            self.contexts[key] = found if found is None or found.native else None
        return self.contexts[key]

    def _load(self, url: str) -> Mapping[str, Any]:
        return self.loader(url)

    def quads_of_shape(self, key: tuple[str, str], shaped: dict[str, Any]) -> int | None:
        """How many quads pyld makes of ``shaped`` (None: pyld refuses it)."""
        if key not in self.shapes:
            with self.lock:
                try:
                    expanded = _safe_expand(shaped, self.pyld_options())
                    settings = {"produceGeneralizedRdf": False, "rdfDirection": RDF_DIRECTION, **self.pyld_options()}
                    dataset = jsonld.JsonLdProcessor().to_rdf(expanded, settings)
                    count: int | None = sum(len(triples) for triples in dataset.values())
                except (CanonicalizationError, jsonld.JsonLdError):
                    count = None
            if len(self.shapes) >= _SHAPES_MAX:
                self.shapes.clear()
            self.shapes[key] = count
        return self.shapes[key]

    def canonize(self, document: Mapping[str, Any], limits: RdfcLimits) -> bytes:
        # a small flat document (a proof configuration) is remembered; nesting is checked while
        # shaping, or by the pyld path (require_max_depth)
        small = len(document) <= _SMALL_KEYS and all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v)) for v in document.values()
        )
        if small:
            try:
                text = json.dumps(document, sort_keys=True, ensure_ascii=False)
            except (TypeError, ValueError):
                return self.reference(document, limits)
            known = self.remembered.get((text, limits))
            if known is not None:
                return rdfc_native.remembered(known)
        canonical = self._canonize(document, limits)
        if small:
            if len(self.remembered) >= _REMEMBERED_MAX:
                self.remembered.clear()
            self.remembered[(text, limits)] = canonical
        return canonical

    def _canonize(self, document: Mapping[str, Any], limits: RdfcLimits) -> bytes:
        context = document.get("@context")
        if not isinstance(context, (str, list)) or not all(isinstance(c, str) for c in (context if isinstance(context, list) else [context])):
            return self.reference(document, limits)
        context_key = json.dumps(context)
        contexts = self.context_set(context_key, context)
        if contexts is None:
            return self.reference(document, limits)
        try:
            shaped = _Shaping(contexts).node({k: v for k, v in document.items() if k != "@context"})
        except _Unshaped:
            return self.reference(document, limits)
        expected = self.quads_of_shape((context_key, json.dumps(shaped, ensure_ascii=False)), {"@context": context, **shaped})
        if expected is None:
            return self.reference(document, limits)  # refuses it, or finds the probe was wrong about it
        try:
            dataset = rdfc_native.parse(rdfc_native.document_text(document, contexts))
        except UnicodeEncodeError as err:  # "\ud800" in JSON: no UTF-8 for it, so nothing to hash
            raise CanonicalizationError(f"the document holds a string that is not Unicode text ({err.reason})") from err
        except (SyntaxError, ValueError):
            return self.reference(document, limits)
        if len(dataset) != expected:
            return self.reference(document, limits)  # pyoxigraph dropped (or merged) something
        blank_nodes, distinguished = rdfc_native.blank_node_partition(dataset)
        if blank_nodes > limits.max_blank_nodes:
            raise CanonicalizationLimitError(f"the document has {blank_nodes} blank nodes; at most {limits.max_blank_nodes} are canonicalized")
        if not distinguished:
            return self.reference(document, limits)  # Hash N-Degree Quads needed: the bounded implementation
        nquads = rdfc_native.canonical_nquads(dataset)
        if "\\uFFF" in nquads:  # U+FFFE/U+FFFF, which pyoxigraph escapes and rdf-canonize and pyld do not
            return self.reference(document, limits)
        return _utf8(nquads)


_NATIVE_STATES: weakref.WeakKeyDictionary[Any, _NativeState] = weakref.WeakKeyDictionary()
_NATIVE_STATES_LOCK = threading.Lock()


def _native_state(loader: DocumentLoader) -> _NativeState:
    try:
        state = _NATIVE_STATES.get(loader)
    except TypeError:  # a loader that cannot be weakly referenced: nothing is kept between calls
        return _NativeState(loader)
    if state is None:
        with _NATIVE_STATES_LOCK:
            state = _NATIVE_STATES.setdefault(loader, _NativeState(loader))
    return state


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

    The JSON the project makes (string keys within the Basic Multilingual Plane, integers within
    ±2⁵³, fractional numbers between 10⁻⁴ and 10¹⁶) is serialized by ``json.dumps``, whose output
    is then exactly RFC 8785's (keys in code point order, which is UTF-16 order for such keys;
    the same string escapes; Python's shortest round-trip ``repr`` of such numbers is ECMAScript's
    ``Number.prototype.toString``); anything else by the ``rfc8785`` package.

    Raises:
        CanonicalizationError (jsonld.invalid): a value JCS cannot represent (NaN, huge integer…),
            or nesting deeper than ``MAX_NESTING``.
    """
    if _plain_json(value):
        try:
            return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (UnicodeEncodeError, ValueError, TypeError):
            pass  # a lone surrogate…: rfc8785 says what is wrong
    require_max_depth(value)
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as err:
        raise CanonicalizationError(f"JSON canonicalization failed: {err}") from err


_SAFE_INTEGER: Final = 2**53 - 1


def _plain_json(value: Any) -> bool:
    """Whether ``json.dumps`` writes ``value`` exactly as RFC 8785 does (see :func:`jcs`), nested
    at most ``MAX_NESTING`` levels (as :func:`require_max_depth` counts them)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        kind = type(node)
        if kind is str or node is None or kind is bool:
            continue
        if kind is int:
            if not -_SAFE_INTEGER <= node <= _SAFE_INTEGER:
                return False
        elif kind is float:
            magnitude = abs(node)
            if not (1e-4 <= magnitude < 1e16) or node.is_integer():
                return False
        elif kind is dict or kind is list:
            if node and depth >= MAX_NESTING:
                return False
            if kind is dict:
                for key in node:
                    if type(key) is not str or (not key.isascii() and max(key) > "\uffff"):
                        return False
                node = node.values()
            stack.extend((member, depth + 1) for member in node)
        else:
            return False
    return True


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
