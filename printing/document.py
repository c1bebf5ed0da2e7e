"""What a printed document shows: a view of the signed credential, ready for the templates.

Pure: no I/O, no typesetting. Every value comes from the credential itself (its bilingual labels
included), so the paper says exactly what the ministry signed; dates are printed ``DD/MM/YYYY``
and marks with a decimal comma, in Western digits on both sides, as the seal verifier shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from shahada.printing.qr import QUIET_ZONE, QRSymbol
from shahada.schemas.seal.content import format_mark

Kind = Literal["diploma", "transcript"]
_KINDS: Final = {"BaccalaureateDiploma": "diploma", "BaccalaureateTranscript": "transcript"}
CANDIDATE_TYPES: Final = {"scolarise": ("Candidat scolarisé", "مترشح ممدرس"), "libre": ("Candidat libre", "مترشح حر")}
EXAMS: Final = {
    "national": ("Examen national", "الامتحان الوطني"),
    "regional": ("Examen régional", "الامتحان الجهوي"),
}


@dataclass(frozen=True, slots=True)
class Text:
    """A bilingual value: French (left to right) and Arabic (right to left)."""

    fr: str
    ar: str


@dataclass(frozen=True, slots=True)
class Row:
    subject: Text
    coefficient: int
    mark: str


@dataclass(frozen=True, slots=True)
class ExamBlock:
    title: Text
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class PrintedDocument:
    """Everything a template prints for one diploma or transcript."""

    kind: Kind
    issuer: Text
    title: Text
    description: Text
    document_number: str
    issued: str
    family_name: Text
    given_name: Text
    birth_date: str
    birth_place: Text
    massar: str
    stream: Text
    option: Text | None
    session: Text
    session_year: int
    academy: Text
    general_average: str
    mention: Text | None
    candidate_type: Text | None
    exams: tuple[ExamBlock, ...]
    national_average: str | None
    regional_average: str | None
    continuous_average: str | None
    decision: Text | None
    qr_modules: str  # the QR code's modules row by row, quiet zone included: "1" dark, "0" light
    qr_side: int  # modules a side, quiet zone included
    qr_mm: float  # printed side, quiet zone included
    qr_version: int
    name_size: str  # "normal" | "long" | "very-long": a smaller type for long names, never a cut
    website: str | None = None  # the verification website in words, from the QR text's base URL



def printed_document(credential: Mapping[str, Any], qr: QRSymbol, *, module_mm: float, website: str | None = None) -> PrintedDocument:
    """The printed view of a signed baccalaureate credential with its seal's QR code.

    Raises:
        KeyError, ValueError: the credential lacks a printed field (the caller wraps them).
    """
    kind = next(_KINDS[t] for t in credential["type"] if t in _KINDS)
    s = credential["credentialSubject"]
    issued = dt.datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).astimezone(dt.UTC).date()
    exams: list[ExamBlock] = []
    if kind == "transcript":
        for exam, (fr, ar) in EXAMS.items():
            rows = tuple(
                Row(_text(r["subjectName"]), int(r["coefficient"]), format_mark(r["mark"])) for r in s["result"] if r["exam"] == exam
            )
            if rows:
                exams.append(ExamBlock(Text(fr, ar), rows))
    family, given = _text(s["familyName"]), _text(s["givenName"])
    longest = max(len(family.fr) + len(given.fr), len(family.ar) + len(given.ar))
    candidate = CANDIDATE_TYPES.get(s.get("candidateType", ""))
    return PrintedDocument(
        kind=kind,  # type: ignore[arg-type]
        issuer=_text(credential["issuer"]["name"]),
        title=_text(credential["name"]),
        description=_text(credential["description"]),
        document_number=s["documentNumber"],
        issued=_date(issued),
        family_name=family,
        given_name=given,
        birth_date=_date(dt.date.fromisoformat(s["birthDate"])),
        birth_place=_text(s["birthPlace"]),
        massar=s["massarCode"],
        stream=_text(s["stream"]["name"]),
        option=_text(s["option"]["name"]) if "option" in s else None,
        session=_text(s["session"]["name"]),
        session_year=int(s["session"]["year"]),
        academy=_text(s["academy"]["name"]),
        general_average=format_mark(s["generalAverage"]),
        mention=_text(s["mention"]["name"]) if "mention" in s else None,
        candidate_type=Text(*candidate) if candidate else None,
        exams=tuple(exams),
        national_average=format_mark(s["nationalAverage"]) if "nationalAverage" in s else None,
        regional_average=format_mark(s["regionalAverage"]) if "regionalAverage" in s else None,
        continuous_average=format_mark(s["continuousAverage"]) if "continuousAverage" in s else None,
        decision=_text(s["decision"]["name"]) if "decision" in s else None,
        qr_modules=qr.modules(),
        qr_side=qr.size + 2 * QUIET_ZONE,
        qr_mm=round(qr.side_mm(module_mm), 2),
        qr_version=qr.version,
        name_size="normal" if longest <= 40 else "long" if longest <= 64 else "very-long",
        website=website,
    )


def _text(values: list[Mapping[str, str]]) -> Text:
    by_language = {v["@language"]: v["@value"] for v in values}
    return Text(fr=by_language["fr"], ar=by_language["ar"])


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
