"""tests for verifier/verify.py: whole credentials, signed in the test session, checked end to end."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from shahada.did import build_did_document, did_web_from_domain
from shahada.did.multibase import decode_base58btc, encode_base58btc
from shahada.verifier import VerificationResult
from shahada.verifier.result import CHECK_NAMES
from tests.support.local_signer import LocalKey
from tests.verifier.verifier_support import (
    DATA,
    NOW,
    SCOPED_TEST_CONTEXT,
    SUITES,
    StaticResolver,
    failed_codes,
    loader_with,
    make_credential,
    outcomes,
    set_path,
)

Sign = Callable[..., dict[str, Any]]
Verify = Callable[..., VerificationResult]


def test_signed_credential_verifies(signed: dict[str, Any], verify: Verify, resolver: Any, issuer_key: Any) -> None:
    result = verify(signed)
    assert result.verified, result.to_dict()
    assert [c.name for c in result.checks] == list(CHECK_NAMES)
    assert all(c.outcome == "passed" and c.code == "ok" for c in result.checks)
    assert result.errors == ()
    assert resolver.calls == [issuer_key.did_key]


def test_proof_as_one_element_list_verifies(suite: str, sign: Sign, verify: Verify, issuer_key: Any) -> None:
    credential = sign(make_credential(issuer_key.did_key, suite), suite, proof_as_list=True)
    assert isinstance(credential["proof"], list)
    assert verify(credential).verified


def _flip_proof_value(credential: dict[str, Any]) -> None:
    proof = credential["proof"]
    signature = bytearray(decode_base58btc(proof["proofValue"]))
    signature[10] ^= 0x01
    proof["proofValue"] = encode_base58btc(bytes(signature))


TAMPERING = {
    "subject name": set_path("credentialSubject.name", "Someone Else"),
    "subject id": set_path("credentialSubject.id", "did:example:student-43"),
    "credential name": set_path("name", "Baccalauréat 2024"),
    "credential id": set_path("id", "urn:uuid:00000000-0000-4000-8000-000000000000"),
    "validFrom": set_path("validFrom", "2025-06-29T00:00:00Z"),
    "added validUntil": set_path("validUntil", "2035-01-01T00:00:00Z"),
    "extra type": set_path("type", ["VerifiableCredential", "VerifiablePresentation"]),
    "proof created": set_path("proof.created", "2020-01-01T00:00:00Z"),
    "proofValue": _flip_proof_value,
}


@pytest.mark.parametrize("change", TAMPERING.values(), ids=TAMPERING.keys())
def test_any_change_breaks_the_signature(
    signed: dict[str, Any], verify: Verify, change: Callable[[dict[str, Any]], None]
) -> None:
    change(signed)
    result = verify(signed)
    assert not result.verified
    assert failed_codes(result) == {"signature": "signature.invalid"}


def test_changing_the_issuer_is_caught(signed: dict[str, Any], verify: Verify, issuer_key: Any) -> None:
    other = LocalKey.generate().did_key
    signed["issuer"] = other
    # an untrusted did:key issuer is still verified cryptographically: trust is one check of several
    assert failed_codes(verify(signed)) == {"issuer": "issuer.untrusted", "key": "key.unauthorized"}
    result = verify(signed, trusted_issuers=frozenset({issuer_key.did_key, other}))
    assert failed_codes(result) == {"key": "key.unauthorized"}


def test_an_untrusted_did_key_issuer_is_verified_but_not_trusted(signed: dict[str, Any], verify: Verify, resolver: Any) -> None:
    result = verify(signed, trusted_issuers=frozenset({"did:web:men.gov.ma"}))
    assert outcomes(result) == {
        "structure": ("passed", "ok"),
        "context": ("passed", "ok"),
        "issuer": ("failed", "issuer.untrusted"),
        "proof": ("passed", "ok"),
        "key": ("passed", "ok"),
        "signature": ("passed", "ok"),
        "schema": ("passed", "ok"),
        "validity": ("passed", "ok"),
    }
    assert result.verified is False and result.authentic is True
    assert all(did.startswith("did:key:") for did in resolver.calls)  # resolved from the DID itself
    signed["credentialSubject"]["name"] = "tampered"
    tampered = verify(signed, trusted_issuers=frozenset({"did:web:men.gov.ma"}))
    assert failed_codes(tampered) == {"issuer": "issuer.untrusted", "signature": "signature.invalid"}
    assert tampered.authentic is False


def test_untrusted_issuer_is_not_resolved(signed: dict[str, Any], verify: Verify, resolver: Any) -> None:
    signed["issuer"] = "did:web:evil.example"
    signed["proof"]["verificationMethod"] = "did:web:evil.example#key-1"
    result = verify(signed, trusted_issuers=frozenset({"did:web:men.gov.ma"}))
    assert outcomes(result) == {
        "structure": ("passed", "ok"),
        "context": ("passed", "ok"),
        "issuer": ("failed", "issuer.untrusted"),
        "proof": ("skipped", "skipped"),
        "key": ("skipped", "skipped"),
        "signature": ("skipped", "skipped"),
        "schema": ("skipped", "skipped"),
        "validity": ("passed", "ok"),
    }
    assert result.authentic is False
    assert resolver.calls == []


@pytest.mark.parametrize(
    "contexts",
    [
        ["https://www.w3.org/ns/credentials/v2", "https://example.org/contexts/evil/v1"],
        ["https://www.w3.org/ns/credentials/v2", {"foo": "https://example.org/foo"}],
        ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/v2/"],
    ],
)
def test_context_outside_the_manifest(signed: dict[str, Any], verify: Verify, resolver: Any, contexts: list[Any]) -> None:
    signed["@context"] = contexts
    result = verify(signed)
    assert failed_codes(result) == {"context": "context.unknown"}
    assert result.check("signature").outcome == "skipped"
    assert resolver.calls == []


def test_nested_unknown_context(signed: dict[str, Any], verify: Verify) -> None:
    signed["credentialSubject"]["@context"] = "https://example.org/contexts/evil/v1"
    assert failed_codes(verify(signed)) == {"context": "context.unknown"}


def test_context_loaded_during_canonicalization_is_pinned_too(sign: Sign, verify: Verify, issuer_key: Any) -> None:
    # A pinned context whose type-scoped context points outside the manifest: the loader raises
    # UnknownContextError inside pyld, which surfaces as context.unknown on the signature check.
    loader = loader_with((SCOPED_TEST_CONTEXT, DATA / "scoped-unpinned.jsonld"))
    credential = make_credential(issuer_key.did_key, "eddsa-jcs-2022")
    credential = sign(credential, "eddsa-jcs-2022", loader=loader)
    credential["@context"] = [*credential["@context"], SCOPED_TEST_CONTEXT]
    credential["type"] = ["VerifiableCredential", "ScopedDiploma"]
    rdfc = sign(credential, "eddsa-jcs-2022", loader=loader)  # JCS signs without JSON-LD
    rdfc["proof"] = {**rdfc["proof"], "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    rdfc["proof"].pop("@context")
    result = verify(rdfc, document_loader=loader)
    assert failed_codes(result) == {"signature": "context.unknown"}
    assert "unpinned.example" in result.check("signature").message


def _did_web_issuer(key: Any, *, relationship: str = "assertionMethod") -> tuple[str, dict[str, Any]]:
    did = did_web_from_domain("men.gov.ma")
    document = build_did_document(did, key.public_key)
    if relationship != "assertionMethod":
        document[relationship] = document.pop("assertionMethod")
    return did, document


def test_did_web_issuer_verifies(suite: str, sign: Sign, verify: Verify, issuer_key: Any) -> None:
    did, document = _did_web_issuer(issuer_key)
    credential = sign(make_credential(did, suite), suite, verification_method=f"{did}#key-1")
    assert verify(credential, resolver=StaticResolver(document), trusted_issuers=frozenset({did})).verified


def test_key_not_under_assertion_method(suite: str, sign: Sign, verify: Verify, issuer_key: Any) -> None:
    did, document = _did_web_issuer(issuer_key, relationship="capabilityInvocation")
    credential = sign(make_credential(did, suite), suite, verification_method=f"{did}#key-1")
    result = verify(credential, resolver=StaticResolver(document), trusted_issuers=frozenset({did}))
    assert failed_codes(result) == {"key": "key.unauthorized"}
    assert result.check("signature").outcome == "skipped"


def _two_key_issuer(vc_api_key: Any) -> tuple[str, dict[str, Any]]:
    """The ministry's did:web with the diploma key #key-1 and the VC API's key #vc-api-1."""
    did, document = _did_web_issuer(LocalKey.generate())
    second = build_did_document(did, vc_api_key.public_key, fragment="vc-api-1")
    document["verificationMethod"] += second["verificationMethod"]
    document["assertionMethod"] += second["assertionMethod"]
    return did, document


