"""What a paper seal says: the printed fields of a diploma or transcript, as a compact CBOR map.

Pure functions: built from the signed credential (``SealContent.from_credential``), encoded to and
decoded from the CBOR payload of the seal's COSE_Sign1 (RFC 9052). The layout, key by key, is
specified in ``docs/seal.md``; in short, a map with small unsigned integer keys (RFC 8949 §3.1,
preferred serialization) where

- names are ``[latin, arabic]`` pairs of byte strings coded by :mod:`shahada.schemas.seal.names`;
- dates are days since 1970-01-01 (the RFC 8943 ``days`` representation, untagged);
- marks and averages are integers in hundredths ("15.25" → 1525);
- stream, option, academy, mention and subject codes are the reference data's codes (text);
  session, exam, candidate type, decision and document kind are small integer enumerations;
- the Code Massar never appears: only a 4-byte scrypt (RFC 7914) binding salted with the
  credential id, which confirms a Code Massar typed from the paper without revealing it.

Nothing is recomputed: every value comes from the credential the ministry signed, so a seal and
its credential can be compared field by field (``differences``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import cbor2

from shahada.schemas.identifiers import Kind, document_number
from shahada.schemas.seal.errors import SealFormatError, SealVersionError
from shahada.schemas.seal.names import name_codes

FORMAT_VERSION: Final = 1
STATUS_REGISTRY: Final = 0  # the status reference is the credential id, looked up in the ministry's registry
_EPOCH: Final = dt.date(1970, 1, 1)
_KINDS: Final[dict[str, int]] = {"diploma": 1, "transcript": 2}
_SESSIONS: Final[dict[str, int]] = {"normale": 1, "rattrapage": 2}
_EXAMS: Final[dict[str, int]] = {"national": 1, "regional": 2}
_CANDIDATE_TYPES: Final[dict[str, int]] = {"scolarise": 1, "libre": 2}
_DECISIONS: Final[dict[str, int]] = {"admis": 1, "ajourne": 2, "rattrapage": 3}
_CREDENTIAL_TYPES: Final[dict[str, str]] = {"BaccalaureateDiploma": "diploma", "BaccalaureateTranscript": "transcript"}

# CBOR map keys (docs/seal.md, "The content map").
K_VERSION, K_KIND, K_ID, K_ISSUED, K_STATUS = 0, 1, 2, 3, 4
K_FAMILY, K_GIVEN, K_BIRTH, K_HOLDER = 5, 6, 7, 8
K_STREAM, K_OPTION, K_YEAR, K_SESSION, K_ACADEMY, K_AVERAGE, K_MENTION = 9, 10, 11, 12, 13, 14, 15
K_CANDIDATE, K_RESULTS, K_NATIONAL, K_REGIONAL, K_CONTINUOUS, K_DECISION = 16, 17, 18, 19, 20, 21
_DIPLOMA_KEYS: Final = frozenset(range(0, 16))
_TRANSCRIPT_KEYS: Final = frozenset(range(0, 22))
_REQUIRED: Final = frozenset(range(0, 15)) - {K_OPTION}

HOLDER_SCRYPT: Final = {"n": 2**12, "r": 8, "p": 1, "dklen": 4}


@dataclass(frozen=True, slots=True)
class Names:
    """A name in Latin and Arabic script, exactly as in the credential (NFC)."""

    fr: str
    ar: str


@dataclass(frozen=True, slots=True)
class SubjectResult:
    subject: str  # reference data code, e.g. "MATH"
    exam: str  # "national" | "regional"
    coefficient: int
    mark: str  # two decimals, "15.25"


@dataclass(frozen=True, slots=True)
class SealContent:
    """The fields a seal binds. Transcript-only fields are None / empty for a diploma."""

    kind: Kind
    credential_id: str  # urn:uuid:…
    issued: dt.date  # the date of validFrom (UTC), printed as the date of issue
    family_name: Names
    given_name: Names
    birth_date: dt.date
    holder: bytes  # scrypt binding of the Code Massar (see holder_binding)
    stream: str
    option: str | None
    session_year: int
    session: str  # "normale" | "rattrapage"
    academy: str
    general_average: str
    mention: str | None
    status: int = STATUS_REGISTRY
    candidate_type: str | None = None
    results: tuple[SubjectResult, ...] = ()
    national_average: str | None = None
    regional_average: str | None = None
    continuous_average: str | None = None
    decision: str | None = None

    @property
    def document_number(self) -> str:
        """The number printed on the paper, derived from the id (``shahada.schemas.identifiers``)."""
        return document_number(self.credential_id, self.kind, self.session_year)

    @classmethod
    def from_credential(cls, credential: Mapping[str, Any], *, holder: bytes | None = None) -> SealContent:
        """The seal content of a (signed) baccalaureate credential.

        ``holder``: its holder binding as the archive stored it at issuance
        (:func:`credential_holder_binding`); None computes it (the scrypt, ~7 ms).

        Raises:
            SealFormatError: ``seal.malformed`` if the credential lacks a field the seal binds, or
            ``holder`` is not 4 bytes.
        """
        if holder is not None and (type(holder) is not bytes or len(holder) != HOLDER_SCRYPT["dklen"]):
            raise SealFormatError("the holder binding must be 4 bytes")
        try:
            return _from_credential(credential, holder)
        except (KeyError, TypeError, ValueError, IndexError, InvalidOperation) as err:
            raise SealFormatError(f"the credential cannot be sealed: {type(err).__name__}: {err}") from err

    def matches_holder(self, massar: str) -> bool:
        """Whether ``massar`` (as typed from the paper) is the Code Massar the seal binds."""
        return holder_binding(massar.strip().upper(), self.credential_id) == self.holder

    def to_cbor(self) -> bytes:
        """The CBOR payload (deterministic: one content, one byte string)."""
        codes = name_codes()
        m: dict[int, Any] = {
            K_VERSION: FORMAT_VERSION,
            K_KIND: _KINDS[self.kind],
            K_ID: uuid.UUID(self.credential_id.removeprefix("urn:uuid:")).bytes,
            K_ISSUED: (self.issued - _EPOCH).days,
            K_STATUS: self.status,
            K_FAMILY: [codes["latin"].encode(self.family_name.fr), codes["arabic"].encode(self.family_name.ar)],
            K_GIVEN: [codes["latin"].encode(self.given_name.fr), codes["arabic"].encode(self.given_name.ar)],
            K_BIRTH: (self.birth_date - _EPOCH).days,
            K_HOLDER: self.holder,
            K_STREAM: self.stream,
            K_YEAR: self.session_year,
            K_SESSION: _SESSIONS[self.session],
            K_ACADEMY: self.academy,
            K_AVERAGE: _hundredths(self.general_average),
        }
        if self.option is not None:
            m[K_OPTION] = self.option
        if self.mention is not None:
            m[K_MENTION] = self.mention
        if self.kind == "transcript":
            assert self.candidate_type and self.decision and self.national_average and self.regional_average
            m[K_CANDIDATE] = _CANDIDATE_TYPES[self.candidate_type]
            m[K_RESULTS] = [[r.subject, _EXAMS[r.exam], r.coefficient, _hundredths(r.mark)] for r in self.results]
            m[K_NATIONAL] = _hundredths(self.national_average)
            m[K_REGIONAL] = _hundredths(self.regional_average)
            if self.continuous_average is not None:
                m[K_CONTINUOUS] = _hundredths(self.continuous_average)
            m[K_DECISION] = _DECISIONS[self.decision]
        return cbor2.dumps(dict(sorted(m.items())), canonical=True)

    @classmethod
    def from_cbor(cls, data: bytes) -> SealContent:
        """Parse and check a seal's CBOR payload, strictly (every key known, every type right).

        Raises:
            SealVersionError: ``seal.version``, a format version other than 1.
            SealFormatError: ``seal.malformed``, anything else that is not a valid content map.
        """
        try:
            m = cbor2.loads(data)
        except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as err:
            raise SealFormatError(f"the seal's payload is not CBOR: {err}") from err
        return _from_map(m)

    def differences(self, other: SealContent) -> list[str]:
        """Names of the fields that differ (empty when the two contents are the same)."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


