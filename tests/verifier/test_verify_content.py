"""tests for verifier/verify.py, continued: validity periods, VC 1.1, undefined terms and relative
IRIs, and malformed input (which never raises)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from shahada.verifier import VerificationResult
from tests.verifier.verifier_support import (
    NOW,
    VC_V1,
    acapy_v1_context,
    deep,
    failed_codes,
    loader_with,
    make_credential,
    outcomes,
    set_path,
)

Sign = Callable[..., dict[str, Any]]
Verify = Callable[..., VerificationResult]


@pytest.mark.parametrize(
    ("dates", "code"),
    [
        ({"validFrom": "2025-07-02T00:00:00Z"}, "validity.not_yet_valid"),
        ({"validUntil": "2025-07-01T11:59:59Z"}, "validity.expired"),
        ({"validFrom": "2024-07-01T00:00:00+01:00", "validUntil": "2025-07-01T12:59:00+01:00"}, "validity.expired"),
    ],
)
def test_validity_period(suite: str, sign: Sign, verify: Verify, issuer_key: Any, dates: dict[str, str], code: str) -> None:
    credential = sign(make_credential(issuer_key.did_key, suite, **dates), suite)
    result = verify(credential)
    assert failed_codes(result) == {"validity": code}
    assert result.check("signature").outcome == "passed"


def test_validity_bounds_are_inclusive(sign: Sign, verify: Verify, issuer_key: Any) -> None:
    credential = sign(
        make_credential(issuer_key.did_key, validFrom="2025-07-01T12:00:00Z", validUntil="2025-07-01T12:00:00Z"),
        "eddsa-rdfc-2022",
    )
    assert verify(credential).verified
    assert not verify(credential, now=NOW + timedelta(seconds=1)).verified


def test_no_validity_period(sign: Sign, verify: Verify, issuer_key: Any) -> None:
    credential = make_credential(issuer_key.did_key)
    del credential["validFrom"]
    assert verify(sign(credential, "eddsa-rdfc-2022")).verified


@pytest.mark.parametrize(
    "value",
    ["2025-13-01T00:00:00Z", "2025-06-30", "2025-06-30T00:00:00", "yesterday", 1719705600, None, "2025-06-30T24:00:00Z"],
)
def test_malformed_dates_fail_validity(verify: Verify, issuer_key: Any, value: Any) -> None:
    result = verify(make_credential(issuer_key.did_key, validFrom=value))
    assert result.check("validity").code == "credential.malformed"


# --- VC 1.1, with the VC 1.1 context as ACA-Py ships it, pinned for these tests only -------------


@pytest.fixture(scope="module")
def v1_loader() -> Any:
    return loader_with((VC_V1, acapy_v1_context()))


@pytest.mark.parametrize("suite_v1", ["Ed25519Signature2020", "eddsa-rdfc-2022"])
def test_vc_1_1_credential(sign: Sign, verify: Verify, issuer_key: Any, v1_loader: Any, suite_v1: str) -> None:
    credential = make_credential(issuer_key.did_key, suite_v1, "v1", expirationDate="2030-06-30T00:00:00Z")
    if suite_v1 == "eddsa-rdfc-2022":
        credential["@context"].append("https://w3id.org/security/data-integrity/v2")
    signed = sign(credential, suite_v1, loader=v1_loader)
    assert verify(signed, document_loader=v1_loader).verified
    expired = verify(signed, document_loader=v1_loader, now=NOW.replace(year=2031))
    assert failed_codes(expired) == {"validity": "validity.expired"}
    early = verify(signed, document_loader=v1_loader, now=NOW.replace(year=2024))
    assert failed_codes(early) == {"validity": "validity.not_yet_valid"}


def test_vc_1_1_without_issuance_date(verify: Verify, issuer_key: Any, v1_loader: Any) -> None:
    credential = make_credential(issuer_key.did_key, version="v1")
    del credential["issuanceDate"]
    result = verify(credential, document_loader=v1_loader)
    assert result.check("validity").code == "credential.malformed"


def test_vc_1_1_undefined_term_is_dropped_and_fails(sign: Sign, verify: Verify, issuer_key: Any, v1_loader: Any) -> None:
    signed = sign(make_credential(issuer_key.did_key, "Ed25519Signature2020", "v1"), "Ed25519Signature2020", loader=v1_loader)
    signed["credentialSubject"]["grade"] = "A"  # VC 1.1 has no @vocab: the term would vanish
    result = verify(signed, document_loader=v1_loader)
    assert failed_codes(result) == {"signature": "signature.invalid"}
    assert "'grade'" in result.check("signature").message


# --- undefined terms and relative IRIs in VC 2.0 ------------------------------------------------


@pytest.mark.parametrize("rdf_suite", ["Ed25519Signature2020", "eddsa-rdfc-2022"])
def test_vc_2_0_undefined_term_fails(sign: Sign, verify: Verify, issuer_key: Any, rdf_suite: str) -> None:
    # The pinned VC 2.0 context (the W3C Recommendation's) has no @vocab: it was removed from the
    # base context in 2024 (w3c/vc-data-model#1520), so an undefined term is dropped by
    # expansion, hence unsigned. Safe canonicalization refuses it.
    signed = sign(make_credential(issuer_key.did_key, rdf_suite), rdf_suite)
    signed["credentialSubject"]["foo"] = "bar"
    result = verify(signed)
    assert failed_codes(result) == {"signature": "signature.invalid"}
    assert "not defined" in result.check("signature").message and "'foo'" in result.check("signature").message


def test_vc_2_0_undefined_term_under_jcs_is_signed_json(sign: Sign, verify: Verify, issuer_key: Any) -> None:
    # eddsa-jcs-2022 signs the JSON itself, so the term cannot change unnoticed.
    credential = make_credential(issuer_key.did_key, "eddsa-jcs-2022")
    credential["credentialSubject"]["foo"] = "bar"
    signed = sign(credential, "eddsa-jcs-2022")
    assert verify(signed).verified
    signed["credentialSubject"]["foo"] = "baz"
    assert failed_codes(verify(signed)) == {"signature": "signature.invalid"}


@pytest.mark.parametrize("rdf_suite", ["Ed25519Signature2020", "eddsa-rdfc-2022"])
@pytest.mark.parametrize(
    ("path", "value"),
    [("credentialSubject.id", "student-42"), ("type", ["VerifiableCredential", "BaccalaureateDiploma"])],
    ids=["relative-id", "undefined-type"],
)
def test_relative_iris_fail(sign: Sign, verify: Verify, issuer_key: Any, rdf_suite: str, path: str, value: Any) -> None:
    # Relative IRIs (a subject id that is not a URL, a type no context defines) are dropped from
    # the RDF by jsonld.js and resolved against an invented base by pyld 3: never accepted.
    signed = sign(make_credential(issuer_key.did_key, rdf_suite), rdf_suite)
    set_path(path, value)(signed)
    result = verify(signed)
    assert failed_codes(result) == {"signature": "signature.invalid"}
    assert "relative" in result.check("signature").message


# --- malformed input never raises ---------------------------------------------------------------


def _nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"name": "x"}
    for _ in range(depth):
        node = {"name": node}
    return node


@pytest.mark.parametrize(
    "credential",
    [None, [], "a credential", 42, 4.2, True, {}],
    ids=["none", "list", "str", "int", "float", "bool", "empty"],
)
def test_not_a_credential(verify: Verify, credential: Any) -> None:
    result = verify(credential)
    assert not result.verified
    assert outcomes(result)["structure"] == ("failed", "credential.malformed")
    assert all(c.outcome == "skipped" for c in result.checks[1:])
    assert result.to_dict()["errors"] == [result.checks[0].to_dict()]


@pytest.mark.parametrize(
    "change",
    [
        {"@context": "https://www.w3.org/ns/credentials/v2"},
        {"@context": []},
        {"@context": ["https://w3id.org/security/data-integrity/v2"]},
        {"type": "Diploma"},
        {"type": ["Diploma"]},
        {"type": None},
        {"issuer": None},
        {"issuer": {"name": "Ministry"}},
        {"issuer": ""},
        {"issuer": 7},
        {"credentialSubject": None},
        {"credentialSubject": []},
        {"credentialSubject": {}},
        {"credentialSubject": "did:example:1"},
        {"credentialSubject": _nested(200)},
    ],
)
def test_malformed_credentials(signed: dict[str, Any], verify: Verify, change: dict[str, Any]) -> None:
    result = verify({**deep(signed), **change})
    assert not result.verified
    assert outcomes(result)["structure"] == ("failed", "credential.malformed")


def test_issuer_object_with_id(sign: Sign, verify: Verify, issuer_key: Any) -> None:
    credential = make_credential(issuer_key.did_key)
    credential["issuer"] = {"id": issuer_key.did_key, "name": "Ministère"}
    assert verify(sign(credential, "eddsa-rdfc-2022")).verified


def test_naive_now_is_a_programming_error(signed: dict[str, Any], verify: Verify) -> None:
    with pytest.raises(ValueError):
        verify(signed, now=NOW.replace(tzinfo=None))


def test_input_is_not_mutated(signed: dict[str, Any], verify: Verify) -> None:
    before = deep(signed)
    verify(signed)
    assert signed == before