@pytest.mark.parametrize("kind", ["BaccalaureateDiploma", "BaccalaureateTranscript"])
def test_a_diploma_type_signed_by_another_key_of_the_ministry_is_refused(kind: str, sign: Sign, verify: Verify, issuer_key: Any) -> None:
    """Issue 17: only the diploma key vouches for the ministry's types; a generic credential by the
    VC API's key (an assertionMethod of the same DID) still verifies."""
    did, document = _two_key_issuer(issuer_key)
    resolver = StaticResolver(document)
    generic = sign(make_credential(did), "eddsa-rdfc-2022", verification_method=f"{did}#vc-api-1")
    assert verify(generic, resolver=resolver, trusted_issuers=frozenset({did})).verified
    # JCS: signed without JSON-LD, so the types need no context here
    typed = sign(make_credential(did, type=["VerifiableCredential", kind]), "eddsa-jcs-2022", verification_method=f"{did}#vc-api-1")
    result = verify(typed, resolver=resolver, trusted_issuers=frozenset({did}))
    assert failed_codes(result) == {"key": "key.not_for_type"}
    assert result.check("signature").outcome == "skipped"


def test_key_missing_from_the_document(sign: Sign, verify: Verify, issuer_key: Any) -> None:
    did, document = _did_web_issuer(issuer_key)
    credential = sign(make_credential(did), "eddsa-rdfc-2022", verification_method=f"{did}#key-2")
    result = verify(credential, resolver=StaticResolver(document), trusted_issuers=frozenset({did}))
    assert failed_codes(result) == {"key": "key.unauthorized"}