def holder_binding(massar: str, credential_id: str) -> bytes:
    """4 bytes of scrypt(Code Massar, salt = the credential's 16 id bytes), RFC 7914, N=4096.

    Short on purpose: about six Code Massar values share each binding, so the binding confirms a
    typed code without singling it out, and scrypt makes trying them all slow.
    """
    salt = uuid.UUID(credential_id.removeprefix("urn:uuid:")).bytes
    return hashlib.scrypt(massar.encode("ascii"), salt=salt, **HOLDER_SCRYPT)


def credential_holder_binding(credential: Mapping[str, Any]) -> bytes:
    """The holder binding of a credential's seal: :func:`holder_binding` of its Code Massar and id.

    Raises:
        KeyError, TypeError: the credential has no Code Massar or id.
    """
    return holder_binding(credential["credentialSubject"]["massarCode"], credential["id"])


def format_mark(mark: str) -> str:
    """A mark as printed: French decimal comma, Western digits ("15.25" → "15,25")."""
    return mark.replace(".", ",")


# --- from a credential --------------------------------------------------------------------------


def _from_credential(credential: Mapping[str, Any], holder: bytes | None) -> SealContent:
    types = [t for t in credential["type"] if t in _CREDENTIAL_TYPES]
    if len(types) != 1:
        raise ValueError("not a baccalaureate diploma or transcript")
    kind: Kind = _CREDENTIAL_TYPES[types[0]]  # type: ignore[assignment]
    s = credential["credentialSubject"]
    issued = dt.datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).astimezone(dt.UTC).date()
    common: dict[str, Any] = {
        "kind": kind,
        "credential_id": str(credential["id"]),
        "issued": issued,
        "family_name": _names(s["familyName"]),
        "given_name": _names(s["givenName"]),
        "birth_date": dt.date.fromisoformat(s["birthDate"]),
        "holder": holder if holder is not None else holder_binding(s["massarCode"], credential["id"]),
        "stream": s["stream"]["code"],
        "option": s["option"]["code"] if "option" in s else None,
        "session_year": int(s["session"]["year"]),
        "session": s["session"]["code"],
        "academy": s["academy"]["code"],
        "general_average": _two_places(s["generalAverage"]),
        "mention": s["mention"]["code"] if "mention" in s else None,
    }
    if kind == "transcript":
        common.update(
            candidate_type=s["candidateType"],
            results=tuple(
                SubjectResult(r["subjectCode"], r["exam"], int(r["coefficient"]), _two_places(r["mark"])) for r in s["result"]
            ),
            national_average=_two_places(s["nationalAverage"]),
            regional_average=_two_places(s["regionalAverage"]),
            continuous_average=_two_places(s["continuousAverage"]) if "continuousAverage" in s else None,
            decision=s["decision"]["code"],
        )
    content = SealContent(**common)
    _check_enums(content)
    return content


