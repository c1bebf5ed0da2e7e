"""The W3C vc-di-eddsa test vectors signed by the plugin inside a real agent, bit for bit.

A test-only agent (never the ministry's): ``--wallet-allow-insecure-seed`` lets ``POST
/wallet/keys`` import the vectors' published secret key; the vectors'
``https://www.w3.org/ns/credentials/examples/v2`` context is pinned by the project's manifest (the
agent refuses to let ``extra_contexts`` replace it). Ed25519 is
deterministic, so the agent's proof value must equal the published one.

The vectors published with an ``https://vc.example/issuers/5678#…`` verification method (the
specification repository's TestVectors) are signed as is: the issuer controls that key. Those
published with a ``did:key`` method are refused, by design: their issuer
``https://vc.example/issuers/5678`` does not control ``did:key:…``, and the agent never signs a
credential whose issuer does not control the key (their bytes are reproduced by the verifier's
functions in ``tests/verifier/test_vectors.py``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shahada.agent.process import AgentConfig, AgentProcess
from shahada.schemas.loader import PinnedDocumentLoader
from tests.issuer.di_support import Admin
from tests.support.vectors import EXAMPLES_V2, EXAMPLES_V2_FILE, VectorCase, cases, key_pair, secret_seed, unsigned_document

pytestmark = pytest.mark.agent
CASES = cases()


class VectorAgent(AgentProcess):
    """The managed agent with the test-only flags the vectors need."""

    def __init__(self, config: AgentConfig, plugin_config: Path) -> None:
        super().__init__(config)
        self.plugin_config = plugin_config

    def command(self) -> list[str]:
        return [*super().command(), "--wallet-allow-insecure-seed", "--plugin-config", str(self.plugin_config)]


@pytest.fixture(scope="module")
def vector_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Admin]:
    home = tmp_path_factory.mktemp("vector-agent")
    # the manifest pins the examples context now, with the very bytes the vectors were signed with
    manifest = PinnedDocumentLoader()
    assert EXAMPLES_V2 in manifest.urls and manifest.document(EXAMPLES_V2) == json.loads(EXAMPLES_V2_FILE.read_text(encoding="utf-8"))
    plugin_config = home / "plugin-config.yml"
    plugin_config.write_text("shahada:\n  extra_contexts: {}\n", encoding="utf-8")
    agent = VectorAgent(AgentConfig(work_dir=home, wallet_name="vectors", wallet_key="test-only-wallet-key"), plugin_config)
    agent.start()
    try:
        yield Admin(agent.admin_url, agent.api_key)
    finally:
        agent.stop()


@pytest.fixture(scope="module")
def vector_key(vector_agent: Admin) -> str:
    """The vectors' secret key imported into the wallet, bound to the https verification method."""
    https_case = next(c for c in CASES if c.name.endswith("https-vm"))
    seed = base64.b64encode(secret_seed()).decode("ascii")  # ACA-Py: a seed with "=" is base64
    status, created = vector_agent.post("/wallet/keys", {"alg": "ed25519", "seed": seed, "kid": https_case.proof_options["verificationMethod"]})
    assert status == 201, created
    multikey: str = created["multikey"]
    return multikey


def test_the_published_secret_key_gives_the_published_public_key(vector_key: str) -> None:
    assert vector_key == key_pair()["publicKeyMultibase"]


@pytest.mark.parametrize("case", [c for c in CASES if c.name.endswith("https-vm")], ids=lambda c: c.name)
def test_the_plugin_reproduces_the_published_proof_bit_for_bit(vector_agent: Admin, vector_key: str, case: VectorCase) -> None:
    options = {k: case.proof_options[k] for k in ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose")}
    status, answer = vector_agent.post("/shahada/di/add-proof", {"document": unsigned_document(), "options": options})
    assert status == 200, answer
    assert answer["securedDocument"]["proof"]["proofValue"] == case.expected["proofValue"]
    assert answer["securedDocument"] == case.signed
    # and the plugin's verifier accepts the published document (the key is the wallet's own kid)
    status, verified = vector_agent.post("/shahada/di/verify", {"securedDocument": case.signed})
    assert (status, verified["verified"]) == (200, True), verified


@pytest.mark.parametrize("case", [c for c in CASES if not c.name.endswith("https-vm")], ids=lambda c: c.name)
def test_a_did_key_the_issuer_does_not_control_is_refused(vector_agent: Admin, vector_key: str, case: VectorCase) -> None:
    options = {k: case.proof_options[k] for k in ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose")}
    status, answer = vector_agent.post("/shahada/di/add-proof", {"document": unsigned_document(), "options": options})
    assert (status, answer["code"]) == (400, "di.key_relationship")
    status, verified = vector_agent.post("/shahada/di/verify", {"securedDocument": case.signed})
    assert status == 200 and verified["verified"] is False
    assert [p["code"] for p in verified["results"][0]["problems"]] == ["key.unauthorized"]


def test_the_same_vector_issued_by_the_did_key_itself_verifies(vector_agent: Admin, vector_key: str) -> None:
    """The did:key controls its own key: with it as issuer, the agent signs and verifies."""
    did = f"did:key:{vector_key}"
    document: dict[str, Any] = {**unsigned_document(), "issuer": did}
    for cryptosuite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        options = {"type": "DataIntegrityProof", "cryptosuite": cryptosuite, "verificationMethod": f"{did}#{vector_key}"}
        status, answer = vector_agent.post("/shahada/di/add-proof", {"document": document, "options": options})
        assert status == 200, answer
        status, verified = vector_agent.post("/shahada/di/verify", {"securedDocument": answer["securedDocument"]})
        assert verified["verified"] is True, verified