def test_key_of_another_did(sign: Sign, verify: Verify, issuer_key: Any) -> None:
    credential = sign(make_credential(issuer_key.did_key), "eddsa-rdfc-2022", verification_method="did:web:other.example#key-1")
    assert failed_codes(verify(credential)) == {"key": "key.unauthorized"}


def test_wrong_key_in_the_did_document(sign: Sign, verify: Verify) -> None:
    # The DID document lists a different key than the one that signed: the signature fails.
    did, document = _did_web_issuer(LocalKey.generate())
    credential = sign(make_credential(did), "eddsa-rdfc-2022", verification_method=f"{did}#key-1")
    result = verify(credential, resolver=StaticResolver(document), trusted_issuers=frozenset({did}))
    assert failed_codes(result) == {"signature": "signature.invalid"}


def test_proof_purpose_must_be_assertion_method(suite: str, sign: Sign, verify: Verify, issuer_key: Any) -> None:
    credential = sign(make_credential(issuer_key.did_key, suite), suite, proof_purpose="authentication")
    assert failed_codes(verify(credential)) == {"key": "proof.purpose"}


def test_unresolvable_issuer_did(sign: Sign, verify: Verify, issuer_key: Any) -> None:
    did = did_web_from_domain("men.gov.ma")
    credential = sign(make_credential(did), "eddsa-rdfc-2022", verification_method=f"{did}#key-1")
    result = verify(credential, trusted_issuers=frozenset({did}))  # the resolver trusts no did:web
    assert failed_codes(result) == {"key": "did.resolution"}
    assert "did.untrusted" in result.check("key").message


def test_suite_not_allowed(signed: dict[str, Any], suite: str, verify: Verify) -> None:
    others = frozenset(SUITES) - {suite}
    assert failed_codes(verify(signed, allowed_suites=others)) == {"proof": "proof.unsupported"}


def test_missing_proof_still_reports_validity(verify: Verify, issuer_key: Any) -> None:
    result = verify(make_credential(issuer_key.did_key))
    assert outcomes(result)["proof"] == ("failed", "proof.missing")
    assert outcomes(result)["validity"] == ("passed", "ok")
    assert outcomes(result)["signature"] == ("skipped", "skipped")


