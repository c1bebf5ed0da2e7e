"""The RDFC-1.0 work limits agree with the reference: Digital Bazaar's rdf-canonize (its default
``maxWorkFactor`` 1, through the eddsa-rdfc-2022 cryptosuite's canonize) refuses the poison graphs
that ``shahada.proofs.canonical.rdf_canonize`` refuses with ``jsonld.too_complex``, and both
canonicalize the genuine documents to the same N-Quads (issue 17, finding 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shahada.proofs.canonical import RdfcLimits, rdf_canonize
from shahada.proofs.errors import CanonicalizationLimitError
from shahada.schemas.loader import PinnedDocumentLoader
from tests.interop.test_reference_verifier import node, pinned_contexts
from tests.support.attacks import poison_graph

CASES = Path(__file__).resolve().parents[1] / "schemas" / "cases"


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    return [json.loads((CASES / "option-fr" / name).read_text(encoding="utf-8")) for name in ("diploma.json", "transcript.json")]


def test_the_reference_and_shahada_refuse_the_same_poison_graphs(documents: list[dict[str, Any]]) -> None:
    loader = PinnedDocumentLoader()
    poisoned = [poison_graph(documents[0], n) for n in (2, 3, 8)]
    answers = node("canonize.mjs", {"documents": [*documents, *poisoned], "contexts": pinned_contexts()})
    for document, answer in zip(documents, answers[:2], strict=True):
        assert answer == rdf_canonize(document, loader).decode("utf-8")
    for document, answer in zip(poisoned, answers[2:], strict=True):
        assert isinstance(answer, dict) and "Maximum deep iterations" in answer["error"], answer
        with pytest.raises(CanonicalizationLimitError) as raised:
            rdf_canonize(document, loader)
        assert raised.value.code == "jsonld.too_complex"


def test_every_limit_is_enforced(documents: list[dict[str, Any]]) -> None:
    loader = PinnedDocumentLoader()
    genuine = rdf_canonize(documents[1], loader)
    assert genuine == rdf_canonize(documents[1], loader, limits=RdfcLimits(max_deep_calls=0, max_permutations=0))
    with pytest.raises(CanonicalizationLimitError, match="blank nodes"):
        rdf_canonize(documents[1], loader, limits=RdfcLimits(max_blank_nodes=3))
    # a generous work factor lets the clique of 3 through the call limit; the permutations stop it
    with pytest.raises(CanonicalizationLimitError):
        rdf_canonize(poison_graph(documents[0], 3), loader, limits=RdfcLimits(max_work_factor=3, max_permutations=2))
    assert rdf_canonize(poison_graph(documents[0], 3), loader, limits=RdfcLimits(max_work_factor=3))
