"""Unsigned baccalaureate credentials built from one PV record (W3C VC Data Model 2.0).

Pure functions: no I/O, no clock, no randomness. The issuance time, the issuer, the reference data
and the ministry's id secret are arguments, so one record always yields the same credential.

Spec anchors:

- VC DM 2.0 "Contexts", "Identifiers", "Types", "Names and Descriptions", "Issuer",
  "Credential Subject", "Validity Period" and "Data Schemas" (``credentialSchema`` of type
  ``JsonSchema``); §11.1 "Language and Base Direction" for the bilingual values
  ``{"@value", "@language", "@direction"}``.
- JSON-LD 1.1 §4.2.4 "String Internationalization" (language-tagged values, base direction); the
  terms are defined by ``schemas/contexts/baccalaureate-v1.jsonld``.
- Ids and printed numbers come from ``shahada.schemas.identifiers`` (HMAC-SHA256 UUIDv8, Crockford Base32),
  re-exported here.

Shape, chosen to keep blank nodes few (one per nested object, see ``tests/schemas/test_context.py``):
coded values (stream, option, session, academy, mention, decision) are one flat object each
(``code`` + bilingual ``name``), a subject result is one flat object, and nothing else nests.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from shahada.schemas.errors import CredentialBuildError
from shahada.schemas.identifiers import (
    MIN_SECRET_BYTES,
    Kind,
    check_year,
    credential_id,
    document_number,
    normalize_document_number,
)
from shahada.schemas.reference import Label, Reference

if TYPE_CHECKING:
    from shahada.schemas.records import PVRecord

__all__ = [
    "BACCALAUREATE_CONTEXT",
    "CREDENTIALS_V1_CONTEXT",
    "CREDENTIALS_V2_CONTEXT",
    "WALLET_VCDM1_CONTEXT",
    "DIPLOMA_KEY_FRAGMENT",
    "DIPLOMA_SCHEMA_ID",
    "MINISTRY_TYPES",
    "PROTECTED_CONTEXTS",
    "MINISTRY_NAME",
    "MIN_SECRET_BYTES",
    "TRANSCRIPT_SCHEMA_ID",
    "IssuerProfile",
    "Kind",
    "build_diploma",
    "build_transcript",
    "wallet_profile",
    "credential_id",
    "document_number",
    "normalize_document_number",
]

CREDENTIALS_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
BACCALAUREATE_CONTEXT: Final = "https://diplomes.men.gov.ma/contexts/baccalaureate/v1"
CREDENTIALS_V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
WALLET_VCDM1_CONTEXT: Final = "https://diplomes.men.gov.ma/contexts/wallet-vcdm1/v1"
DIPLOMA_SCHEMA_ID: Final = "https://diplomes.men.gov.ma/schemas/baccalaureate-diploma/v1.json"
TRANSCRIPT_SCHEMA_ID: Final = "https://diplomes.men.gov.ma/schemas/baccalaureate-transcript/v1.json"

MINISTRY_NAME: Final = Label(
    fr="Royaume du Maroc — Ministère de l'Éducation nationale, du Préscolaire et des Sports",
    ar="المملكة المغربية — وزارة التربية الوطنية والتعليم الأولي والرياضة",
)
_TITLES: Final[dict[str, Label]] = {
    "diploma": Label(fr="Diplôme du baccalauréat", ar="شهادة البكالوريا"),
    "transcript": Label(fr="Relevé de notes du baccalauréat", ar="كشف نقط البكالوريا"),
}
_TYPES: Final = {"diploma": "BaccalaureateDiploma", "transcript": "BaccalaureateTranscript"}
# What only the ministry's diploma key signs: the generic VC API issuer refuses these types and
# contexts, and verifiers require the key ``<did>#key-1`` for credentials of these types.
MINISTRY_TYPES: Final = frozenset(_TYPES.values())
PROTECTED_CONTEXTS: Final = frozenset({BACCALAUREATE_CONTEXT, WALLET_VCDM1_CONTEXT})
DIPLOMA_KEY_FRAGMENT: Final = "key-1"
_SCHEMAS: Final = {"diploma": DIPLOMA_SCHEMA_ID, "transcript": TRANSCRIPT_SCHEMA_ID}
_CANDIDATE_TYPES: Final = ("scolarise", "libre")
_EXAMS: Final = ("national", "regional")

_MASSAR: Final = re.compile(r"[A-Z][0-9]{9}")
_DID: Final = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%-]+")
_URL: Final = re.compile(r"https://[^\s]+")
_TWO_PLACES: Final = Decimal("0.01")
_MARKS: Final[dict[Decimal, str]] = {}  # the 2,001 valid marks, as they are met (every document repeats them)
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc


@dataclass(frozen=True, slots=True)
class IssuerProfile:
    """The issuer as it appears in ``issuer``: the ministry's DID and its bilingual name."""

    did: str
    name: Label = MINISTRY_NAME

    def __post_init__(self) -> None:
        if not _DID.fullmatch(self.did):
            raise CredentialBuildError(f"issuer DID {self.did!r} is not a DID")