@pytest.mark.parametrize(
    ("proof", "code"),
    [
        ([], "proof.missing"),
        (None, "proof.missing"),
        ("z3abc", "proof.malformed"),
        ({"type": "RsaSignature2018"}, "proof.unsupported"),
        ({"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019"}, "proof.unsupported"),
        ({"type": "DataIntegrityProof"}, "proof.unsupported"),
    ],
)
def test_bad_proofs(verify: Verify, issuer_key: Any, proof: Any, code: str) -> None:
    result = verify({**make_credential(issuer_key.did_key), "proof": proof})
    assert failed_codes(result) == {"proof": code}


def _proof_set(sign: Any, issuer_key: Any, *, chained: bool) -> dict[str, Any]:
    """A credential signed by a co-signer (a did:key) and by the issuer; ``chained``: the issuer's
    proof names the co-signer's as its previousProof and signs over it (VC Data Integrity 1.0 §4.3)."""
    from shahada.proofs import SUITES as PROOF_SUITES
    from shahada.proofs.canonical import encode_proof_value
    from shahada.schemas.loader import PinnedDocumentLoader

    suite, loader = PROOF_SUITES["eddsa-rdfc-2022"], PinnedDocumentLoader()

    def proof(key: LocalKey, signed_over: dict[str, Any], **extra: Any) -> dict[str, Any]:
        options = {**suite.proof_options(unsigned, verification_method=key.did_key_vm, created=NOW), **extra}
        options["proofValue"] = encode_proof_value(key.sign(suite.signing_input(signed_over, options, loader)))
        return options

    cosigner = LocalKey.generate()
    unsigned = make_credential(issuer_key.did_key, "eddsa-rdfc-2022")
    first = proof(cosigner, unsigned, id="urn:uuid:00000000-0000-4000-8000-000000000001")
    if not chained:
        return {**unsigned, "proof": [first, proof(issuer_key, unsigned)]}
    return {**unsigned, "proof": [first, proof(issuer_key, {**unsigned, "proof": first}, previousProof=first["id"])]}


@pytest.mark.parametrize("chained", [False, True], ids=["set", "chain"])
def test_proof_sets_and_chains_verify(sign: Any, issuer_key: Any, verify: Verify, chained: bool) -> None:
    credential = _proof_set(sign, issuer_key, chained=chained)
    result = verify(credential)
    assert result.verified, result.to_dict()
    tampered = copy.deepcopy(credential)
    tampered["proof"][0]["created"] = "2025-01-01T00:00:00Z"  # the co-signer's proof (and, chained, what the issuer signed)
    assert failed_codes(verify(tampered)) == {"signature": "signature.invalid"}


def test_bad_proof_sets(sign: Any, issuer_key: Any, signed: dict[str, Any], verify: Verify) -> None:
    chain = _proof_set(sign, issuer_key, chained=True)
    chain["proof"][1]["previousProof"] = "urn:uuid:not-in-the-set"
    assert failed_codes(verify(chain)) == {"proof": "proof.malformed"}
    only_cosigners = _proof_set(sign, issuer_key, chained=False)
    only_cosigners["proof"] = [only_cosigners["proof"][0], only_cosigners["proof"][0]]
    assert failed_codes(verify(only_cosigners)) == {"key": "key.unauthorized"}
    signed["proof"] = [signed["proof"]] * 5
    assert failed_codes(verify(signed)) == {"proof": "proof.unsupported"}


@pytest.mark.parametrize("field", ["proofValue", "verificationMethod", "proofPurpose"])
def test_proof_without_required_field(signed: dict[str, Any], verify: Verify, field: str) -> None:
    del signed["proof"][field]
    assert failed_codes(verify(signed)) == {"proof": "proof.malformed"}


@pytest.mark.parametrize("value", ["not-multibase", "z0OIl", "z3abc", 42, "zz"])
def test_unreadable_proof_value(signed: dict[str, Any], verify: Verify, value: Any) -> None:
    signed["proof"]["proofValue"] = value
    result = verify(signed)
    assert not result.verified
    assert set(failed_codes(result).values()) == {"proof.malformed"}


def test_bad_proof_created(signed: dict[str, Any], verify: Verify) -> None:
    signed["proof"]["created"] = "yesterday"
    assert failed_codes(verify(signed)) == {"signature": "proof.malformed"}
