"""JSON-LD to RDF and RDFC-1.0 in native code (pyoxigraph, Rust), as fast building blocks for
:func:`shahada.proofs.canonical.rdf_canonize`, which decides when they may be used.

pyoxigraph implements JSON-LD 1.1 toRdf and RDFC-1.0 4–6× faster than pyld, but differs from
the reference path in ways that matter for signatures, each handled here or by the caller:

- no document loader: the pinned contexts are inlined (:class:`ContextSet`); a context that
  would need anything a loader does beyond that (``@import``, ``@base``) is not inlined;
- it keeps ``@direction`` as a directional language tag: :func:`parse` maps it to the
  ``https://www.w3.org/ns/i18n#<language>_<direction>`` datatype, what pyld's ``rdfDirection:
  "i18n-datatype"`` produces; a direction without a language, which pyoxigraph drops, and
  contexts that set a default direction are left to pyld (:attr:`ContextSet.native`);
- no safe mode: it silently drops undefined terms, relative IRIs, malformed IRIs and malformed
  language tags. The caller checks the document's shape with pyld first and compares the number
  of quads with the one pyld found for that shape (``shahada.proofs.canonical``);
- no work limit: :func:`blank_node_partition` tells the caller whether RDFC-1.0 will need any
  Hash N-Degree Quads call; when it would, the caller uses the bounded pyld canonicalizer.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

I18N = "https://www.w3.org/ns/i18n#"
MAX_CONTEXT_DEPTH = 10  # nested context references inlined, as pyld's MAX_CONTEXT_URLS


class NativeUnsupportedError(Exception):
    """The native path cannot reproduce the reference here: use pyld."""


Loader = Callable[[str], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class ContextSet:
    """A document's top-level ``@context`` with every remote context inlined, and what the shape
    check needs to know about the terms it defines.

    Attributes:
        text: the inlined ``@context`` value, JSON text.
        aliases: term → keyword for every keyword alias (``id`` → ``@id``, ``type`` → ``@type``).
        terms: every term any of the contexts defines (scoped contexts included).
        json_terms: terms with ``"@type": "@json"`` (JSON literals: left to pyld).
        native: False when the contexts do something the native path does not reproduce
            (a default or per-term ``@direction`` or ``@language``, a language map, an alias of
            ``@direction`` or ``@language``).
    """

    text: str
    aliases: Mapping[str, str]
    terms: frozenset[str]
    json_terms: frozenset[str]
    native: bool


def _inline(context: Any, loader: Loader, depth: int) -> Any:
    if depth > MAX_CONTEXT_DEPTH:
        raise NativeUnsupportedError("contexts nested too deep to inline")
    if isinstance(context, str):
        loaded = loader(context)["document"]
        if not isinstance(loaded, Mapping) or "@context" not in loaded:
            raise NativeUnsupportedError(f"{context} is not a JSON-LD context document")
        return _inline(loaded["@context"], loader, depth + 1)
    if isinstance(context, list):
        return [_inline(c, loader, depth) for c in context]
    if isinstance(context, Mapping):
        if "@import" in context or "@base" in context:  # a remote context's @base is ignored: not the same inlined
            raise NativeUnsupportedError("a context with @import or @base")
        out: dict[str, Any] = {}
        for key, value in context.items():
            if isinstance(value, Mapping) and "@context" in value:
                value = {**value, "@context": _inline(value["@context"], loader, depth + 1)}
            out[key] = value
        return out
    return context


def _walk_definitions(context: Any, aliases: dict[str, str], terms: set[str], json_terms: set[str]) -> bool:
    """Collect the terms of an inlined context; False if it sets or aliases a direction/language."""
    native = True
    for ctx in context if isinstance(context, list) else [context]:
        if not isinstance(ctx, Mapping):
            continue
        if "@direction" in ctx or "@language" in ctx:  # a default direction or language
            native = False
        for term, definition in ctx.items():
            if term.startswith("@"):
                continue
            terms.add(term)
            target = definition.get("@id") if isinstance(definition, Mapping) else definition
            if isinstance(target, str) and target.startswith("@"):
                aliases[term] = target
                if target in ("@direction", "@language"):
                    native = False
            if isinstance(definition, Mapping):
                if definition.get("@type") == "@json":
                    json_terms.add(term)
                container = definition.get("@container")
                if "@direction" in definition or "@language" in definition or container == "@language" or (isinstance(container, list) and "@language" in container):
                    native = False  # a term's own direction or language, or a language map
                if "@context" in definition:
                    native = _walk_definitions(definition["@context"], aliases, terms, json_terms) and native
    return native


def context_set(context: Any, loader: Loader) -> ContextSet:
    """Inline ``context`` (a document's top-level ``@context``) with ``loader``.

    Raises:
        NativeUnsupportedError: the contexts cannot be inlined faithfully.
        whatever ``loader`` raises for an unknown URL.
    """
    inlined = _inline(context, loader, 0)
    aliases: dict[str, str] = {}
    terms: set[str] = set()
    json_terms: set[str] = set()
    native = _walk_definitions(inlined, aliases, terms, json_terms)
    text = json.dumps(inlined, ensure_ascii=False, separators=(",", ":"))
    return ContextSet(text, aliases, frozenset(terms), frozenset(json_terms), native)


def document_text(document: Mapping[str, Any], contexts: ContextSet) -> str:
    """The JSON text of ``document`` with its ``@context`` inlined."""
    body = json.dumps({k: v for k, v in document.items() if k != "@context"}, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return '{"@context":' + contexts.text + ("," + body[1:] if len(body) > 2 else "}")


def _literal(term: Any) -> Any:
    direction = term.direction
    if direction is None:
        return term
    return ox.Literal(term.value, datatype=ox.NamedNode(f"{I18N}{term.language}_{direction.value}"))


def parse(text: str) -> ox.Dataset:
    """The RDF dataset of a JSON-LD document (JSON text), directions as i18n datatypes.

    Raises:
        SyntaxError: pyoxigraph refused the document.
    """
    quads = []
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.JSON_LD, lenient=True):
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.direction is not None:
            quad = ox.Quad(quad.subject, quad.predicate, _literal(obj), quad.graph_name)
        quads.append(quad)
    return ox.Dataset(quads)


def blank_node_partition(dataset: ox.Dataset) -> tuple[int, bool]:
    """The number of blank nodes, and whether their first-degree signatures (RDFC-1.0 §4.6: the
    quads that mention the node, itself as ``_:a`` and any other blank node as ``_:z``; here as
    multisets of terms rather than hashes of N-Quads text, the same partition) all differ, in
    which case RDFC-1.0 makes no Hash N-Degree Quads call."""
    mentions: dict[Any, list[tuple[Any, ...]]] = {}
    for quad in dataset:
        s, o, g = quad.subject, quad.object, quad.graph_name
        bs, bo, bg = isinstance(s, ox.BlankNode), isinstance(o, ox.BlankNode), isinstance(g, ox.BlankNode)
        if not (bs or bo or bg):
            continue
        p = quad.predicate
        for node in {n for n, blank in ((s, bs), (o, bo), (g, bg)) if blank}:
            mentions.setdefault(node, []).append(
                (
                    ("a" if s == node else "z") if bs else s,
                    p,
                    ("a" if o == node else "z") if bo else o,
                    ("a" if g == node else "z") if bg else g,
                )
            )
    signatures = {frozenset(Counter(quads).items()) for quads in mentions.values()}
    return len(mentions), len(signatures) == len(mentions)


def canonical_nquads(dataset: ox.Dataset) -> str:
    """RDFC-1.0 canonical N-Quads (blank nodes relabelled ``c14nN``, lines in code point order)."""
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return "".join(sorted(f"{quad} .\n" for quad in dataset))


def remembered(canonical: bytes) -> bytes:
    """A canonical form computed earlier for the very same document (the caller's memory of small
    documents); a function of its own so that tests count it as a canonicalization."""
    return canonical
