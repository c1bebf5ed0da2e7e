"""tests for verifier/result.py and the package's public names."""

from __future__ import annotations

import json

import pytest

from shahada import did, verifier
from shahada.verifier.result import Check, VerificationResult


def test_result_to_dict() -> None:
    checks = (
        Check("structure", "passed", "ok", "fine"),
        Check("signature", "failed", "signature.invalid", "does not match"),
        Check("validity", "skipped", "skipped", "not checked"),
    )
    result = VerificationResult(verified=False, checks=checks)
    assert result.errors == (checks[1],)
    assert result.check("signature") is checks[1]
    with pytest.raises(KeyError):
        result.check("nope")
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "verified": False,
        "checks": [
            {"name": "structure", "outcome": "passed", "code": "ok", "message": "fine"},
            {"name": "signature", "outcome": "failed", "code": "signature.invalid", "message": "does not match"},
            {"name": "validity", "outcome": "skipped", "code": "skipped", "message": "not checked"},
        ],
        "errors": [{"name": "signature", "outcome": "failed", "code": "signature.invalid", "message": "does not match"}],
    }


def test_verifier_exports() -> None:
    assert sorted(verifier.__all__) == [
        "CanonicalizationError",
        "Check",
        "CheckOutcome",
        "DEFAULT_SUITES",
        "MalformedCredentialError",
        "PresentationResult",
        "ProofFormatError",
        "Resolver",
        "VerificationResult",
        "VerifierError",
        "verify_credential",
        "verify_presentation",
    ]
    for name in verifier.__all__:
        assert hasattr(verifier, name)


def test_did_exports() -> None:
    assert sorted(did.__all__) == [
        "DIDDocument",
        "DIDError",
        "DIDResolutionError",
        "DIDResolver",
        "InvalidDIDError",
        "UntrustedDIDError",
        "VerificationMethod",
        "build_did_document",
        "did_key_from_public_key",
        "did_web_from_domain",
        "did_web_to_url",
        "is_did",
        "multikey_from_public_key",
        "public_key_from_did_key",
        "public_key_from_multikey",
        "resolve_did_key",
        "split_did_url",
    ]
    for name in did.__all__:
        assert hasattr(did, name)


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (did.DIDError, "did.error", 500),
        (did.InvalidDIDError, "did.invalid", 422),
        (did.DIDResolutionError, "did.resolution", 502),
        (did.UntrustedDIDError, "did.untrusted", 403),
        (verifier.VerifierError, "verifier.error", 500),
        (verifier.MalformedCredentialError, "credential.malformed", 422),
        (verifier.ProofFormatError, "proof.malformed", 422),
        (verifier.CanonicalizationError, "jsonld.invalid", 422),
    ],
)
def test_error_codes_are_stable(error: type, code: str, status: int) -> None:
    instance = error("message")
    assert instance.code == code and instance.http_status == status
    assert instance.to_dict() == {"code": code, "message": "message"}
