"""Fixtures of the printing tests: the golden credentials of tests/schemas/cases, sealed by a local key."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from shahada.printing.pdf import Renderer
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.text import seal_text
from tests.schemas.conftest import CASES, Case
from tests.support.local_sealer import PRODUCTION_BASE, LocalSealer


@pytest.fixture(scope="session")
def sealer() -> LocalSealer:
    return LocalSealer()


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


def longest_transcript() -> dict[str, Any]:
    """The 15-subject transcript of a candidate with the longest names of the cases."""
    cases = {case.name: case for case in CASES}
    long, fifteen = cases["long-names"], cases["fifteen-subjects"]
    fields = ("family_name_fr", "family_name_ar", "given_name_fr", "given_name_ar", "birth_place_fr", "birth_place_ar")
    record = dataclasses.replace(fifteen.record, **{f: getattr(long.record, f) for f in fields})
    return fifteen.build("transcript", record=record)


def documents() -> dict[str, dict[str, Any]]:
    """name → credential: the hardest layouts (longest names, 15 subjects, harakat, a free candidate)."""
    cases: dict[str, Case] = {case.name: case for case in CASES}
    return {
        "diploma-long-names": cases["long-names"].build("diploma"),
        "diploma-diacritics": cases["arabic-diacritics"].build("diploma"),
        "transcript-long-names-15-subjects": longest_transcript(),
        "transcript-free-candidate": cases["free-candidate"].build("transcript"),
        "transcript-ajourne": cases["ajourne"].build("transcript"),
    }


def seal_of(credential: dict[str, Any], sealer: LocalSealer) -> str:
    return seal_text(sealer.seal([SealContent.from_credential(credential)])[0], PRODUCTION_BASE)
