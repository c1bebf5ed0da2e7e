"""verifier/records.py: a credential against the ministry's archived copy (RFC 8785 equality)."""

from __future__ import annotations

from typing import Any

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from shahada.verifier.records import _same, check_records

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


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=True, allow_infinity=False) | st.sampled_from([0, 1, 1.0, -0.0, 2**53, 2.0**53]) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=12,
)


def _jcs_or_none(value: Any) -> bytes | None:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        return None


@settings(max_examples=400, deadline=None)
@given(JSON, JSON)
def test_the_quick_comparison_says_same_only_when_jcs_does(a: Any, b: Any) -> None:
    """The archive check's quick equality (no JCS serialization) answers yes only for values whose
    RFC 8785 forms are equal: a boolean is not 1, an integer past 2^53 goes to JCS."""
    if _same(a, b):
        assert _jcs_or_none(a) == _jcs_or_none(b) is not None
    if _jcs_or_none(a) is not None and _jcs_or_none(a) == _jcs_or_none(b):
        assert check_records({"id": "urn:uuid:1", "v": b}, lambda cid: {"id": "urn:uuid:1", "v": a}).code == "ok"


def test_the_quick_comparison_on_the_values_python_calls_equal() -> None:
    assert not _same(True, 1) and not _same([1], [True]) and not _same({"a": 0}, {"a": False})
    assert _same(1, 1.0) and _same({"a": [1, "x"]}, {"a": [1.0, "x"]})
    assert not _same(2**60, float(2**60)) and not _same(float("nan"), float("nan"))
    assert check_records({**ARCHIVED, "extra": True}, lambda cid: {**ARCHIVED, "extra": 1}).code == "archive.mismatch"
