"""Credentials signed by a real ACA-Py 1.7 agent verify here (``/vc/credentials/issue`` for
Ed25519Signature2020, VC 2.0 and VC 1.1; ``/vc/di/add-proof`` for eddsa-jcs-2022).

The agent runs once for this module: in-process-free, its own HOME, an askar wallet in a temporary
directory, no ledger, the admin API on 127.0.0.1 without a key.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from shahada.common.ports import free_port
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier import VerificationResult, verify_credential
from tests.verifier.verifier_support import NOW, VC_V1, SpyResolver, acapy_v1_context, loader_with, make_credential

pytestmark = pytest.mark.agent
READY_TIMEOUT = 90.0


class Agent:
    def __init__(self, admin: str) -> None:
        self.admin = admin
        self.session = requests.Session()
        self.session.trust_env = False

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.session.post(self.admin + path, json=body, timeout=30)
        assert response.status_code in (200, 201), f"{path}: {response.status_code} {response.text}"
        result: dict[str, Any] = response.json()
        return result


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agent]:
    home = tmp_path_factory.mktemp("acapy-home")
    admin_port, inbound_port = free_port(), free_port()
    executable = Path(sys.executable).with_name("aca-py")
    assert executable.exists(), f"acapy-agent is a project dependency; {executable} is missing"
    command = [
        str(executable), "start",
        "--admin", "127.0.0.1", str(admin_port), "--admin-insecure-mode",
        "--no-ledger",
        "--wallet-type", "askar", "--wallet-name", "shahada-verifier-tests",
        "--wallet-key", "test-only-wallet-key", "--auto-provision",
        "-it", "http", "127.0.0.1", str(inbound_port), "-ot", "http",
        "-e", f"http://127.0.0.1:{inbound_port}",
        "--log-level", "warning",
    ]  # fmt: skip
    log_path = home / "agent.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env={**os.environ, "HOME": str(home)}, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    admin = f"http://127.0.0.1:{admin_port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"ACA-Py exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                if requests.get(f"{admin}/status/ready", timeout=2).json().get("ready"):
                    break
            except (requests.RequestException, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"ACA-Py not ready after {READY_TIMEOUT} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield Agent(admin)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def issuer_did(agent: Agent) -> str:
    created = agent.post("/wallet/did/create", {"method": "key", "options": {"key_type": "ed25519"}})
    did: str = created["result"]["did"]
    return did


def _verify(credential: Any, issuer: str, loader: PinnedDocumentLoader | None = None) -> VerificationResult:
    return verify_credential(
        credential,
        document_loader=loader or PinnedDocumentLoader(),
        resolver=SpyResolver(),
        trusted_issuers=frozenset({issuer}),
        now=NOW,
    )


def _issue_ld(agent: Agent, credential: dict[str, Any]) -> dict[str, Any]:
    answer = agent.post("/vc/credentials/issue", {"credential": credential, "options": {"proofType": "Ed25519Signature2020"}})
    signed: dict[str, Any] = answer["verifiableCredential"]
    return signed


def _add_di_proof(agent: Agent, document: dict[str, Any], issuer: str, **options: Any) -> dict[str, Any]:
    multikey = issuer.removeprefix("did:key:")
    body = {
        "document": document,
        "options": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "proofPurpose": "assertionMethod",
            "verificationMethod": f"{issuer}#{multikey}",
            **options,
        },
    }
    secured: dict[str, Any] = agent.post("/vc/di/add-proof", body)["securedDocument"]
    return secured


def test_vc_2_0_ed25519_signature_2020(agent: Agent, issuer_did: str) -> None:
    credential = make_credential(issuer_did, validUntil="2035-06-30T00:00:00Z")
    credential["issuer"] = {"id": issuer_did, "name": "Ministère de l'Éducation Nationale"}
    credential["description"] = "Diplôme du baccalauréat — البكالوريا"
    signed = _issue_ld(agent, credential)
    assert signed["proof"]["type"] == "Ed25519Signature2020"
    result = _verify(signed, issuer_did)
    assert result.verified, result.to_dict()
    signed["credentialSubject"]["name"] = "Someone Else"
    assert {c.name: c.code for c in _verify(signed, issuer_did).errors} == {"signature": "signature.invalid"}


def test_vc_1_1_ed25519_signature_2020(agent: Agent, issuer_did: str) -> None:
    signed = _issue_ld(agent, make_credential(issuer_did, version="v1"))
    loader = loader_with((VC_V1, acapy_v1_context()))
    assert _verify(signed, issuer_did, loader).verified


def test_eddsa_jcs_2022_from_add_proof(agent: Agent, issuer_did: str) -> None:
    document = make_credential(issuer_did)
    document["credentialSubject"]["average"] = 15.25
    secured = _add_di_proof(agent, document, issuer_did, created="2025-07-01T10:00:00Z")
    assert isinstance(secured["proof"], list) and "@context" not in secured["proof"][0]
    assert _verify(secured, issuer_did).verified
    secured["credentialSubject"]["average"] = 16.25
    assert not _verify(secured, issuer_did).verified


def test_eddsa_jcs_2022_with_proof_context(agent: Agent, issuer_did: str) -> None:
    # Passing @context in the options makes ACA-Py emit §3.3.1 step 2 proofs.
    document = make_credential(issuer_did)
    secured = _add_di_proof(agent, document, issuer_did, **{"@context": document["@context"]})
    assert secured["proof"][0]["@context"] == document["@context"]
    assert _verify(secured, issuer_did).verified


def test_known_deviation_integral_float_under_jcs(agent: Agent, issuer_did: str) -> None:
    # ACA-Py canonicalizes with canonicaljson (16.0 stays "16.0"); RFC 8785 writes 16. Such a
    # credential does not verify against the Recommendation: the issuer must not send 16.0.
    document = make_credential(issuer_did)
    document["credentialSubject"]["average"] = 16.0
    secured = _add_di_proof(agent, document, issuer_did)
    assert {c.name: c.code for c in _verify(secured, issuer_did).errors} == {"signature": "signature.invalid"}
