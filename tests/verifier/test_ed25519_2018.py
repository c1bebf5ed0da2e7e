"""verifier/suites/ed25519_signature_2018.py: the detached-JWS suite ACA-Py signs DIF presentations
with. Round trips with a local key, the exact bytes signed, and every malformed JWS refused. Real
ACA-Py presentations are verified in test_dif_presentations.py."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from shahada.proofs import SUITES, suite_name
from shahada.proofs import ed25519_signature_2018 as ed2018
from shahada.proofs.canonical import rdf_canonize
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier import ProofFormatError
from shahada.verifier.verify import DEFAULT_SUITES
from tests.support.local_signer import LocalKey
from tests.verifier.verifier_support import NOW, make_credential

VC_V1 = "https://www.w3.org/2018/credentials/v1"
SUBMISSION = "https://identity.foundation/presentation-exchange/submission/v1"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def presentation() -> dict[str, Any]:
    return {
        "@context": [VC_V1, SUBMISSION],
        "type": ["VerifiablePresentation", "PresentationSubmission"],
        "presentation_submission": {"id": "s-1", "definition_id": "d-1", "descriptor_map": []},
        "verifiableCredential": [],
    }


def signed_presentation(key: LocalKey, loader: PinnedDocumentLoader, challenge: str = "3f0c5a0e-8d4b-4b61-9a57-0c1d2e3f4a5b") -> dict[str, Any]:
    vp = presentation()
    options = ed2018.proof_options(vp, verification_method=key.did_key_vm, created=NOW, proof_purpose="authentication")
    options["challenge"] = challenge
    return {**vp, "proof": ed2018.sign_proof(vp, options, sign=key.sign, loader=loader)}


@pytest.fixture(scope="module")
def key() -> LocalKey:
    return LocalKey.generate()


def test_registered_and_accepted_by_default() -> None:
    assert SUITES["Ed25519Signature2018"].signature_field == "jws"
    assert SUITES["eddsa-rdfc-2022"].signature_field == "proofValue"
    assert "Ed25519Signature2018" in DEFAULT_SUITES
    assert suite_name({"type": "Ed25519Signature2018"}) == "Ed25519Signature2018"


def test_the_header_is_written_as_acapy_writes_it() -> None:
    # ACA-Py: json.dumps({"alg": "EdDSA", "b64": False, "crit": ["b64"]}), base64url without padding
    assert ed2018.ENCODED_HEADER == "eyJhbGciOiAiRWREU0EiLCAiYjY0IjogZmFsc2UsICJjcml0IjogWyJiNjQiXX0"


def test_what_is_signed(key: LocalKey, loader: PinnedDocumentLoader) -> None:
    vp = signed_presentation(key, loader)
    proof = vp["proof"]
    header, empty, signature = proof["jws"].split(".")
    assert (header, empty) == (ed2018.ENCODED_HEADER, "") and set(proof) == {"type", "verificationMethod", "created", "proofPurpose", "challenge", "jws"}
    unsecured = {k: v for k, v in vp.items() if k != "proof"}
    options = {**{k: v for k, v in proof.items() if k != "jws"}, "@context": vp["@context"]}
    verify_data = hashlib.sha256(rdf_canonize(options, loader)).digest() + hashlib.sha256(rdf_canonize(unsecured, loader)).digest()
    assert ed2018.verify_data(vp, proof, loader) == verify_data
    signing_input = header.encode() + b"." + verify_data  # RFC 7797: the payload bytes as they are
    assert ed2018.signing_input(unsecured, proof, loader) == signing_input
    raw = base64.urlsafe_b64decode(signature + "==")
    key.private_key.public_key().verify(raw, signing_input)  # raises if not
    assert ed2018.verify(vp, proof, key.public_key, loader)


@pytest.mark.parametrize(
    "change",
    [
        lambda vp: vp["proof"].update(challenge="another-challenge"),
        lambda vp: vp["proof"].update(created="2025-07-01T12:00:01+00:00"),
        lambda vp: vp["proof"].update(proofPurpose="assertionMethod"),
        lambda vp: vp["presentation_submission"].update(definition_id="d-2"),
        lambda vp: vp["verifiableCredential"].append({"@context": [VC_V1], "type": ["VerifiableCredential"]}),
    ],
    ids=["challenge", "created", "purpose", "submission", "credential-added"],
)
def test_every_signed_value_counts(key: LocalKey, loader: PinnedDocumentLoader, change: Callable[[dict[str, Any]], Any]) -> None:
    vp = signed_presentation(key, loader)
    change(vp)
    assert not ed2018.verify(vp, vp["proof"], key.public_key, loader)


def test_another_key_does_not_verify(key: LocalKey, loader: PinnedDocumentLoader) -> None:
    vp = signed_presentation(key, loader)
    assert not ed2018.verify(vp, vp["proof"], LocalKey.generate().public_key, loader)


def test_one_character_of_the_signature(key: LocalKey, loader: PinnedDocumentLoader) -> None:
    vp = signed_presentation(key, loader)
    header, _, signature = vp["proof"]["jws"].split(".")
    middle = len(signature) // 2
    swapped = "A" if signature[middle] != "A" else "B"  # inside the alphabet, far from the padding bits
    vp["proof"]["jws"] = f"{header}..{signature[:middle]}{swapped}{signature[middle + 1:]}"
    assert not ed2018.verify(vp, vp["proof"], key.public_key, loader)


def _header(value: Any) -> str:
    return b64(json.dumps(value).encode())


SIGNATURE = b64(bytes(64))
DUPLICATED = b64(b'{"alg":"none","alg":"EdDSA","b64":false,"crit":["b64"]}')  # the last "alg" would win


@pytest.mark.parametrize(
    ("jws", "reason"),
    [
        (f"{_header({'alg': 'none', 'b64': False, 'crit': ['b64']})}..{SIGNATURE}", "exactly"),
        (f"{_header({'alg': 'EdDSA', 'b64': True, 'crit': ['b64']})}..{SIGNATURE}", "exactly"),
        (f"{_header({'alg': 'EdDSA', 'b64': 0, 'crit': ['b64']})}..{SIGNATURE}", "exactly"),
        (f"{_header({'alg': 'EdDSA', 'b64': False})}..{SIGNATURE}", "exactly"),
        (f"{_header({'alg': 'EdDSA', 'b64': False, 'crit': ['b64'], 'kid': 'x'})}..{SIGNATURE}", "exactly"),
        (f"{_header({'alg': 'EdDSA', 'b64': False, 'crit': ['b64', 'exp']})}..{SIGNATURE}", "exactly"),
        (f"{DUPLICATED}..{SIGNATURE}", "not JSON"),
        (f"{b64(b'not json')}..{SIGNATURE}", "not JSON"),
        (f"{ed2018.ENCODED_HEADER}.cGF5bG9hZA.{SIGNATURE}", "detached"),
        (f"{ed2018.ENCODED_HEADER}..{SIGNATURE}..", "detached"),
        (f"{ed2018.ENCODED_HEADER}.{SIGNATURE}", "detached"),
        (f"{ed2018.ENCODED_HEADER}..{b64(bytes(63))}", "64-byte"),
        (f"{ed2018.ENCODED_HEADER}..{SIGNATURE}==", "unpadded"),
        (f"{ed2018.ENCODED_HEADER}..{SIGNATURE[:-1]}B", "canonical"),  # trailing bits set
        (f"{ed2018.ENCODED_HEADER}..{SIGNATURE[:-2]}+/", "base64url"),
        (f"{ed2018.ENCODED_HEADER}=..{SIGNATURE}", "unpadded"),
    ],
)
def test_malformed_jws_is_refused(key: LocalKey, loader: PinnedDocumentLoader, jws: str, reason: str) -> None:
    vp = signed_presentation(key, loader)
    vp["proof"]["jws"] = jws
    with pytest.raises(ProofFormatError, match=reason) as caught:
        ed2018.verify(vp, vp["proof"], key.public_key, loader)
    assert caught.value.code == "proof.malformed"


def test_a_proof_without_jws_or_of_another_type(key: LocalKey, loader: PinnedDocumentLoader) -> None:
    vp = signed_presentation(key, loader)
    proof = {k: v for k, v in vp["proof"].items() if k != "jws"}
    with pytest.raises(ProofFormatError, match="jws"):
        ed2018.verify(vp, proof, key.public_key, loader)
    with pytest.raises(ProofFormatError, match="not an Ed25519Signature2018"):
        ed2018.verify(vp, {**vp["proof"], "type": "Ed25519Signature2020"}, key.public_key, loader)


def test_credentials_too(key: LocalKey, loader: PinnedDocumentLoader, verify: Any) -> None:
    credential = make_credential(key.did_key, "Ed25519Signature2018")  # VC 1.1: only it defines the suite
    credential["proof"] = SUITES["Ed25519Signature2018"].create_proof(credential, sign=key.sign, verification_method=key.did_key_vm, created=NOW, loader=loader)
    result = verify(credential, trusted_issuers=frozenset({key.did_key}))
    assert result.verified, result.to_dict()
    del credential["proof"]["jws"]
    assert {e.code for e in verify(credential, trusted_issuers=frozenset({key.did_key})).errors} == {"proof.malformed"}
