"""Fixtures of the schemas tests: hand-made PV records as data, the real loader, the real contexts.

Each folder of ``cases/`` is one candidate: ``input.json`` (the PV record, the year, the issuance
time) and the golden credentials it must yield (``diploma.json`` when admitted, ``transcript.json``).
A test that takes a ``case`` argument runs once per folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shahada.schemas.credential import IssuerProfile, Kind, build_diploma, build_transcript
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.schemas.records import PVRecord, SubjectMark
from shahada.schemas.reference import Reference, bundled_reference

CASES_DIR = Path(__file__).parent / "cases"
ISSUER = IssuerProfile(did="did:web:diplomes.men.gov.ma")
SECRET = b"shahada tests: not the ministry's id secret, 32+ bytes"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


def record_from_json(raw: dict[str, Any]) -> PVRecord:
    """A PVRecord from its JSON form (decimals and dates as strings)."""

    def dec(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    fields = dict(raw)
    fields["birth_date"] = date.fromisoformat(raw["birth_date"])
    for name in ("national_average", "regional_average", "continuous_average", "general_average"):
        fields[name] = dec(raw[name])
    fields["marks"] = tuple(
        SubjectMark(subject=m["subject"], exam=m["exam"], coefficient=m["coefficient"], mark=Decimal(m["mark"]))
        for m in raw["marks"]
    )
    return PVRecord(**fields)


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    record: PVRecord
    year: int
    issued_at: datetime

    def kinds(self) -> tuple[Kind, ...]:
        return ("diploma", "transcript") if self.record.admitted else ("transcript",)

    def build(self, kind: Kind, **overrides: Any) -> dict[str, Any]:
        build = build_diploma if kind == "diploma" else build_transcript
        arguments: dict[str, Any] = {
            "issuer": ISSUER,
            "year": self.year,
            "issued_at": self.issued_at,
            "secret": SECRET,
            "reference": bundled_reference(),
            "extra_contexts": (ED25519_2020,),
        }
        arguments.update(overrides)
        record = arguments.pop("record", self.record)
        return build(record, **arguments)

    def credentials(self) -> dict[Kind, dict[str, Any]]:
        return {kind: self.build(kind) for kind in self.kinds()}


def load_case(folder: Path) -> Case:
    raw = json.loads((folder / "input.json").read_text(encoding="utf-8"))
    return Case(
        name=folder.name,
        folder=folder,
        record=record_from_json(raw["record"]),
        year=raw["year"],
        issued_at=datetime.fromisoformat(raw["issued_at"]),
    )


CASES = [load_case(folder) for folder in sorted(CASES_DIR.iterdir()) if (folder / "input.json").is_file()]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", CASES, ids=[case.name for case in CASES])


@pytest.fixture(scope="session")
def loader() -> PinnedDocumentLoader:
    """The real pinned loader over the real manifest (digests checked)."""
    return PinnedDocumentLoader()


@pytest.fixture(scope="session")
def reference() -> Reference:
    return bundled_reference()


@pytest.fixture
def fifteen() -> dict[str, Any]:
    """The 15-subject transcript."""
    case = next(case for case in CASES if case.name == "fifteen-subjects")
    assert len(case.record.marks) == 15
    return case.build("transcript")


@pytest.fixture(scope="session")
def cases() -> dict[str, Case]:
    """Every case by folder name, for tests that start from one record and change it."""
    return {case.name: case for case in CASES}


@pytest.fixture(scope="session")
def secret() -> bytes:
    return SECRET


@pytest.fixture(scope="session")
def issuer_profile() -> IssuerProfile:
    return ISSUER
