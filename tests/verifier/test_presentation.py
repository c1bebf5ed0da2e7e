"""verifier/presentation.py: a presentation's authentication proof, challenge, domain, holder
binding and every credential inside, with real suites, a did:key holder and the pinned loader."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.presentation import PRESENTATION_CHECKS, PresentationResult, verify_presentation
from shahada.verifier.result import Check
from tests.support.local_signer import LocalKey
from tests.support.presentations import make_presentation, sign_presentation
from tests.verifier.verifier_support import NOW, SUITES, make_credential

Sign = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def holder() -> LocalKey:
    return LocalKey.generate()


@pytest.fixture
def credential(sign: Sign, issuer_key: LocalKey, holder: LocalKey) -> dict[str, Any]:
    unsigned = make_credential(issuer_key.did_key, "eddsa-rdfc-2022")
    unsigned["credentialSubject"]["id"] = holder.did_key
    return sign(unsigned, "eddsa-rdfc-2022")


@pytest.fixture
def present(holder: LocalKey, loader: PinnedDocumentLoader) -> Callable[..., dict[str, Any]]:
    def _present(credentials: list[dict[str, Any]], suite: str = "eddsa-rdfc-2022", *, holder_id: str | None = "auto", **kwargs: Any) -> dict[str, Any]:
        vp = make_presentation(credentials, holder=holder.did_key if holder_id == "auto" else holder_id, suite=suite)
        kwargs.setdefault("key", holder)
        return sign_presentation(vp, suite=suite, created=NOW, loader=loader, **kwargs)

    return _present


@pytest.fixture
def verify_vp(loader: PinnedDocumentLoader, resolver: Any, issuer_key: LocalKey) -> Callable[..., PresentationResult]:
    def _verify(vp: Any, **kwargs: Any) -> PresentationResult:
        kwargs.setdefault("document_loader", loader)
        kwargs.setdefault("resolver", resolver)
        kwargs.setdefault("trusted_issuers", frozenset({issuer_key.did_key}))
        kwargs.setdefault("now", NOW)
        return verify_presentation(vp, **kwargs)

    return _verify


def outcomes(result: PresentationResult) -> dict[str, str]:
    return {c.name: c.outcome if c.outcome != "failed" else c.code for c in result.checks}


@pytest.mark.parametrize("suite", SUITES)
def test_a_presentation_with_challenge_and_domain_verifies(suite: str, present: Any, verify_vp: Any, credential: dict[str, Any], holder: LocalKey) -> None:
    vp = present([credential], suite, challenge="c-123", domain="admissions.example.ca")
    result = verify_vp(vp, challenge="c-123", domain="admissions.example.ca")
    assert result.verified, result.to_dict()
    assert [c.name for c in result.checks] == list(PRESENTATION_CHECKS)
    assert all(c.outcome == "passed" for c in result.checks)
    assert result.holder == holder.did_key
    assert len(result.credentials) == 1 and result.credentials[0].verified


def test_several_credentials_are_each_verified(present: Any, verify_vp: Any, credential: dict[str, Any], sign: Sign, issuer_key: LocalKey, holder: LocalKey) -> None:
    second = make_credential(issuer_key.did_key, "eddsa-jcs-2022", id="urn:uuid:5b0e1c2a-0d8f-4b8e-9c1a-2f3e4d5c6b7a")
    second["credentialSubject"]["id"] = holder.did_key
    result = verify_vp(present([credential, sign(second, "eddsa-jcs-2022")], challenge="x"), challenge="x")
    assert result.verified and len(result.credentials) == 2


def test_a_presentation_without_credentials_verifies(present: Any, verify_vp: Any, holder: LocalKey) -> None:
    """VC Data Model 2.0 §4.13: verifiableCredential is optional (e.g. a holder proving control of its DID)."""
    result = verify_vp(present([], challenge="c-1"), challenge="c-1")
    assert result.verified and result.authentic, result.to_dict()
    assert result.check("credentials").outcome == "passed" and result.credentials == ()
    assert result.holder == holder.did_key


def test_an_authentic_credential_from_an_untrusted_issuer(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    result = verify_vp(present([credential], challenge="c"), challenge="c", trusted_issuers=frozenset({"did:web:men.gov.ma"}))
    assert result.check("credentials").code == "issuer.untrusted"
    assert result.verified is False and result.authentic is True


def test_no_challenge_expected_is_skipped_not_failed(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    result = verify_vp(present([credential]))
    assert result.verified
    assert outcomes(result)["challenge"] == "skipped" and outcomes(result)["domain"] == "skipped"


@pytest.mark.parametrize(
    ("signed_with", "expected", "code"),
    [({"challenge": "other"}, {"challenge": "c-123"}, "challenge.mismatch"), ({}, {"challenge": "c-123"}, "challenge.missing"),
     ({"domain": "evil.example"}, {"domain": "admissions.example.ca"}, "domain.mismatch"), ({}, {"domain": "admissions.example.ca"}, "domain.missing")],
)
def test_wrong_or_missing_challenge_and_domain(present: Any, verify_vp: Any, credential: dict[str, Any], signed_with: dict[str, str], expected: dict[str, str], code: str) -> None:
    result = verify_vp(present([credential], **signed_with), **expected)
    assert not result.verified
    assert [e.code for e in result.errors] == [code]


def test_the_challenge_is_signed(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    vp = present([credential], challenge="c-123")
    vp["proof"]["challenge"] = "c-456"  # an attacker rewrites the challenge to replay the presentation
    result = verify_vp(vp, challenge="c-456")
    assert [e.code for e in result.errors] == ["signature.invalid"]


def test_assertion_purpose_is_refused(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    result = verify_vp(present([credential], proof_purpose="assertionMethod"))
    assert outcomes(result)["key"] == "proof.purpose" and not result.verified


def test_a_key_of_someone_else_is_refused(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    thief = LocalKey.generate()
    # signed by the thief's key but claiming the holder: the key is not the holder's
    result = verify_vp(present([credential], key=thief, verification_method=thief.did_key_vm))
    assert outcomes(result)["key"] == "key.unauthorized"
    # the thief as holder: the proof holds, the binding to the credential's subject does not
    result = verify_vp(present([credential], holder_id=thief.did_key, key=thief))
    assert outcomes(result)["holder"] == "holder.mismatch" and outcomes(result)["signature"] == "passed"


def test_without_holder_the_proof_key_is_the_holder(present: Any, verify_vp: Any, credential: dict[str, Any], holder: LocalKey) -> None:
    result = verify_vp(present([credential], holder_id=None))
    assert result.verified and result.holder == holder.did_key


def test_a_credential_without_subject_id_needs_no_binding(present: Any, verify_vp: Any, sign: Sign, issuer_key: LocalKey) -> None:
    bare = make_credential(issuer_key.did_key, "eddsa-rdfc-2022")
    del bare["credentialSubject"]["id"]
    result = verify_vp(present([sign(bare, "eddsa-rdfc-2022")]))
    assert result.verified and "nothing to bind" in result.check("holder").message


def test_a_tampered_credential_inside_fails_and_says_which(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    forged = copy.deepcopy(credential)
    forged["credentialSubject"]["name"] = "Someone Else"
    result = verify_vp(present([credential, forged]))
    assert outcomes(result)["credentials"] == "credential.invalid"
    assert "credential 1: signature.invalid" in result.check("credentials").message
    assert outcomes(result)["signature"] == "passed"  # the holder did sign the forgery


def test_an_untrusted_issuer_inside_fails(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    result = verify_vp(present([credential]), trusted_issuers=frozenset({"did:web:diplomes.men.gov.ma"}))
    assert not result.verified and result.credentials[0].errors[0].code == "issuer.untrusted"


def test_a_did_web_holder_outside_the_trust_list_is_not_fetched(present: Any, verify_vp: Any, credential: dict[str, Any], resolver: Any, holder: LocalKey) -> None:
    vp = present([credential], holder_id="did:web:attacker.example", verification_method="did:web:attacker.example#key-1")
    result = verify_vp(vp)
    assert outcomes(result)["key"] == "did.untrusted"
    assert resolver.calls.count("did:web:attacker.example") == 1  # asked, and refused before any request


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda vp: vp.update(type=["VerifiableCredential"]), "VerifiablePresentation"),
        (lambda vp: vp.update(verifiableCredential=["eyJhbGciOi.fake.jwt"]), "enveloped"),
        (lambda vp: vp.update(holder=42), "holder"),
        (lambda vp: vp.update({"@context": ["https://example.com/x"]}), "@context"),
        (lambda vp: vp.update(verifiableCredential=[{"a": 1}] * 9), "at most 8"),
    ],
)
def test_malformed_presentations(present: Any, verify_vp: Any, credential: dict[str, Any], mutate: Callable[[dict[str, Any]], None], message: str) -> None:
    vp = present([credential])
    mutate(vp)
    result = verify_vp(vp)
    assert result.check("structure").code == "presentation.malformed" and message in result.check("structure").message
    assert all(c.outcome == "skipped" for c in result.checks[1:])


def test_not_an_object() -> None:
    result = verify_presentation([], document_loader=PinnedDocumentLoader(), resolver=None, trusted_issuers=frozenset(), now=NOW)  # type: ignore[arg-type]
    assert not result.verified and result.errors[0].code == "presentation.malformed"


def test_unknown_context_in_a_credential_inside(present: Any, verify_vp: Any, credential: dict[str, Any], resolver: Any) -> None:
    credential["@context"] = [*credential["@context"], "https://example.com/unpinned/v1"]
    result = verify_vp(present([credential], "eddsa-jcs-2022"))  # JCS signs without expanding contexts
    assert outcomes(result)["context"] == "context.unknown"
    assert resolver.calls == []  # nothing was resolved, nothing fetched


def test_with_check_replaces_and_recomputes(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    result = verify_vp(present([credential], challenge="once"), challenge="once")
    assert result.verified
    replayed = result.with_check(Check("challenge", "failed", "challenge.replayed", "used before"))
    assert not replayed.verified and [e.code for e in replayed.errors] == ["challenge.replayed"]


# --- VC 1.1 presentations as ACA-Py's DIF handler builds them ------------------------------------

VC_V1 = "https://www.w3.org/2018/credentials/v1"
SUBMISSION_CONTEXT = "https://identity.foundation/presentation-exchange/submission/v1"


def dif_vp(credentials: list[dict[str, Any]], key: LocalKey, loader: PinnedDocumentLoader, challenge: str = "c-1", **submission: Any) -> dict[str, Any]:
    """A VC 1.1 DIF presentation without holder, signed Ed25519Signature2018 by ``key``."""
    from shahada.proofs import ed25519_signature_2018 as ed2018

    vp: dict[str, Any] = {
        "@context": [VC_V1, SUBMISSION_CONTEXT],
        "type": ["VerifiablePresentation", "PresentationSubmission"],
        "presentation_submission": {"id": "s", "definition_id": "d", "descriptor_map": [], **submission},
        "verifiableCredential": credentials,
    }
    options = ed2018.proof_options(vp, verification_method=key.did_key_vm, created=NOW, proof_purpose="authentication")
    options["challenge"] = challenge
    return {**vp, "proof": ed2018.sign_proof(vp, options, sign=key.sign, loader=loader)}


@pytest.fixture
def v1_credential(sign: Sign, issuer_key: LocalKey, holder: LocalKey) -> dict[str, Any]:
    unsigned = make_credential(issuer_key.did_key, "Ed25519Signature2020", "v1")
    unsigned["credentialSubject"]["id"] = holder.did_key
    return sign(unsigned, "Ed25519Signature2020")


def test_a_dif_presentation_without_holder(verify_vp: Any, v1_credential: dict[str, Any], holder: LocalKey, loader: PinnedDocumentLoader) -> None:
    result = verify_vp(dif_vp([v1_credential], holder, loader), challenge="c-1")
    assert result.verified, result.to_dict()
    assert result.holder == holder.did_key and result.check("holder").outcome == "passed"
    thief = LocalKey.generate()
    assert outcomes(verify_vp(dif_vp([v1_credential], thief, loader), challenge="c-1"))["holder"] == "holder.mismatch"


def test_a_vc_2_0_credential_in_a_vc_1_1_presentation(verify_vp: Any, credential: dict[str, Any], v1_credential: dict[str, Any], holder: LocalKey) -> None:
    vp = {
        "@context": [VC_V1, SUBMISSION_CONTEXT],
        "type": ["VerifiablePresentation", "PresentationSubmission"],
        "presentation_submission": {"id": "s", "definition_id": "d", "descriptor_map": []},
        "verifiableCredential": [v1_credential, credential],  # JSON-LD cannot even expand this: unsignable
        "proof": {"type": "Ed25519Signature2018", "verificationMethod": holder.did_key_vm, "proofPurpose": "authentication", "jws": "x..y"},
    }
    result = verify_vp(vp)
    structure = result.check("structure")
    assert structure.code == "presentation.version_mismatch" and "credential(s) 1 are VC 2.0" in structure.message
    assert all(c.outcome == "skipped" for c in result.checks[1:])


def test_a_vc_1_1_credential_in_a_vc_2_0_presentation_is_fine(present: Any, verify_vp: Any, v1_credential: dict[str, Any]) -> None:
    assert verify_vp(present([v1_credential])).verified  # JSON-LD expands this one


@pytest.mark.parametrize(
    "change",
    [
        lambda vp: vp.pop("presentation_submission"),
        lambda vp: vp.update(type=["VerifiablePresentation"]),
        lambda vp: vp.update(presentation_submission="s"),
        lambda vp: vp["presentation_submission"].pop("descriptor_map"),
    ],
    ids=["submission-missing", "type-missing", "not-an-object", "no-descriptor-map"],
)
def test_a_broken_submission(verify_vp: Any, v1_credential: dict[str, Any], holder: LocalKey, loader: PinnedDocumentLoader, change: Callable[[dict[str, Any]], Any]) -> None:
    vp = dif_vp([v1_credential], holder, loader)
    change(vp)
    structure = verify_vp(vp).check("structure")
    assert structure.code == "presentation.malformed" and "presentation_submission" in structure.message


class Revoked:
    """A status check that says every credential is revoked."""

    def check(self, credential: Any, issuer: str) -> Check:
        return Check("status", "failed", "status.revoked", "revocation bit set")


def test_the_status_of_every_credential_inside(present: Any, verify_vp: Any, credential: dict[str, Any]) -> None:
    vp = present([credential])
    assert verify_vp(vp).credentials[0].checks[-1].name == "validity"  # no status checker, no status check
    result = verify_vp(vp, status=Revoked())
    assert outcomes(result)["credentials"] == "credential.invalid"
    assert "credential 0: status.revoked" in result.check("credentials").message
    assert result.credentials[0].check("status").code == "status.revoked"
