"""verifier/records.py: a credential against the ministry's archived copy (RFC 8785 equality)."""

from __future__ import annotations

from typing import Any

from shahada.verifier.records import check_records

ARCHIVED: dict[str, Any] = {"id": "urn:uuid:1", "issuer": "did:web:x", "credentialSubject": {"generalAverage": "15.30", "name": "A"}, "proof": {"proofValue": "z1"}}


def test_identical_in_any_member_order() -> None:
    presented = {"proof": {"proofValue": "z1"}, "credentialSubject": {"name": "A", "generalAverage": "15.30"}, "issuer": "did:web:x", "id": "urn:uuid:1"}
    check = check_records(presented, lambda cid: ARCHIVED)
    assert (check.name, check.outcome, check.code) == ("archive", "passed", "ok")


def test_differences_are_named() -> None:
    presented = {**ARCHIVED, "credentialSubject": {"generalAverage": "19.99", "name": "A"}, "validUntil": "2030-01-01T00:00:00Z"}
    check = check_records(presented, lambda cid: ARCHIVED)
    assert check.code == "archive.mismatch" and "credentialSubject.generalAverage" in check.message and "validUntil" in check.message


def test_unknown_unreadable_and_unreachable() -> None:
    assert check_records(ARCHIVED, lambda cid: None).code == "archive.unknown"
    assert check_records({"issuer": "did:web:x"}, lambda cid: ARCHIVED).code == "archive.unknown"

    def broken(cid: str) -> Any:
        raise OSError("database is locked")

    assert check_records(ARCHIVED, broken).outcome == "skipped"
    assert check_records(ARCHIVED, None).outcome == "skipped"