def _names(values: list[Mapping[str, str]]) -> Names:
    by_language = {v["@language"]: v["@value"] for v in values}
    return Names(fr=by_language["fr"], ar=by_language["ar"])


def _two_places(value: str) -> str:
    number = Decimal(value)
    if not 0 <= number <= 20 or number != number.quantize(Decimal("0.01")):
        raise ValueError(f"{value!r} is not a mark out of 20 with two decimals")
    return f"{number.quantize(Decimal('0.01')):f}"


def _hundredths(mark: str) -> int:
    return int(Decimal(mark) * 100)


def _check_enums(c: SealContent) -> None:
    if c.session not in _SESSIONS:
        raise ValueError(f"unknown session {c.session!r}")
    if c.kind == "transcript":
        if c.candidate_type not in _CANDIDATE_TYPES or c.decision not in _DECISIONS:
            raise ValueError("unknown candidate type or decision")
        if any(r.exam not in _EXAMS or not 1 <= r.coefficient <= 20 for r in c.results):
            raise ValueError("unknown exam or coefficient out of range")


# --- from CBOR ----------------------------------------------------------------------------------


def _from_map(m: Any) -> SealContent:
    if not isinstance(m, dict) or not all(type(k) is int for k in m):
        raise SealFormatError("the seal's payload is not a map with integer keys")
    if m.get(K_VERSION) != FORMAT_VERSION:
        raise SealVersionError(f"seal format version {m.get(K_VERSION)!r} is not supported (this verifier reads 1)")
    kind = _enum(m, K_KIND, _KINDS, "kind")
    allowed = _DIPLOMA_KEYS if kind == "diploma" else _TRANSCRIPT_KEYS
    unknown = set(m) - allowed
    missing = (_REQUIRED | ({K_CANDIDATE, K_RESULTS, K_NATIONAL, K_REGIONAL, K_DECISION} if kind == "transcript" else set())) - set(m)
    if unknown or missing:
        raise SealFormatError(f"the seal's {kind} payload has unknown keys {sorted(unknown)} or lacks {sorted(missing)}")
    raw_id = _typed(m, K_ID, bytes, "credential id")
    if len(raw_id) != 16:
        raise SealFormatError("the credential id must be 16 bytes (a UUID)")
    holder = _typed(m, K_HOLDER, bytes, "holder binding")
    if len(holder) != HOLDER_SCRYPT["dklen"]:
        raise SealFormatError("the holder binding must be 4 bytes")
    status = _typed(m, K_STATUS, int, "status reference")
    if status != STATUS_REGISTRY:
        raise SealFormatError(f"unknown status reference kind {status}")
    year = _typed(m, K_YEAR, int, "session year")
    if not 2000 <= year <= 2099:
        raise SealFormatError("the session year must be in 2000..2099")
    content: dict[str, Any] = {
        "kind": kind,
        "credential_id": uuid.UUID(bytes=raw_id).urn,
        "issued": _date(m, K_ISSUED, "date of issue"),
        "family_name": _pair(m, K_FAMILY, "family name"),
        "given_name": _pair(m, K_GIVEN, "given name"),
        "birth_date": _date(m, K_BIRTH, "birth date"),
        "holder": holder,
        "stream": _code(m, K_STREAM, "stream"),
        "option": _code(m, K_OPTION, "option") if K_OPTION in m else None,
        "session_year": year,
        "session": _enum(m, K_SESSION, _SESSIONS, "session"),
        "academy": _code(m, K_ACADEMY, "academy"),
        "general_average": _mark(m[K_AVERAGE], "general average"),
        "mention": _code(m, K_MENTION, "mention") if K_MENTION in m else None,
        "status": status,
    }
    if kind == "transcript":
        results = m[K_RESULTS]
        if not isinstance(results, list) or not 1 <= len(results) <= 40:
            raise SealFormatError("the results must be an array of 1 to 40 subjects")
        content.update(
            candidate_type=_enum(m, K_CANDIDATE, _CANDIDATE_TYPES, "candidate type"),
            results=tuple(_result(r) for r in results),
            national_average=_mark(m[K_NATIONAL], "national average"),
            regional_average=_mark(m[K_REGIONAL], "regional average"),
            continuous_average=_mark(m[K_CONTINUOUS], "continuous average") if K_CONTINUOUS in m else None,
            decision=_enum(m, K_DECISION, _DECISIONS, "decision"),
        )
    return SealContent(**content)