def build_diploma(
    record: PVRecord,
    *,
    issuer: IssuerProfile,
    year: int,
    issued_at: datetime,
    secret: bytes,
    reference: Reference,
    extra_contexts: Sequence[str] = (),
) -> dict[str, Any]:
    """The unsigned diploma (type ``BaccalaureateDiploma``) of an admitted candidate.

    Args:
        record: one validated PV line.
        issuer: the ministry's DID and name.
        year: the session's year.
        issued_at: the issuance time (timezone-aware); ``validFrom``, to the second, in UTC.
        secret: the ministry's id secret (see ``credential_id``).
        reference: labels of streams, options, academies, subjects, mentions, sessions.
        extra_contexts: contexts placed between the VC v2 context and the baccalaureate context,
            e.g. the Ed25519Signature2020 suite context the signer needs.

    Returns:
        A JSON-ready dict that validates against ``schemas/json/baccalaureate-diploma-v1.json``.

    Raises:
        CredentialBuildError: ``credential.build`` if the candidate was not admitted, a code is
            unknown to the reference data, or a value is malformed.
    """
    if not record.admitted:
        raise CredentialBuildError(f"PV row {record.row}: a diploma is only issued to an admitted candidate (decision {record.decision!r})")
    subject = _identity(record)
    subject.update(_schooling(record, year, reference))
    subject["generalAverage"] = _mark(record.general_average, "general average", record.row)
    subject["mention"] = _mention(record, reference)
    return _credential("diploma", record, subject, issuer, year, issued_at, secret, reference, extra_contexts)


def build_transcript(
    record: PVRecord,
    *,
    issuer: IssuerProfile,
    year: int,
    issued_at: datetime,
    secret: bytes,
    reference: Reference,
    extra_contexts: Sequence[str] = (),
) -> dict[str, Any]:
    """The unsigned transcript (type ``BaccalaureateTranscript``) of any candidate.

    Same arguments as ``build_diploma``. Adds the decision, the candidate type, one ``result`` per
    subject and exam, and the national, regional and (for schooled candidates only)
    continuous-assessment averages. The mention appears only for an admitted candidate.

    Returns:
        A JSON-ready dict that validates against ``schemas/json/baccalaureate-transcript-v1.json``.

    Raises:
        CredentialBuildError: ``credential.build`` for an unknown code, a malformed value, a
            duplicated subject, or averages that do not fit the candidate type.
    """
    row = record.row
    subject = _identity(record)
    if record.candidate_type not in _CANDIDATE_TYPES:
        raise CredentialBuildError(f"PV row {row}: unknown candidate type {record.candidate_type!r}")
    subject["candidateType"] = record.candidate_type
    subject.update(_schooling(record, year, reference))
    subject["result"] = _results(record, reference)
    subject["nationalAverage"] = _mark(record.national_average, "national average", row)
    subject["regionalAverage"] = _mark(record.regional_average, "regional average", row)
    if record.candidate_type == "scolarise":
        if record.continuous_average is None:
            raise CredentialBuildError(f"PV row {row}: a schooled candidate needs a continuous-assessment average")
        subject["continuousAverage"] = _mark(record.continuous_average, "continuous average", row)
    elif record.continuous_average is not None:
        raise CredentialBuildError(f"PV row {row}: a free candidate has no continuous-assessment average")
    subject["generalAverage"] = _mark(record.general_average, "general average", row)
    if record.admitted:
        subject["mention"] = _mention(record, reference)
    elif record.mention is not None:
        raise CredentialBuildError(f"PV row {row}: a mention is only awarded to an admitted candidate")
    subject["decision"] = _coded(record.decision, reference.decisions, "decision", row)
    return _credential("transcript", record, subject, issuer, year, issued_at, secret, reference, extra_contexts)


