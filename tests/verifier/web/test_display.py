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
    assert shown["generalAverage"] == "15,30" and shown["birthDate"] == "14/03/2007"
    assert shown["candidateType"] == "مترشح ممدرس" and shown["session"] == "الدورة العادية 2025"
    assert next(r for r in content.rows if r.key == "familyName").value.dir == "rtl"
    assert len(content.results) == len(transcript["credentialSubject"]["result"])
    assert content.results[0][0].text == "الرياضيات" and content.results[0][3].text == "16,50"
    assert content.results_header == ("المادة", "الامتحان", "المعامل", "النقطة")
    assert content.rows[-1].key == "academy" and content.rows_after[0].key == "nationalAverage"  # marks between, as printed


def test_transcript_in_english_shows_the_french_values(transcript: dict[str, Any]) -> None:
    content = credential_content(transcript, "en")
    shown = values(content)
    assert shown["familyName"] == "Benali" and shown["generalAverage"] == "15.30" and shown["decision"] == "Admis"
    assert next(r for r in content.rows_after if r.key == "generalAverage").label == "General average"
    assert content.notes and "French" in content.notes[0]


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
    assert values(content) == {"name": "Amina", "level": "3", "issued": "30/06/2025", "issuer": "did:key:z"}