def _typed(m: dict[int, Any], key: int, expected: type, what: str) -> Any:
    value = m[key]
    if type(value) is not expected:
        raise SealFormatError(f"the {what} (key {key}) must be a {expected.__name__}")
    return value


def _enum(m: dict[int, Any], key: int, table: Mapping[str, int], what: str) -> Any:
    value = m.get(key)
    for name, number in table.items():
        if type(value) is int and value == number:
            return name
    raise SealFormatError(f"unknown {what} {value!r} (key {key})")


def _code(m: dict[int, Any], key: int, what: str) -> str:
    value: str = _typed(m, key, str, what)
    if not 1 <= len(value) <= 12 or not value.isascii() or not value.isalnum():
        raise SealFormatError(f"the {what} code (key {key}) is malformed")
    return value


def _date(m: dict[int, Any], key: int, what: str) -> dt.date:
    days = _typed(m, key, int, what)
    if not 0 <= days <= 60000:
        raise SealFormatError(f"the {what} (key {key}) is out of range")
    return _EPOCH + dt.timedelta(days=days)


def _pair(m: dict[int, Any], key: int, what: str) -> Names:
    value = m[key]
    if not isinstance(value, list) or len(value) != 2 or not all(type(v) is bytes for v in value):
        raise SealFormatError(f"the {what} (key {key}) must be two byte strings")
    codes = name_codes()
    return Names(fr=codes["latin"].decode(value[0]), ar=codes["arabic"].decode(value[1]))


def _mark(value: Any, what: str) -> str:
    if type(value) is not int or not 0 <= value <= 2000:
        raise SealFormatError(f"the {what} must be an integer number of hundredths in 0..2000")
    return f"{Decimal(value) / 100:.2f}"


def _result(raw: Any) -> SubjectResult:
    if not isinstance(raw, list) or len(raw) != 4:
        raise SealFormatError("a subject result must be [subject, exam, coefficient, mark]")
    subject, exam, coefficient, mark = raw
    holder = {0: subject, 1: exam}
    if type(coefficient) is not int or not 1 <= coefficient <= 20:
        raise SealFormatError("a coefficient must be an integer in 1..20")
    return SubjectResult(_code(holder, 0, "subject"), _enum(holder, 1, _EXAMS, "exam"), coefficient, _mark(mark, "mark"))
