"""Validated deliberation records (PV): the typed input of credential building.

A :class:`PVRecord` is one candidate's line of a procès-verbal des délibérations after every check
of ``shahada.issuer.pv.reader`` passed. Building credentials (``shahada.schemas.credential``) takes these, never raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

SessionKind = Literal["normale", "rattrapage"]
CandidateType = Literal["scolarise", "libre"]
Decision = Literal["admis", "ajourne", "rattrapage"]
Exam = Literal["national", "regional"]


@dataclass(frozen=True, slots=True)
class SubjectMark:
    """A mark out of 20 (two decimals) in one subject, with its coefficient in the candidate's stream."""

    subject: str  # code from schemas/reference/subjects.json
    exam: Exam
    coefficient: int
    mark: Decimal


@dataclass(frozen=True, slots=True)
class PVRecord:
    row: int  # line number in the source file (the header is line 1)
    massar: str  # Code Massar: one letter + nine digits
    cin: str | None
    family_name_fr: str
    given_name_fr: str
    family_name_ar: str
    given_name_ar: str
    birth_date: date
    birth_place_fr: str
    birth_place_ar: str
    stream: str  # code from schemas/reference/streams.json
    option: str | None  # "FR", "EN", "ES" or None
    academy: str  # code from schemas/reference/academies.json
    session: SessionKind
    candidate_type: CandidateType
    national_average: Decimal
    regional_average: Decimal
    continuous_average: Decimal | None  # None for free candidates
    general_average: Decimal
    mention: str | None  # "P", "AB", "B", "TB"; None unless admitted
    decision: Decision
    marks: tuple[SubjectMark, ...]

    @property
    def admitted(self) -> bool:
        return self.decision == "admis"


@dataclass(frozen=True, slots=True)
class Session:
    """A national session: the year, and the wave (normale or rattrapage) is per record."""

    year: int

    @property
    def name(self) -> str:
        return str(self.year)