def _credential(
    kind: Kind,
    record: PVRecord,
    subject: dict[str, Any],
    issuer: IssuerProfile,
    year: int,
    issued_at: datetime,
    secret: bytes,
    reference: Reference,
    extra_contexts: Sequence[str],
) -> dict[str, Any]:
    cid = credential_id(record.massar, year, record.session, kind, secret=secret)
    subject["documentNumber"] = document_number(cid, kind, year)
    title = _TITLES[kind]
    session = _label(reference.sessions, record.session, "session", record.row)
    return {
        "@context": [CREDENTIALS_V2_CONTEXT, *_extra_contexts(extra_contexts), BACCALAUREATE_CONTEXT],
        "id": cid,
        "type": ["VerifiableCredential", _TYPES[kind]],
        "issuer": {"id": issuer.did, "name": _bilingual(issuer.name)},
        "validFrom": _timestamp(issued_at),
        "name": _bilingual(title),
        "description": _bilingual(Label(fr=f"{title.fr} — {session.fr} {year}", ar=f"{title.ar} — {session.ar} {year}")),
        "credentialSchema": {"id": _SCHEMAS[kind], "type": "JsonSchema"},
        "credentialSubject": subject,
    }


def _identity(record: PVRecord) -> dict[str, Any]:
    row = record.row
    if not _MASSAR.fullmatch(record.massar):
        raise CredentialBuildError(f"PV row {row}: Code Massar must be one capital letter followed by nine digits")
    return {
        "massarCode": record.massar,
        "familyName": _names(record.family_name_fr, record.family_name_ar, "family name", row),
        "givenName": _names(record.given_name_fr, record.given_name_ar, "given name", row),
        "birthDate": record.birth_date.isoformat(),
        "birthPlace": _names(record.birth_place_fr, record.birth_place_ar, "birth place", row),
    }


def _schooling(record: PVRecord, year: int, reference: Reference) -> dict[str, Any]:
    """Stream, option (if any), session and academy: what both documents say about the exam."""
    row = record.row
    check_year(year)
    stream = reference.streams.get(record.stream)
    if stream is None:
        raise CredentialBuildError(f"PV row {row}: unknown stream {record.stream!r}")
    out: dict[str, Any] = {"stream": {"code": stream.code, "name": _bilingual(stream.name)}}
    if record.option is not None:
        if record.option not in stream.options:
            raise CredentialBuildError(f"PV row {row}: stream {stream.code} has no option {record.option!r}")
        out["option"] = _coded(record.option, reference.options, "option", row)
    session = _coded(record.session, reference.sessions, "session", row)
    out["session"] = {"year": year, **session}
    out["academy"] = _coded(record.academy, reference.academies, "academy", row)
    return out


def _results(record: PVRecord, reference: Reference) -> list[dict[str, Any]]:
    """One flat object per (subject, exam), in the PV's order."""
    row = record.row
    if not record.marks:
        raise CredentialBuildError(f"PV row {row}: a transcript needs at least one subject mark")
    seen: set[tuple[str, str]] = set()
    results = []
    for mark in record.marks:
        if mark.exam not in _EXAMS:
            raise CredentialBuildError(f"PV row {row}: unknown exam {mark.exam!r}")
        if (mark.subject, mark.exam) in seen:
            raise CredentialBuildError(f"PV row {row}: subject {mark.subject} appears twice in the {mark.exam} exam")
        seen.add((mark.subject, mark.exam))
        coefficient = mark.coefficient
        if isinstance(coefficient, bool) or not isinstance(coefficient, int) or not 1 <= coefficient <= 20:
            raise CredentialBuildError(f"PV row {row}: coefficient of {mark.subject} must be an integer in 1..20")
        results.append(
            {
                "subjectCode": mark.subject,
                "subjectName": _bilingual(_label(reference.subjects, mark.subject, "subject", row)),
                "exam": mark.exam,
                "coefficient": mark.coefficient,
                "mark": _mark(mark.mark, f"mark in {mark.subject}", row),
            }
        )
    return results


def _mention(record: PVRecord, reference: Reference) -> dict[str, Any]:
    if record.mention is None:
        raise CredentialBuildError(f"PV row {record.row}: an admitted candidate needs a mention")
    try:
        mention = reference.mention(record.mention)
    except KeyError:
        raise CredentialBuildError(f"PV row {record.row}: unknown mention {record.mention!r}") from None
    return {"code": mention.code, "name": _bilingual(mention.name)}


def _coded(code: str, labels: dict[str, Label], what: str, row: int) -> dict[str, Any]:
    return {"code": code, "name": _bilingual(_label(labels, code, what, row))}


def _label(labels: dict[str, Label], code: str, what: str, row: int) -> Label:
    try:
        return labels[code]
    except KeyError:
        raise CredentialBuildError(f"PV row {row}: unknown {what} {code!r}") from None


def _names(fr: str, ar: str, what: str, row: int) -> list[dict[str, str]]:
    return [_fr(_text(fr, f"{what} (Latin script)", row)), _ar(_text(ar, f"{what} (Arabic script)", row))]


def _bilingual(label: Label) -> list[dict[str, str]]:
    fr, ar = _nfc_label(label)
    return [_fr(fr), _ar(ar)]


