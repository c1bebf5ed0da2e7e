"""No SSRF: the service fetches DID documents for trusted did:web issuers only. Two real HTTPS
servers on loopback record every request: the trusted issuer's is asked once (then cached), the
one an attacker names in a credential, a verification method, a presentation's holder, a
context or a schema URL is never contacted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shahada.did.document import build_did_document
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.web import create_app
from tests.did.did_web_server import DIDWebServer, make_tls_files, serve_did_web
from tests.support.local_signer import LocalKey, sign_credential
from tests.support.presentations import make_presentation, sign_presentation
from tests.verifier.verifier_support import NOW, make_credential


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("ssrf-tls"))


@pytest.fixture
def trusted(tls: tuple[Path, Path]) -> Iterator[DIDWebServer]:
    with serve_did_web(*tls) as server:
        yield server


@pytest.fixture
def attacker(tls: tuple[Path, Path]) -> Iterator[DIDWebServer]:
    with serve_did_web(*tls) as server:
        yield server


def did_of(server: DIDWebServer, host: str = "localhost") -> str:
    return f"did:web:{host}%3A{server.port}"


def test_only_the_trusted_did_web_issuer_is_fetched(trusted: DIDWebServer, attacker: DIDWebServer, loader: PinnedDocumentLoader) -> None:
    issuer_key, attacker_key, _holder = LocalKey.generate(), LocalKey.generate(), LocalKey.generate()
    issuer, evil = did_of(trusted), did_of(attacker)
    trusted.serve_json("/.well-known/did.json", build_did_document(issuer, issuer_key.public_key))
    attacker.serve_json("/.well-known/did.json", build_did_document(evil, attacker_key.public_key))
    app = create_app({"trusted_issuers": issuer, "did_verify_tls": trusted.ca_file}, clock=lambda: NOW, loader=loader)
    client = app.test_client()

    def verify(credential: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = client.post("/credentials/verify", json={"verifiableCredential": credential}).get_json()
        return body

    def sign(credential: dict[str, Any], key: LocalKey, vm: str, suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
        return sign_credential(credential, suite=suite, key=key, verification_method=vm, created=NOW, loader=loader)

    genuine = sign(make_credential(issuer), issuer_key, f"{issuer}#key-1")
    assert verify(genuine)["verified"] is True
    assert verify(genuine)["verified"] is True
    assert trusted.requests == ["/.well-known/did.json"]  # fetched once, then from the cache

    attacks = {
        "an untrusted did:web issuer": sign(make_credential(evil), attacker_key, f"{evil}#key-1"),
        "the same host spelt 127.0.0.1": sign(make_credential(did_of(attacker, "127.0.0.1")), attacker_key, f"{did_of(attacker, '127.0.0.1')}#key-1"),
        "a trusted issuer with the attacker's key": sign(make_credential(issuer), attacker_key, f"{evil}#key-1"),
    }
    for what, credential in attacks.items():
        assert verify(credential)["verified"] is False, what
    schema = {"id": f"https://localhost:{attacker.port}/schema.json", "type": "JsonSchema"}
    verify(sign(make_credential(issuer, credentialSchema=schema), issuer_key, f"{issuer}#key-1"))  # only bundled schemas are used
    unpinned = make_credential(issuer, "eddsa-jcs-2022")
    unpinned["@context"].append(f"https://localhost:{attacker.port}/context.jsonld")
    assert [e["code"] for e in verify(sign(unpinned, issuer_key, f"{issuer}#key-1", "eddsa-jcs-2022"))["errors"]] == ["context.unknown"]

    vp = make_presentation([genuine], holder=evil)
    vp = sign_presentation(vp, suite="eddsa-rdfc-2022", key=attacker_key, verification_method=f"{evil}#key-1", created=NOW, loader=loader)
    body = client.post("/presentations/verify", json={"verifiablePresentation": vp}).get_json()
    assert body["verified"] is False and [e["code"] for e in body["errors"]] == ["did.untrusted"]

    assert attacker.requests == []
    assert trusted.requests == ["/.well-known/did.json"]
