"""The plugin's Data Integrity signer inside the real agent (``POST /shahada/di/add-proof`` and
``/shahada/di/verify``): eddsa-rdfc-2022 and eddsa-jcs-2022 by the wallet's key, checked by the
project's independent verifier; every bad request a clean 400 with a stable code."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from shahada.did.multibase import decode_base58btc
from shahada.proofs.canonical import rdf_canonize
from shahada.schemas.loader import PinnedDocumentLoader
from tests.issuer.di_support import Admin, sample_transcript
from tests.support.attacks import poison_graph
from tests.support.mutations import altered, leaves

pytestmark = pytest.mark.agent
CREATED = "2025-07-01T10:00:00Z"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture(scope="module")
def admin(ministry: Any) -> Admin:
    return Admin(ministry.agent.admin_url, ministry.agent.api_key)


@pytest.fixture(scope="module")
def transcript(ministry: Any) -> dict[str, Any]:
    return sample_transcript(ministry.identity.did)


def sign(admin: Admin, ministry: Any, document: Any, cryptosuite: str = "eddsa-rdfc-2022", **options: Any) -> dict[str, Any]:
    options.setdefault("verificationMethod", ministry.identity.verification_method)
    status, answer = admin.add_proof(document, cryptosuite=cryptosuite, **options)
    assert status == 200, answer
    secured: dict[str, Any] = answer["securedDocument"]
    return secured


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_credential_signed_in_the_agent_verifies_with_the_project_verifier(
    ministry: Any, admin: Admin, transcript: dict[str, Any], cryptosuite: str
) -> None:
    secured = sign(admin, ministry, transcript, cryptosuite)
    proof = secured["proof"]
    assert {k: v for k, v in secured.items() if k != "proof"} == transcript
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == cryptosuite
    assert proof["verificationMethod"] == f"{ministry.identity.did}#key-1"
    assert proof["proofPurpose"] == "assertionMethod" and proof["created"].endswith("Z")
    assert len(decode_base58btc(proof["proofValue"])) == 64
    if cryptosuite == "eddsa-jcs-2022":  # §3.3.1 step 2, which ACA-Py's own add-proof omits
        assert proof["@context"] == transcript["@context"]
    result = ministry.verifier().verify(secured)
    assert result.verified, result.to_dict()
    assert ministry.client.verify_data_integrity(secured)["verified"] is True


def test_the_proof_value_changes_when_any_quad_changes(ministry: Any, admin: Admin, transcript: dict[str, Any]) -> None:
    loader = PinnedDocumentLoader()
    original = sign(admin, ministry, transcript, created=CREATED)["proof"]["proofValue"]
    assert sign(admin, ministry, transcript, created=CREATED)["proof"]["proofValue"] == original  # deterministic
    quads = rdf_canonize(transcript, loader)
    paths = [p for p in leaves(transcript) if p[0] != "@context"]
    assert len(paths) > 40
    unprotected, refused = [], []
    for path in paths:
        changed = altered(transcript, path)
        status, answer = admin.add_proof(changed, cryptosuite="eddsa-rdfc-2022", verificationMethod=ministry.identity.verification_method, created=CREATED)
        if status == 400:  # a changed type loses its type-scoped terms, a changed issuer its key: refused
            assert answer["code"] in {"jsonld.invalid", "di.key_relationship"}, (path, answer)
            refused.append(path)
            continue
        value = answer["securedDocument"]["proof"]["proofValue"]
        if rdf_canonize(changed, loader) == quads:
            unprotected.append(path)
            assert value == original, path
        else:
            assert value != original, path
    assert len(refused) < len(paths) // 4, refused
    # every change shows in the quads, @direction included (toRdf with rdfDirection "i18n-datatype",
    # as the reference suites do; it used to be the only change no quad showed, see docs/credentials.md)
    assert unprotected == []
    assert any(p[-1] == "@direction" for p in paths)
    assert sign(admin, ministry, transcript, created="2025-07-01T10:00:01Z")["proof"]["proofValue"] != original


def _other_did_key(ministry: Any) -> str:
    other = ministry.client.create_did("key", {"key_type": "ed25519"})
    return str(other.did)


def bad_requests(ministry: Any, transcript: dict[str, Any]) -> list[tuple[str, Any, str]]:
    did, vm = ministry.identity.did, ministry.identity.verification_method
    ok = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": vm}
    deep: Any = "x"
    for _ in range(3000):
        deep = [deep]
    other = _other_did_key(ministry)
    return [
        ("not an object", [transcript], "di.request"),
        ("no options", {"document": transcript}, "di.request"),
        ("unknown member", {"document": transcript, "options": ok, "extra": 1}, "di.request"),
        ("unknown option", {"document": transcript, "options": {**ok, "domain": "example.org"}}, "di.request"),
        ("unsupported cryptosuite", {"document": transcript, "options": {**ok, "cryptosuite": "ecdsa-rdfc-2019"}}, "di.cryptosuite"),
        ("other proof type", {"document": transcript, "options": {**ok, "type": "Ed25519Signature2020"}}, "di.cryptosuite"),
        ("no verification method", {"document": transcript, "options": {k: v for k, v in ok.items() if k != "verificationMethod"}}, "di.request"),
        ("method without fragment", {"document": transcript, "options": {**ok, "verificationMethod": did}}, "di.request"),
        ("created not a date", {"document": transcript, "options": {**ok, "created": "yesterday"}}, "di.request"),
        ("created without zone", {"document": transcript, "options": {**ok, "created": "2025-07-01T10:00:00"}}, "di.request"),
        ("credential for authentication", {"document": transcript, "options": {**ok, "proofPurpose": "authentication"}}, "di.document"),
        ("already has a proof", {"document": {**transcript, "proof": {"type": "x"}}, "options": ok}, "di.document"),
        ("credential without issuer", {"document": {k: v for k, v in transcript.items() if k != "issuer"}, "options": ok}, "di.document"),
        ("undefined term", {"document": {**transcript, "mention2": "TB"}, "options": ok}, "jsonld.invalid"),
        ("undefined term (jcs)", {"document": {**transcript, "mention2": "TB"}, "options": {**ok, "cryptosuite": "eddsa-jcs-2022"}}, "jsonld.invalid"),
        ("unpinned context", {"document": {**transcript, "@context": [*transcript["@context"], "https://contexts.invalid/v1"]}, "options": ok}, "context.unknown"),
        ("nested too deep", {"document": {**transcript, "credentialSubject": {**transcript["credentialSubject"], "x": deep}}, "options": ok}, "jsonld.invalid"),
        ("poison graph (RDFC-1.0 §8)", {"document": poison_graph(transcript), "options": ok}, "jsonld.too_complex"),
        ("another issuer, ministry key", {"document": {**transcript, "issuer": {**transcript["issuer"], "id": other}}, "options": ok}, "di.key_relationship"),
        ("ministry issuer, another wallet key", {"document": transcript, "options": {**ok, "verificationMethod": f"{other}#{other.removeprefix('did:key:')}"}}, "di.key_relationship"),
        ("did:key fragment not its key", {"document": {**transcript, "issuer": {**transcript["issuer"], "id": other}}, "options": {**ok, "verificationMethod": f"{other}#key-1"}}, "di.key_relationship"),
        ("key id not in the wallet", {"document": transcript, "options": {**ok, "verificationMethod": f"{did}#key-2"}}, "di.key_not_found"),
        ("did:web the agent does not hold", {"document": {**transcript, "issuer": "did:web:elsewhere.example"}, "options": {**ok, "verificationMethod": "did:web:elsewhere.example#key-1"}}, "di.key_not_found"),
    ]


def test_bad_requests_are_clean_400s_with_stable_codes(ministry: Any, admin: Admin, transcript: dict[str, Any]) -> None:
    for label, body, code in bad_requests(ministry, transcript):
        status, answer = admin.post("/shahada/di/add-proof", body)
        assert (status, answer.get("code") if isinstance(answer, dict) else answer) == (400, code), label
        assert answer["message"], label
    for raw in (b"{not json", b"\xff\xfe", b"[" * 100_000, b'{"document": {"name": "\\ud800"}}'):
        status, answer = admin.post("/shahada/di/add-proof", raw=raw)
        assert (status, answer["code"]) == (400, "di.request"), raw[:10]


def test_a_key_bound_under_the_ministry_did_but_not_its_own_is_refused(ministry: Any, admin: Admin, transcript: dict[str, Any]) -> None:
    kid = f"{ministry.identity.did}#key-bound-not-published"
    status, created = admin.post("/wallet/keys", {"alg": "ed25519", "kid": kid})
    assert status == 201, created
    status, answer = admin.add_proof(transcript, cryptosuite="eddsa-rdfc-2022", verificationMethod=kid)
    assert (status, answer["code"]) == (400, "di.key_relationship")
    assert "is not the key of" in answer["message"]


def test_the_routes_are_behind_the_admin_api_key(ministry: Any, transcript: dict[str, Any]) -> None:
    anonymous = Admin(ministry.agent.admin_url, None)
    for path in ("/shahada/di/add-proof", "/shahada/di/verify"):
        status, _ = anonymous.post(path, {"document": transcript, "options": {}})
        assert status == 401, path
    response = anonymous.session.get(ministry.agent.admin_url + "/shahada/contexts", timeout=10)
    assert response.status_code == 401


def test_verify_reports_results_never_errors(ministry: Any, admin: Admin, transcript: dict[str, Any]) -> None:
    secured = sign(admin, ministry, transcript)
    assert admin.post("/shahada/di/verify", {"securedDocument": secured}) == (200, {
        "verified": True,
        "results": [{"suite": "eddsa-rdfc-2022", "verificationMethod": ministry.identity.verification_method, "verified": True, "problems": []}],
    })
    forged = copy.deepcopy(secured)
    forged["credentialSubject"]["generalAverage"] = "19.99"
    status, answer = admin.post("/shahada/di/verify", {"securedDocument": forged})
    assert status == 200 and answer["verified"] is False
    assert [p["code"] for p in answer["results"][0]["problems"]] == ["signature.invalid"]

    # Ed25519Signature2020 by ACA-Py itself verifies through the plugin too (did:web resolved over HTTPS)
    legacy = ministry.client.issue_credential(transcript, proof_type="Ed25519Signature2020", verification_method=ministry.identity.verification_method)
    assert admin.post("/shahada/di/verify", {"securedDocument": legacy})[1]["verified"] is True

    # a proof whose method is not the issuer's
    other = _other_did_key(ministry)
    foreign = {**secured, "proof": {**secured["proof"], "verificationMethod": f"{other}#{other.removeprefix('did:key:')}"}}
    answer = admin.post("/shahada/di/verify", {"securedDocument": foreign})[1]
    assert answer["verified"] is False and answer["results"][0]["problems"][0]["code"] == "key.unauthorized"

    status, answer = admin.post("/shahada/di/verify", {"securedDocument": transcript})
    assert status == 200 and answer["verified"] is False and answer["problems"][0]["code"] == "proof.missing"
    unsupported = {**secured, "proof": {**secured["proof"], "cryptosuite": "ecdsa-rdfc-2019"}}
    assert admin.post("/shahada/di/verify", {"securedDocument": unsupported})[1]["results"][0]["problems"][0]["code"] == "proof.unsupported"
    for body, code in (({"document": secured}, "di.request"), ([], "di.request")):
        status, answer = admin.post("/shahada/di/verify", body)
        assert (status, answer["code"]) == (400, code)


def test_a_document_that_is_not_a_credential_can_be_secured(ministry: Any, admin: Admin) -> None:
    document = {"@context": [VC_V2], "id": "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e", "name": "not a credential"}
    secured = sign(admin, ministry, document)
    assert ministry.client.verify_data_integrity(secured)["verified"] is True


PLUGIN_CHECKS = '''
import json
import shahada.agent.plugin.data_integrity as di
from shahada.agent.plugin.settings import plugin_manifest
from shahada.common.errors import ConfigError
codes = []
for bad in ({"plugin_config": {"shahada": {"extra_contexts": []}}},
            {"plugin_config": {"shahada": {"extra_contexts": {"https://www.w3.org/ns/credentials/v2": {"file": "x", "sha256": "0"}}}}},
            {"plugin_config": {"shahada": {"extra_contexts": {"https://example.org/c": {"file": 1}}}}},
            {"plugin_config": {"shahada": 5}}):
    try:
        plugin_manifest(bad)
    except ConfigError as err:
        codes.append(err.code)
print(json.dumps({"all": sorted(di.__all__), "missing": [n for n in di.__all__ if not hasattr(di, n)],
                  "default": len(plugin_manifest({})), "codes": codes}))
'''


def test_plugin_exports_and_settings() -> None:
    """In a subprocess: importing ACA-Py here would apply nest_asyncio to the test process."""
    import json
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-c", PLUGIN_CHECKS], capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    found = json.loads(completed.stdout)
    assert found["all"] == [
        "ADD_PROOF_PATH",
        "DataIntegrityError",
        "DocumentError",
        "KeyNotFoundError",
        "KeyRelationshipError",
        "ProofRequestError",
        "UnsupportedSuiteError",
        "VERIFY_PATH",
    ]
    assert found["missing"] == [] and found["default"] == len(PinnedDocumentLoader().urls)
    assert found["codes"] == ["config.plugin"] * 4
