"""The native RDFC engine against Digital Bazaar's libraries, the reference implementations: the
eddsa-rdfc-2022 cryptosuite's own canonize (safe mode) on generated credentials, and rdf-canonize
on generated RDF datasets (issue 13)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from shahada.proofs import rdfc_native
from shahada.proofs.canonical import rdf_canonize
from shahada.proofs.errors import CanonicalizationError
from shahada.schemas.loader import PinnedDocumentLoader
from tests.interop.test_reference_verifier import node, pinned_contexts
from tests.proofs.test_native_canonical import generated_documents


def test_generated_credentials_canonicalize_as_the_reference_cryptosuite() -> None:
    loader = PinnedDocumentLoader()
    documents = list(generated_documents(300, seed=21))
    answers = node("canonize.mjs", {"documents": documents, "contexts": pinned_contexts()})
    outcomes: Counter[str] = Counter()
    for document, answer in zip(documents, answers, strict=True):
        if not _javascript_numbers(document):
            outcomes["not comparable"] += 1
            continue
        try:
            ours: str | None = rdf_canonize(document, loader, engine="native").decode("utf-8")
        except CanonicalizationError:
            ours = None
        if ours is None or isinstance(answer, dict):
            outcomes["refused by " + ("both" if ours is None and isinstance(answer, dict) else "shahada" if ours is None else "reference")] += 1
            continue
        if rdf_canonize(document, loader, engine="pyld").decode("utf-8") != answer:
            # pyld and the reference already differ (an xsd:decimal of 1e-07…): the native engine
            # gives pyld's bytes there (tests/proofs/test_native_canonical.py)
            outcomes["pyld differs"] += 1
            continue
        assert ours == answer, document
        outcomes["equal"] += 1
    assert outcomes["equal"] > 50 and outcomes["pyld differs"] < 20 and not outcomes["refused by reference"], outcomes


def test_control_characters_are_escaped_as_rdf_canonize_does() -> None:
    """rdf-canonize (and pyoxigraph) write U+0000–U+001F but tab, line feed and carriage return,
    and U+007F, as ``\\uXXXX`` (``\\b``, ``\\f``) escapes; pyld writes them as they are, so the
    reference path disagrees with the reference implementation there. The native path agrees.
    (No credential the ministry issues holds one: the PV reader refuses control characters.)"""
    loader = PinnedDocumentLoader()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://diplomes.men.gov.ma/contexts/baccalaureate/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "name": "a\x00\x01\x08\x0b\x0c\x1f\x7f\t\n\rz",
    }
    [answer] = node("canonize.mjs", {"documents": [document], "contexts": pinned_contexts()})
    assert rdf_canonize(document, loader, engine="native").decode("utf-8") == answer
    assert rdf_canonize(document, loader, engine="pyld").decode("utf-8") != answer


def _javascript_numbers(value: Any) -> bool:
    """Whether every integer in ``value`` is one a JavaScript number holds exactly (the reference
    reads JSON numbers as doubles)."""
    if isinstance(value, dict):
        return all(_javascript_numbers(v) for v in value.values())
    if isinstance(value, list):
        return all(_javascript_numbers(v) for v in value)
    return not (isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53)


def random_dataset(rng: random.Random) -> str:
    nodes = [f"_:b{i}" for i in range(rng.randint(1, 8))]
    iris = ["<https://example.org/a>", "<https://example.org/b>"]
    literals = ['"x"', '"y"@fr', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"é\\n\\"q\\""']
    lines = set()
    for _ in range(rng.randint(1, 14)):
        subject = rng.choice(nodes + iris)
        obj = rng.choice(nodes + iris + literals)
        graph = rng.choice(["", "", " <https://example.org/g>", " " + rng.choice(nodes)])
        lines.add(f"{subject} <https://example.org/p{rng.randint(0, 2)}> {obj}{graph} .\n")
    return "".join(sorted(lines))


def test_generated_graphs_canonicalize_as_rdf_canonize() -> None:
    """pyoxigraph's RDFC-1.0 equals rdf-canonize on every generated dataset. pyld's does not on
    about a third of them (blank nodes that refer to themselves, named graphs): the native engine
    only canonicalizes datasets whose blank nodes the first-degree hashes tell apart, and the
    credentials the project makes have neither; see docs/credentials.md."""
    rng = random.Random(9)
    datasets = [random_dataset(rng) for _ in range(400)]
    answers: list[Any] = node("canonize-nquads.mjs", {"datasets": datasets})
    pyld_differs = 0
    for text, answer in zip(datasets, answers, strict=True):
        dataset = ox.Dataset(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))
        assert rdfc_native.canonical_nquads(dataset) == answer, text
        reference = jsonld.normalize(text, {"algorithm": "URDNA2015", "inputFormat": "application/n-quads", "format": "application/n-quads"})
        pyld_differs += reference != answer
    assert pyld_differs < len(datasets) // 2
