"""verifier/web/display.py: the signed content of a transcript and a seal, in each language."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shahada.schemas.reference import bundled_reference
from shahada.schemas.seal.content import SealContent
from shahada.verifier.web.display import credential_content, seal_content
from tests.verifier.web.conftest import CASES


@pytest.fixture(scope="module")
def transcript() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((CASES / "option-fr" / "transcript.json").read_text(encoding="utf-8"))
    return document


def values(content: Any) -> dict[str, str]:
    return {r.key: r.value.text for r in (*content.rows, *content.rows_after)}


def test_transcript_in_arabic(transcript: dict[str, Any]) -> None:
    content = credential_content(transcript, "ar")
    shown = values(content)
    assert shown["familyName"] == "بنعلي" and shown["academy"] == "الرباط سلا القنيطرة"
    assert shown["generalAverage"] == "15,30 / 20" and shown["birthDate"] == "14 مارس 2007"
    assert shown["candidateType"] == "مترشح ممدرس" and shown["session"] == "الدورة العادية 2025"
    assert next(r for r in content.rows if r.key == "familyName").value.dir == "rtl"
    assert len(content.results) == len(transcript["credentialSubject"]["result"])
    assert content.results[0][0].text == "الرياضيات" and content.results[0][3].text == "16,50"
    assert content.results_header == ("المادة", "الامتحان", "المعامل", "النقطة")
    assert content.rows[-1].key == "academy" and content.rows_after[0].key == "nationalAverage"  # marks between, as printed


def test_transcript_in_english_without_reference_data_shows_the_french_values(transcript: dict[str, Any]) -> None:
    content = credential_content(transcript, "en")
    shown = values(content)
    assert shown["familyName"] == "Benali" and shown["generalAverage"] == "15.30 / 20" and shown["decision"] == "Admis"
    assert next(r for r in content.rows_after if r.key == "generalAverage").label == "General average"
    assert content.notes and "French" in content.notes[0]


def test_transcript_in_english_translates_the_signed_codes(transcript: dict[str, Any]) -> None:
    content = credential_content(transcript, "en", bundled_reference())
    shown = values(content)
    rows = {r.key: r.value for r in (*content.rows, *content.rows_after)}
    assert shown["stream"] == "Mathematical Sciences A" and rows["stream"].translated and rows["stream"].lang == "en"
    assert shown["academy"] == "Rabat-Sale-Kenitra" and shown["session"] == "Regular session 2025"
    assert shown["mention"] == "Good" and shown["decision"] == "Passed" and shown["option"] == "French option"
    assert shown["familyName"] == "Benali" and not rows["familyName"].translated  # names are shown as signed
    assert shown["birthDate"] == "14 March 2007" and shown["generalAverage"] == "15.30 / 20"
    assert content.results[0][0].text == "Mathematics" and content.results[0][0].translated
    assert "translation" in content.notes[0]


@pytest.mark.parametrize(("lang", "expected"), [("fr", "12 juillet 2025"), ("en", "12 July 2025"), ("ar", "12 يوليوز 2025")])
def test_dates_name_their_month(lang: str, expected: str) -> None:
    import datetime as dt

    from shahada.verifier.web.display import format_date

    assert format_date(dt.date(2025, 7, 12), lang) == expected  # type: ignore[arg-type]
    assert format_date(dt.date(2025, 3, 1), "fr") == "1er mars 2025"


def test_every_reference_code_has_an_english_label() -> None:
    reference = bundled_reference()
    tables = {
        "academies": reference.academies, "subjects": reference.subjects, "options": reference.options,
        "streams": {k: v.name for k, v in reference.streams.items()}, "mentions": {m.code: m.name for m in reference.mentions},
        "decisions": reference.decisions, "sessions": reference.sessions,
    }
    missing = [f"{table}.{code}" for table, labels in tables.items() for code, label in labels.items() if not label.en]
    assert missing == []


def test_only_known_members_of_a_baccalaureate_subject(transcript: dict[str, Any]) -> None:
    extra = json.loads(json.dumps(transcript))
    extra["credentialSubject"]["note"] = "added after signing"
    assert "added after signing" not in json.dumps([r.value.text for r in credential_content(extra, "fr").rows])


def test_seal_content_matches_the_credential(transcript: dict[str, Any]) -> None:
    sealed = values(seal_content(SealContent.from_credential(transcript), bundled_reference(), "fr"))
    signed = values(credential_content(transcript, "fr"))
    for key in ("documentNumber", "familyName", "givenName", "birthDate", "stream", "session", "academy", "generalAverage", "mention", "decision"):
        assert sealed[key] == signed[key], key
    assert "massarCode" in sealed and sealed["massarCode"] != transcript["credentialSubject"]["massarCode"]


def test_another_credential_type_shows_its_subject() -> None:
    content = credential_content({"type": ["VerifiableCredential"], "credentialSubject": {"id": "did:x", "name": "Amina", "level": 3}, "validFrom": "2025-06-30T00:00:00Z", "issuer": "did:key:z"}, "fr")
    assert values(content) == {"name": "Amina", "level": "3", "issued": "30 juin 2025", "issuer": "did:key:z"}
