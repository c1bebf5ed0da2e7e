"""tests for verifier/suites/: W3C test vectors, round trips, and ACA-Py 1.7's own signing code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from shahada.proofs import SUITES, suite_name
from shahada.proofs import ed25519_signature_2020 as ed2020
from shahada.proofs import eddsa_jcs_2022 as jcs
from shahada.proofs import eddsa_rdfc_2022 as rdfc
from shahada.proofs.canonical import ed25519_verify, encode_proof_value, hash_data, safe_expand
from shahada.proofs.canonical import jcs as jcs_bytes
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier import CanonicalizationError, ProofFormatError
from tests.support.local_signer import LocalKey
from tests.verifier.verifier_support import (
    NOW,
    VC_V1,
    acapy_v1_context,
    loader_with,
    make_credential,
)

# The W3C vc-di-eddsa test vectors are reproduced step by step in test_vectors.py.


# --- round trips and suite rules ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SUITES))
def test_create_then_verify(name: str, loader: PinnedDocumentLoader) -> None:
    key = LocalKey.generate()
    document = make_credential(key.did_key, name)
    proof = SUITES[name].create_proof(
        document, sign=key.sign, verification_method=key.did_key_vm, created=NOW, loader=loader
    )
    assert suite_name(proof) == name
    assert proof["proofPurpose"] == "assertionMethod"
    assert SUITES[name].verify({**document, "proof": proof}, proof, key.public_key, loader)
    wrong = {**proof, "proofPurpose": "authentication"}
    assert not SUITES[name].verify({**document, "proof": wrong}, wrong, key.public_key, loader)


@pytest.mark.parametrize("name", sorted(SUITES))
def test_a_proof_of_another_suite_is_refused(name: str, loader: PinnedDocumentLoader) -> None:
    other: dict[str, Any] = (
        {"type": "Ed25519Signature2020"}
        if name != "Ed25519Signature2020"
        else {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    )
    with pytest.raises(ProofFormatError):
        SUITES[name].verify(make_credential("did:example:1"), other, b"\x00" * 32, loader)


def test_jcs_proof_carries_the_document_context(loader: PinnedDocumentLoader) -> None:
    key = LocalKey.generate()
    document = make_credential(key.did_key, "eddsa-jcs-2022")
    proof = jcs.create_proof(document, sign=key.sign, verification_method=key.did_key_vm, created=NOW, loader=loader)
    assert proof["@context"] == document["@context"]
    # §3.3.2 step 4: the document's @context must start with the proof's.
    changed = {**document, "@context": ["https://w3id.org/security/data-integrity/v2"], "proof": proof}
    assert not jcs.verify(changed, proof, key.public_key, loader)
    extended = {**document, "@context": [*document["@context"], "https://w3id.org/security/data-integrity/v2"]}
    assert jcs.verify({**extended, "proof": proof}, proof, key.public_key, loader)


def test_jcs_without_proof_context_is_accepted(loader: PinnedDocumentLoader) -> None:
    # ACA-Py 1.7 omits §3.3.1 step 2: its proofs have no @context.
    key = LocalKey.generate()
    document = make_credential(key.did_key, "eddsa-jcs-2022")
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2025-07-01T12:00:00Z",
        "verificationMethod": key.did_key_vm,
        "proofPurpose": "assertionMethod",
    }
    proof["proofValue"] = encode_proof_value(key.sign(hash_data(jcs_bytes(proof), jcs_bytes(document))))
    assert jcs.verify({**document, "proof": [proof]}, proof, key.public_key, loader)


def test_rdfc_proof_config_uses_the_document_context(loader: PinnedDocumentLoader) -> None:
    key = LocalKey.generate()
    document = make_credential(key.did_key)
    proof = rdfc.create_proof(document, sign=key.sign, verification_method=key.did_key_vm, created=NOW, loader=loader)
    assert "@context" not in proof
    with_context = {**proof, "@context": ["https://example.org/ignored"]}  # replaced, §3.2.5 step 4
    assert rdfc.verify({**document, "proof": with_context}, with_context, key.public_key, loader)


@pytest.mark.parametrize(
    ("created", "acapy", "data_integrity"),
    [
        (datetime(2025, 7, 1, 10, 0, 0, 123456, tzinfo=UTC), "2025-07-01T10:00:00+00:00", "2025-07-01T10:00:00Z"),
        (datetime(2025, 7, 1, 10, 0), "2025-07-01T10:00:00+00:00", "2025-07-01T10:00:00Z"),
        (
            datetime(2025, 7, 1, 11, 0, tzinfo=timezone(timedelta(hours=1))),
            "2025-07-01T11:00:00+01:00",
            "2025-07-01T10:00:00Z",
        ),
        ("2025-07-01T10:00:00Z", "2025-07-01T10:00:00Z", "2025-07-01T10:00:00Z"),
    ],
)
def test_created_formats(created: datetime | str, acapy: str, data_integrity: str) -> None:
    assert ed2020.format_created(created) == acapy
    assert rdfc.format_created(created) == data_integrity


def test_suite_name() -> None:
    assert suite_name({"type": "Ed25519Signature2020"}) == "Ed25519Signature2020"
    assert suite_name({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}) == "eddsa-jcs-2022"
    assert suite_name({"type": "DataIntegrityProof"}) is None
    assert suite_name({"type": ["DataIntegrityProof"]}) is None


def test_unsafe_documents_cannot_be_signed(loader: PinnedDocumentLoader) -> None:
    key = LocalKey.generate()
    document = make_credential(key.did_key)
    document["credentialSubject"]["mention"] = "Très bien"  # not defined by the VC 2.0 context
    with pytest.raises(CanonicalizationError, match="'mention'") as info:
        rdfc.create_proof(document, sign=key.sign, verification_method=key.did_key_vm, created=NOW, loader=loader)
    assert info.value.code == "jsonld.invalid"


def test_safe_expand_reports_json_ld_errors(loader: PinnedDocumentLoader) -> None:
    with pytest.raises(CanonicalizationError, match="expansion failed"):
        safe_expand({"@context": ["https://www.w3.org/ns/credentials/v2"], "@id": 42}, loader)


@pytest.mark.parametrize("value", [float("nan"), 2**60, {1: "non-string key"}])
def test_jcs_rejects_what_it_cannot_encode(value: Any) -> None:
    with pytest.raises(CanonicalizationError):
        jcs_bytes({"value": value})


def test_jcs_writes_integral_floats_as_integers() -> None:
    # RFC 8785 uses ECMAScript number serialization; ACA-Py's canonicaljson writes 16.0.
    assert jcs_bytes({"b": 16.0, "a": 15.25}) == b'{"a":15.25,"b":16}'


def test_ed25519_verify_rejects_bad_keys() -> None:
    assert not ed25519_verify(b"\x00" * 31, b"\x00" * 64, b"data")


# --- ACA-Py 1.7's own Ed25519Signature2020 code path (no wallet, no HTTP) ------------------------

ACAPY_SIGNER = Path(__file__).parent / "acapy_ld_issue.py"
SEED = bytes(range(32))


def acapy_sign(credential: dict[str, Any], verification_method: str, date: str | None) -> dict[str, Any]:
    request = {"credential": credential, "seed": SEED.hex(), "verification_method": verification_method, "date": date}
    completed = subprocess.run(
        [sys.executable, str(ACAPY_SIGNER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},  # the scripts import tests.verifier.acapy_local_key
    )
    assert completed.returncode == 0, completed.stderr
    signed: dict[str, Any] = json.loads(completed.stdout)
    return signed


@pytest.mark.parametrize("version", ["v2", "v1"])
def test_acapy_ed25519_signature_2020_is_reproduced_byte_for_byte(version: str) -> None:
    key = LocalKey.from_seed(SEED)
    loader = loader_with((VC_V1, acapy_v1_context()))
    unsigned = make_credential(key.did_key, "eddsa-rdfc-2022", version)  # ACA-Py adds the suite context
    acapy = acapy_sign(unsigned, key.did_key_vm, "2025-07-01T10:00:00+00:00")
    assert acapy["@context"][-1] == "https://w3id.org/security/suites/ed25519-2020/v1"
    proof = acapy["proof"]
    assert proof["created"] == "2025-07-01T10:00:00+00:00"
    assert ed2020.verify(acapy, proof, key.public_key, loader)

    ours = ed2020.create_proof(
        {k: v for k, v in acapy.items() if k != "proof"},
        sign=key.sign,
        verification_method=key.did_key_vm,
        created=datetime(2025, 7, 1, 10, 0, tzinfo=UTC),
        loader=loader,
    )
    assert ours == proof  # Ed25519 is deterministic: same verify data, same proofValue


def test_acapy_default_created_date_verifies() -> None:
    key = LocalKey.from_seed(SEED)
    acapy = acapy_sign(make_credential(key.did_key), key.did_key_vm, None)
    created = datetime.fromisoformat(acapy["proof"]["created"])
    assert created.tzinfo is not None and acapy["proof"]["created"].endswith("+00:00")
    assert ed2020.verify(acapy, acapy["proof"], key.public_key, PinnedDocumentLoader())


def test_documents_nested_too_deep_are_refused_not_crashed(loader: PinnedDocumentLoader) -> None:
    deep: Any = "leaf"
    for _ in range(5000):  # far beyond Python's recursion limit in pyld and rfc8785
        deep = {"a": deep}
    document = make_credential("did:example:1", credentialSubject={"id": "did:example:2", "x": deep})
    with pytest.raises(CanonicalizationError, match="nested deeper"):
        safe_expand(document, loader)
    with pytest.raises(CanonicalizationError, match="nested deeper"):
        jcs_bytes(document)


def test_acapy_signs_text_direction_only_with_the_plugin(loader: PinnedDocumentLoader) -> None:
    """Stock ACA-Py drops ``@direction`` from what Ed25519Signature2020 signs; with the project's
    plugin (shahada.agent.plugin.direction) it signs it as the reference and this verifier do."""
    key = LocalKey.from_seed(SEED)
    unsigned = make_credential(key.did_key, "Ed25519Signature2020")
    unsigned["credentialSubject"] = {"name": {"@value": "العلوي", "@language": "ar", "@direction": "rtl"}}  # VC 2.0 @vocab
    with_plugin = acapy_sign(unsigned, key.did_key_vm, "2025-07-01T10:00:00+00:00")
    assert ed2020.verify(with_plugin, with_plugin["proof"], key.public_key, loader)
    request = {"credential": unsigned, "seed": SEED.hex(), "verification_method": key.did_key_vm,
               "date": "2025-07-01T10:00:00+00:00", "stock": True}
    completed = subprocess.run(
        [sys.executable, str(ACAPY_SIGNER)], input=json.dumps(request), capture_output=True, text=True, timeout=120,
        check=False, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert completed.returncode == 0, completed.stderr
    stock = json.loads(completed.stdout)
    assert stock["proof"]["proofValue"] != with_plugin["proof"]["proofValue"]
    assert not ed2020.verify(stock, stock["proof"], key.public_key, loader)
