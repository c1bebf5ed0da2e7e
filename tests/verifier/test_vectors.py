"""The W3C vc-di-eddsa test vectors, step by step, with the verifier's suite functions
(Data Integrity EdDSA Cryptosuites v1.0 §3.2 eddsa-rdfc-2022 and §3.3 eddsa-jcs-2022): key pair,
transformation, proof configuration, hashing, signature, proof value, then Verify Proof.

The same vectors signed by the agent's plugin are in ``tests/issuer/test_data_integrity_vectors.py``.
"""

from __future__ import annotations

import hashlib
from types import ModuleType

import pytest

from shahada.did import public_key_from_multikey
from shahada.did.multibase import encode_base58btc
from shahada.proofs import SUITES
from shahada.proofs import eddsa_jcs_2022 as jcs
from shahada.proofs import eddsa_rdfc_2022 as rdfc
from shahada.schemas.loader import PinnedDocumentLoader
from tests.support.local_signer import LocalKey
from tests.support.vectors import EXAMPLES_V2, EXAMPLES_V2_FILE, VectorCase, cases, key_pair, secret_seed, unsigned_document
from tests.verifier.verifier_support import loader_with

CASES = cases()
MODULES: dict[str, ModuleType] = {"eddsa-rdfc-2022": rdfc, "eddsa-jcs-2022": jcs}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", CASES, ids=[c.name for c in CASES])


@pytest.fixture(scope="module")
def examples_loader() -> PinnedDocumentLoader:
    return loader_with((EXAMPLES_V2, EXAMPLES_V2_FILE))


def test_the_four_published_cases_are_here() -> None:
    assert sorted(c.name for c in CASES) == [
        "eddsa-jcs-2022",
        "eddsa-jcs-2022-https-vm",
        "eddsa-rdfc-2022",
        "eddsa-rdfc-2022-https-vm",
    ]


def test_key_pair() -> None:
    key = LocalKey.from_seed(secret_seed())
    assert key.multikey == key_pair()["publicKeyMultibase"]
    assert key.public_key == public_key_from_multikey(key_pair()["publicKeyMultibase"])


def test_step_by_step(case: VectorCase, examples_loader: PinnedDocumentLoader) -> None:
    suite, expected = MODULES[case.suite], case.expected
    document = unsigned_document()

    transformed = suite.transform(document, examples_loader)  # §3.x.3 Transformation
    assert transformed.decode("utf-8") == expected["canonicalDocument"]
    assert hashlib.sha256(transformed).hexdigest() == expected["documentHash"]

    config = suite.configure(case.proof_options, document, examples_loader)  # §3.x.5 Proof Configuration
    assert config.decode("utf-8") == expected["canonicalProofConfig"]
    assert hashlib.sha256(config).hexdigest() == expected["proofConfigHash"]

    combined = suite.hashing(transformed, config)  # §3.x.4 Hashing
    assert combined.hex() == expected["combinedHash"]
    assert suite.signing_input(document, case.proof_options, examples_loader) == combined

    signature = LocalKey.from_seed(secret_seed()).sign(combined)  # §3.x.6 Proof Serialization
    assert signature.hex() == expected["signature"]
    assert encode_base58btc(signature) == expected["proofValue"]


def test_create_proof_reproduces_the_published_proof(case: VectorCase, examples_loader: PinnedDocumentLoader) -> None:
    proof = SUITES[case.suite].create_proof(
        unsigned_document(),
        sign=LocalKey.from_seed(secret_seed()).sign,
        verification_method=case.proof_options["verificationMethod"],
        created=case.proof_options["created"],
        loader=examples_loader,
    )
    assert proof == case.signed["proof"]


def test_verify_proof(case: VectorCase, examples_loader: PinnedDocumentLoader) -> None:
    public_key = public_key_from_multikey(key_pair()["publicKeyMultibase"])
    signed = case.signed
    assert SUITES[case.suite].verify(signed, signed["proof"], public_key, examples_loader)  # §3.x.2
    tampered = {**signed, "name": "Alumni Credential!"}
    assert not SUITES[case.suite].verify(tampered, signed["proof"], public_key, examples_loader)
    assert not SUITES[case.suite].verify(signed, signed["proof"], LocalKey.generate().public_key, examples_loader)
    other_vm = {**signed["proof"], "verificationMethod": "https://vc.example/issuers/5678#other"}
    assert not SUITES[case.suite].verify({**signed, "proof": other_vm}, other_vm, public_key, examples_loader)