@lru_cache(maxsize=4096)
def _nfc_label(label: Label) -> tuple[str, str]:
    """A reference label in NFC (labels are few and every credential repeats them)."""
    return unicodedata.normalize("NFC", label.fr), unicodedata.normalize("NFC", label.ar)


def _fr(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "fr"}


def _ar(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "ar", "@direction": "rtl"}


def _text(value: str, what: str, row: int) -> str:
    """NFC text (Arabic diacritics in canonical order): equal names compare equal, byte for byte."""
    text = unicodedata.normalize("NFC", value)
    if not text or text != text.strip() or _CONTROL.search(text):
        raise CredentialBuildError(f"PV row {row}: {what} is empty, padded or holds control characters")
    return text


def _mark(value: Decimal, what: str, row: int) -> str:
    """A mark out of 20 as an ``xsd:decimal`` lexical form with exactly two places ("15.25")."""
    if isinstance(value, Decimal) and value.is_finite() and (known := _MARKS.get(value)) is not None:
        return known
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 20:
        raise CredentialBuildError(f"PV row {row}: {what} must be a decimal in [0, 20] with at most two places")
    if value != value.quantize(_TWO_PLACES):  # never round silently: the PV is authoritative
        raise CredentialBuildError(f"PV row {row}: {what} must be a decimal in [0, 20] with at most two places")
    text = f"{value.copy_abs().quantize(_TWO_PLACES):f}"  # copy_abs: "-0.00" is not a mark
    _MARKS[value] = text  # equal Decimals (15, 15.0, 15.00) have one lexical form
    return text


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CredentialBuildError("issued_at must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _extra_contexts(contexts: Sequence[str]) -> list[str]:
    out: list[str] = []
    for url in contexts:
        fixed = url in (CREDENTIALS_V2_CONTEXT, BACCALAUREATE_CONTEXT)
        if not isinstance(url, str) or not _URL.fullmatch(url) or fixed or url in out:
            raise CredentialBuildError(f"extra context {url!r} must be a distinct https URL other than the fixed ones")
        out.append(url)
    return out


def wallet_profile(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The DIDComm wallet copy of an archived credential: the same claims in VC Data Model 1.1.

    Aries wallets (Credo-based mobile wallets, ACA-Py as a cloud wallet) hold and present JSON-LD
    credentials of VC DM 1.1 only: their present-proof (DIF Presentation Exchange) builds a VC 1.1
    presentation, and a VC 2.0 credential cannot be embedded in one (its protected terms clash).
    So the copy the ministry's agent signs over DIDComm (issue-credential 2.0, ``ld_proof``,
    Ed25519Signature2020) keeps the archived credential's ``id``, ``type``, ``issuer``, ``name``,
    ``description``, ``credentialSchema`` and ``credentialSubject``, with:

    - ``@context``: VC 1.1, the baccalaureate context, and the ministry's ``wallet-vcdm1`` context
      that defines the VC 2.0 terms a 1.1 document still uses (``JsonSchema``,
      ``BitstringStatusListEntry``) with the same IRIs;
    - ``issuanceDate`` (and ``expirationDate``) for ``validFrom`` (``validUntil``);
    - ONE ``credentialStatus``: the revocation entry (Aries RFC 0593 holders accept a single status
      object), so revoking the archived credential revokes every wallet copy of it;
    - no ``proof``, and no ``credentialSubject.id``: the holder's agent binds its DID in its request.

    Same ``id``: a wallet copy is the same credential, bound to a holder, and the ministry's
    registry answers for both (its record digest ignores ``credentialSubject.id``).
    """
    if credential.get("@context", [None])[0] != CREDENTIALS_V2_CONTEXT:
        raise CredentialBuildError("a wallet copy is made from an archived VC 2.0 credential")
    copy = {k: v for k, v in credential.items() if k not in ("@context", "proof", "validFrom", "validUntil", "credentialStatus")}
    copy["@context"] = [CREDENTIALS_V1_CONTEXT, BACCALAUREATE_CONTEXT, WALLET_VCDM1_CONTEXT]
    if "validFrom" not in credential:
        raise CredentialBuildError("the archived credential has no validFrom")
    copy["issuanceDate"] = credential["validFrom"]
    if "validUntil" in credential:
        copy["expirationDate"] = credential["validUntil"]
    subject = dict(credential["credentialSubject"])
    subject.pop("id", None)
    copy["credentialSubject"] = subject
    entries = credential.get("credentialStatus", [])
    entries = [entries] if isinstance(entries, Mapping) else list(entries)
    revocation = [e for e in entries if isinstance(e, Mapping) and e.get("statusPurpose") == "revocation"]
    if revocation:
        copy["credentialStatus"] = dict(revocation[0])
    return copy
