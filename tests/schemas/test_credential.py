"""schemas/credential.py and schemas/identifiers.py: unsigned credentials from PV records.

Golden files: ``cases/<name>/{diploma,transcript}.json``. They change only deliberately: run
``SHAHADA_REGENERATE_GOLDEN=1 ./run test tests/schemas/test_credential.py``, then review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from shahada.schemas import credential as credential_module
from shahada.schemas.credential import (
    BACCALAUREATE_CONTEXT,
    CREDENTIALS_V2_CONTEXT,
    MINISTRY_NAME,
    IssuerProfile,
    credential_id,
    document_number,
    normalize_document_number,
)
from shahada.schemas.errors import CredentialBuildError, SchemaError
from shahada.schemas.identifiers import MIN_SECRET_BYTES

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER = re.compile(r"BAC-20[0-9]{2}-[DT]-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- golden files, determinism -------------------------------------------------------------------


def test_golden(case: Any) -> None:
    regenerate = os.environ.get("SHAHADA_REGENERATE_GOLDEN") == "1"
    for kind, document in case.credentials().items():
        path = case.folder / f"{kind}.json"
        if regenerate:
            path.write_text(dump(document), encoding="utf-8")
        assert path.is_file(), f"no golden file {path}: set SHAHADA_REGENERATE_GOLDEN=1 once, then review"
        assert dump(document) == path.read_text(encoding="utf-8"), f"{case.name}/{kind} differs from its golden file"
    if not case.record.admitted:
        assert not (case.folder / "diploma.json").exists()


def test_same_record_same_credential(case: Any) -> None:
    assert case.credentials() == case.credentials()


def test_issuance_time_only_changes_valid_from(case: Any) -> None:
    later = case.issued_at + timedelta(days=3, microseconds=999_999)
    for kind, document in case.credentials().items():
        other = case.build(kind, issued_at=later)
        assert other.pop("validFrom") != document.pop("validFrom")
        assert other == document


def test_valid_from_is_utc_to_the_second(cases: dict[str, Any]) -> None:
    case = cases["option-fr"]
    moment = datetime(2025, 6, 20, 0, 30, 45, 999_999, tzinfo=timezone(timedelta(hours=1)))
    assert case.build("diploma", issued_at=moment)["validFrom"] == "2025-06-19T23:30:45Z"
    with pytest.raises(CredentialBuildError, match="timezone-aware"):
        case.build("diploma", issued_at=datetime(2025, 6, 20, 10, 0))


# --- document shape -------------------------------------------------------------------------------


def test_envelope(case: Any, issuer_profile: IssuerProfile, secret: bytes) -> None:
    for kind, document in case.credentials().items():
        assert document["@context"] == [CREDENTIALS_V2_CONTEXT, "https://w3id.org/security/suites/ed25519-2020/v1", BACCALAUREATE_CONTEXT]
        assert document["type"] == ["VerifiableCredential", {"diploma": "BaccalaureateDiploma", "transcript": "BaccalaureateTranscript"}[kind]]
        assert document["id"] == credential_id(case.record.massar, case.year, case.record.session, kind, secret=secret)
        assert document["issuer"] == {
            "id": issuer_profile.did,
            "name": [
                {"@value": MINISTRY_NAME.fr, "@language": "fr"},
                {"@value": MINISTRY_NAME.ar, "@language": "ar", "@direction": "rtl"},
            ],
        }
        assert document["credentialSchema"] == {
            "id": f"https://diplomes.men.gov.ma/schemas/baccalaureate-{kind}/v1.json",
            "type": "JsonSchema",
        }
        assert str(case.year) in document["description"][0]["@value"]


def test_every_arabic_value_is_rtl_and_every_french_one_is_not(case: Any) -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "@value" in node:
                expected = {"fr": {"@value", "@language"}, "ar": {"@value", "@language", "@direction"}}[node["@language"]]
                assert set(node) == expected
                if node["@language"] == "ar":
                    assert node["@direction"] == "rtl"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for document in case.credentials().values():
        walk(document)


def test_no_cin_anywhere(case: Any) -> None:
    def keys(node: Any) -> set[str]:
        if isinstance(node, dict):
            return set(node).union(*(keys(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(keys(v) for v in node))
        return set()

    for document in case.credentials().values():
        assert not {key for key in keys(document) if "cin" in key.lower() or "identity" in key.lower()}
        if case.record.cin:
            assert case.record.cin not in json.dumps(document)


def test_diploma_subject(cases: dict[str, Any]) -> None:
    subject = cases["option-fr"].build("diploma")["credentialSubject"]
    assert list(subject) == [
        "massarCode", "familyName", "givenName", "birthDate", "birthPlace", "stream", "option",
        "session", "academy", "generalAverage", "mention", "documentNumber",
    ]  # fmt: skip
    assert subject["stream"]["code"] == "SMA"
    assert subject["option"]["name"][0] == {"@value": "option française", "@language": "fr"}
    assert subject["session"]["year"] == 2025 and subject["session"]["code"] == "normale"
    assert subject["mention"]["code"] == "B"
    assert subject["generalAverage"] == "15.30"
    assert subject["documentNumber"].startswith("BAC-2025-D-")


def test_transcript_subject(cases: dict[str, Any]) -> None:
    case = cases["option-fr"]
    subject = case.build("transcript")["credentialSubject"]
    assert subject["decision"]["code"] == "admis"
    assert subject["candidateType"] == "scolarise"
    assert (subject["nationalAverage"], subject["regionalAverage"], subject["continuousAverage"]) == ("15.42", "14.25", "16.10")
    assert len(subject["result"]) == len(case.record.marks)
    assert subject["result"][0] == {
        "subjectCode": "MATH",
        "subjectName": [{"@value": "Mathématiques", "@language": "fr"}, {"@value": "الرياضيات", "@language": "ar", "@direction": "rtl"}],
        "exam": "national",
        "coefficient": 9,
        "mark": "16.50",
    }
    assert {r["exam"] for r in subject["result"]} == {"national", "regional"}
    assert subject["documentNumber"].startswith("BAC-2025-T-")


def test_free_candidate_has_no_continuous_assessment(cases: dict[str, Any]) -> None:
    case = cases["free-candidate"]
    subject = case.build("transcript")["credentialSubject"]
    assert subject["candidateType"] == "libre" and "continuousAverage" not in subject
    assert "option" not in subject
    with pytest.raises(CredentialBuildError, match="free candidate"):
        case.build("transcript", record=dataclasses.replace(case.record, continuous_average=Decimal("10")))
    schooled = dataclasses.replace(cases["option-fr"].record, continuous_average=None)
    with pytest.raises(CredentialBuildError, match="schooled candidate"):
        case.build("transcript", record=schooled)


def test_failed_candidate_gets_a_transcript_without_mention_and_no_diploma(cases: dict[str, Any]) -> None:
    case = cases["ajourne"]
    subject = case.build("transcript")["credentialSubject"]
    assert "mention" not in subject and subject["decision"]["name"][0]["@value"] == "Ajourné"
    with pytest.raises(CredentialBuildError) as raised:
        case.build("diploma")
    assert raised.value.code == "credential.build"
    assert isinstance(raised.value, SchemaError) and isinstance(raised.value, ValueError)
    assert "row 9" in str(raised.value) and case.record.massar not in str(raised.value)
    allowed = dataclasses.replace(case.record, decision="rattrapage")
    assert case.build("transcript", record=allowed)["credentialSubject"]["decision"]["code"] == "rattrapage"
    with pytest.raises(CredentialBuildError):
        case.build("diploma", record=allowed)


def test_arabic_text_is_nfc(cases: dict[str, Any]) -> None:
    case = cases["arabic-diacritics"]
    raw = case.record.given_name_ar
    assert unicodedata.normalize("NFC", raw) != raw  # the input really is typed shadda-first
    subject = case.build("diploma")["credentialSubject"]
    for field in ("familyName", "givenName", "birthPlace"):
        value = subject[field][1]["@value"]
        assert unicodedata.is_normalized("NFC", value)
    assert subject["givenName"][1]["@value"] == unicodedata.normalize("NFC", raw)
    assert "\u0625" in subject["birthPlace"][1]["@value"]  # alef + hamza below, composed


def test_long_names_are_kept_whole(cases: dict[str, Any]) -> None:
    case = cases["long-names"]
    subject = case.build("diploma")["credentialSubject"]
    assert subject["familyName"][0]["@value"] == "Aït Ben Haddou El Idrissi Ould Sidi Mohammed"
    assert subject["givenName"][1]["@value"] == "فاطمة الزهراء لالة خديجة"
    assert subject["birthPlace"][0]["@value"] == "Ksar El Kébir d'Ouarzazate"


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stream": "XX"}, "unknown stream"),
        ({"option": "DE"}, "has no option"),
        ({"academy": "ZZ"}, "unknown academy"),
        ({"mention": "EX"}, "unknown mention"),
        ({"mention": None}, "needs a mention"),
        ({"massar": "r130045678"}, "Code Massar"),
        ({"family_name_fr": " Benali"}, "family name"),
        ({"given_name_ar": ""}, "given name"),
        ({"birth_place_ar": "الرباط\n"}, "birth place"),
        ({"general_average": Decimal("15.255")}, "general average"),
        ({"general_average": Decimal("20.01")}, "general average"),
        ({"general_average": Decimal("NaN")}, "general average"),
        ({"national_average": Decimal("-1")}, "national average"),
        ({"marks": ()}, "at least one"),
    ],
)
def test_malformed_records_are_refused(cases: dict[str, Any], change: dict[str, Any], message: str) -> None:
    case = cases["option-fr"]
    record = dataclasses.replace(case.record, **change)
    with pytest.raises(CredentialBuildError, match=message):
        case.build("transcript", record=record)


def test_subject_marks_are_checked(cases: dict[str, Any]) -> None:
    case = cases["option-fr"]
    first = case.record.marks[0]
    for bad, message in [
        ((first, first), "twice"),
        ((dataclasses.replace(first, subject="ZZZ"),), "unknown subject"),
        ((dataclasses.replace(first, coefficient=0),), "coefficient"),
        ((dataclasses.replace(first, mark=Decimal("12.5")),), None),
    ]:
        record = dataclasses.replace(case.record, marks=bad)
        if message is None:
            assert case.build("transcript", record=record)["credentialSubject"]["result"][0]["mark"] == "12.50"
        else:
            with pytest.raises(CredentialBuildError, match=message):
                case.build("transcript", record=record)


def test_marks_are_two_place_strings(cases: dict[str, Any]) -> None:
    case = cases["option-fr"]
    for value, text in [(Decimal("15"), "15.00"), (Decimal("1E+1"), "10.00"), (Decimal("-0.00"), "0.00"), (Decimal("9.5"), "9.50")]:
        record = dataclasses.replace(case.record, general_average=value)
        assert case.build("diploma", record=record)["credentialSubject"]["generalAverage"] == text


@pytest.mark.parametrize(
    "contexts",
    [[CREDENTIALS_V2_CONTEXT], [BACCALAUREATE_CONTEXT], ["http://insecure.example/ctx"], ["https://a.example/x", "https://a.example/x"]],
)
def test_extra_contexts_are_checked(cases: dict[str, Any], contexts: list[str]) -> None:
    with pytest.raises(CredentialBuildError, match="extra context"):
        cases["option-fr"].build("diploma", extra_contexts=contexts)


def test_without_extra_contexts(cases: dict[str, Any]) -> None:
    document = cases["option-fr"].build("diploma", extra_contexts=())
    assert document["@context"] == [CREDENTIALS_V2_CONTEXT, BACCALAUREATE_CONTEXT]


def test_issuer_profile() -> None:
    assert IssuerProfile(did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK").name == MINISTRY_NAME
    assert MINISTRY_NAME.fr.startswith("Royaume du Maroc — Ministère")
    for bad in ("", "https://men.gov.ma", "did:web:", "did:Web:x"):
        with pytest.raises(CredentialBuildError):
            IssuerProfile(did=bad)


def test_public_names() -> None:
    for name in credential_module.__all__:
        assert hasattr(credential_module, name), name


# --- ids and document numbers ---------------------------------------------------------------------


def test_credential_id_is_a_keyed_uuid8(secret: bytes) -> None:
    cid = credential_id("R130045678", 2025, "normale", "diploma", secret=secret)
    parsed = uuid.UUID(cid.removeprefix("urn:uuid:"))
    assert cid.startswith("urn:uuid:") and parsed.version == 8 and parsed.variant == uuid.RFC_4122
    assert cid == credential_id("R130045678", 2025, "normale", "diploma", secret=secret)
    others = {
        credential_id("R130045679", 2025, "normale", "diploma", secret=secret),
        credential_id("R130045678", 2024, "normale", "diploma", secret=secret),
        credential_id("R130045678", 2025, "rattrapage", "diploma", secret=secret),
        credential_id("R130045678", 2025, "normale", "transcript", secret=secret),
        credential_id("R130045678", 2025, "normale", "diploma", secret=secret + b"!"),
    }
    assert cid not in others and len(others) == 5


@pytest.mark.parametrize(
    ("arguments", "secret_bytes"),
    [
        (("R13004567", 2025, "normale", "diploma"), 32),
        (("R130045678", 1999, "normale", "diploma"), 32),
        (("R130045678", 2025, "juin", "diploma"), 32),
        (("R130045678", 2025, "normale", "attestation"), 32),
        (("R130045678", 2025, "normale", "diploma"), MIN_SECRET_BYTES - 1),
    ],
)
def test_credential_id_refuses(arguments: tuple[Any, ...], secret_bytes: int) -> None:
    with pytest.raises(CredentialBuildError):
        credential_id(*arguments, secret=b"s" * secret_bytes)


def test_document_number_format_and_check(secret: bytes) -> None:
    cid = credential_id("R130045678", 2025, "normale", "diploma", secret=secret)
    number = document_number(cid, "diploma", 2025)
    assert NUMBER.fullmatch(number) and number.startswith("BAC-2025-D-")
    assert normalize_document_number(number) == number
    lenient = number.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalize_document_number(lenient) == number
    assert document_number(cid, "transcript", 2025).startswith("BAC-2025-T-")
    assert document_number(cid, "transcript", 2025)[11:] != number[11:]  # the check covers the kind


def test_check_symbol_catches_substitutions_and_transpositions(secret: bytes) -> None:
    number = document_number(credential_id("R130045678", 2025, "normale", "transcript", secret=secret), "transcript", 2025)
    symbols = [i for i, ch in enumerate(number) if i >= 11 and ch != "-"]
    chars = list(number)
    for i in symbols:  # every single-symbol error
        for replacement in CROCKFORD:
            if replacement != chars[i]:
                wrong = chars.copy()
                wrong[i] = replacement
                assert normalize_document_number("".join(wrong)) is None
    for i, j in zip(symbols, symbols[1:], strict=False):  # every adjacent transposition (across hyphens too)
        if chars[i] != chars[j]:
            swapped = chars.copy()
            swapped[i], swapped[j] = chars[j], chars[i]
            assert normalize_document_number("".join(swapped)) is None
    for i, j in zip(symbols, symbols[2:], strict=False):  # every jump transposition (abc -> cba)
        if chars[i] != chars[j]:
            jumped = chars.copy()
            jumped[i], jumped[j] = chars[j], chars[i]
            assert normalize_document_number("".join(jumped)) is None
    assert normalize_document_number(number.replace("BAC-2025", "BAC-2024")) is None
    assert normalize_document_number(number.replace("-T-", "-D-")) is None
    for garbage in ("", "BAC", number + "0", number.replace("BAC", "BAK"), number[:-1] + "U"):
        assert normalize_document_number(garbage) is None


def test_document_numbers_do_not_collide_in_a_sample(secret: bytes) -> None:
    numbers = {
        document_number(credential_id(f"R{n:09d}", 2025, "normale", "diploma", secret=secret), "diploma", 2025)
        for n in range(20_000)
    }
    assert len(numbers) == 20_000


def test_document_number_refuses_foreign_ids() -> None:
    for bad in ("urn:uuid:" + str(uuid.UUID(int=1, version=4)), "not-an-id", str(uuid.UUID(int=5, version=4))):
        with pytest.raises(CredentialBuildError):
            document_number(bad, "diploma", 2025)


def test_valid_from_crosses_midnight_in_utc(cases: dict[str, Any]) -> None:
    case = cases["fifteen-subjects"]  # issued 2026-06-19T23:59:59-01:00
    assert case.issued_at.astimezone(UTC).date().isoformat() == "2026-06-20"
    assert case.build("transcript")["validFrom"] == "2026-06-20T00:59:59Z"
