"""``shahada serve issuer`` as an operator runs it: a separate process with its own agent and the
waitress server, stopped by SIGTERM. Also the did:key configuration that conformance suites (which
cannot resolve did:web) test against: eddsa-rdfc-2022 credentials the project's verifier accepts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from shahada.common.ports import free_port
from shahada.config import load_settings
from shahada.ministry import make_verifier, ministry_did_web, published_did_document
from tests.issuer.di_support import sample_generic, sample_transcript
from tests.support.cli import share_agent

pytestmark = pytest.mark.agent
SHAHADA = str(Path(sys.executable).with_name("shahada"))
READY_TIMEOUT = 90.0


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    env: dict[str, str]
    home: Path

    def post(self, body: Any, token: str | None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return requests.post(self.url + "/credentials/issue", json=body, headers=headers, timeout=60)

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
        return self.process.returncode, err


def serve(home: Path, **env_extra: str) -> Served:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    env.update(SHAHADA_HOME=str(home), SHAHADA_OPERATOR="serve-test", **env_extra)
    port = free_port()
    process = subprocess.Popen(
        [SHAHADA, "serve", "issuer", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )
    served = Served(process, f"http://127.0.0.1:{port}", env, home)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve issuer exited with {process.returncode}: {served.stop()[1]}")
        try:
            requests.get(served.url + "/", timeout=1)
            return served
        except requests.ConnectionError:
            time.sleep(0.3)
    served.stop()
    pytest.fail("serve issuer did not listen in time")


@pytest.fixture
def did_key_service(ministry: Any, tmp_path: Path) -> Iterator[Served]:
    """The did:key service in its own process, signing with a did:key of the session's agent (no
    agent start of its own: the did:web test below starts and stops one)."""
    served = serve(tmp_path, SHAHADA_DID_METHOD="key", **share_agent(ministry, tmp_path))
    yield served
    served.stop()


def test_did_key_configuration_issues_credentials_the_verifier_accepts(did_key_service: Served) -> None:
    settings = load_settings(did_key_service.env)
    token_file = settings.home / "secrets" / "issuer_token"  # development: generated once, 0600
    assert token_file.stat().st_mode & 0o777 == 0o600
    token = token_file.read_text(encoding="utf-8").strip()
    document = published_did_document(settings)
    assert document is not None and document["id"].startswith("did:key:z6Mk")
    did = document["id"]
    verifier = make_verifier(settings, did)

    for options in ({}, {"cryptosuite": "eddsa-rdfc-2022"}, {"cryptosuite": "eddsa-jcs-2022"}):
        response = did_key_service.post({"credential": sample_generic(did), "options": options}, token)
        assert response.status_code == 201, response.text
        vc = response.json()["verifiableCredential"]
        assert vc["proof"]["verificationMethod"] == f"{did}#{did.removeprefix('did:key:')}"
        assert vc["proof"]["cryptosuite"] == options.get("cryptosuite", "eddsa-rdfc-2022")
        result = verifier.verify(vc)
        assert result.verified, result.to_dict()

    assert did_key_service.post({"credential": sample_generic(did)}, None).status_code == 401
    assert did_key_service.post({"credential": sample_generic(did)}, "wrong-token").status_code == 401
    code, err = did_key_service.stop()
    assert code == 0, err
    assert token not in err  # the token's path is printed, never its value
    assert "bearer token: " + str(token_file) in err


def test_a_did_key_ministry_archives_what_it_signs_with_status_lists_on_its_own_site(did_key_service: Served) -> None:
    """What the VC API signs as the ministry is in its records (the verifier's archive check) and
    carries revocation and suspension entries on lists the issuer's own local site serves (HTTPS)."""
    from shahada.issuer.archive.store import Archive
    from shahada.paper import archive_lookup
    from shahada.verifier.records import check_records

    settings = load_settings(did_key_service.env)
    token = (settings.home / "secrets" / "issuer_token").read_text(encoding="utf-8").strip()
    document = published_did_document(settings)
    assert document is not None
    did = document["id"]
    generic = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleCredential"], "issuer": did,
        "credentialSubject": {"id": "did:example:alice", "name": "Alice"},
    }
    response = did_key_service.post({"credential": generic}, token)
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["id"].startswith("urn:uuid:")  # the archive is keyed by the id: one is given
    entries = vc["credentialStatus"]
    origin = f"https://{settings.did_web_host}"
    assert [(e["type"], e["statusPurpose"]) for e in entries] == [("BitstringStatusListEntry", "revocation"), ("BitstringStatusListEntry", "suspension")]
    assert all(e["statusListCredential"].startswith(origin + "/status/") for e in entries)
    for entry in entries:
        listed = requests.get(entry["statusListCredential"], verify=str(settings.tls_dir / "ca.pem"), timeout=10)
        assert listed.status_code == 200 and listed.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    result = make_verifier(settings, did).verify(vc)
    assert result.verified, result.to_dict()
    assert result.check("status").outcome == "passed"
    with archive_lookup(settings) as lookup:
        assert lookup is not None and check_records(vc, lookup).outcome == "passed"
    archive = Archive(settings.archive_url)
    try:
        stored = archive.get(vc["id"])
        assert stored is not None and stored.kind == "vc-api" and stored.document == vc
    finally:
        archive.close()
    # the same id signed again (here with another name) replaces the archived copy, same status entries
    again = did_key_service.post({"credential": {**generic, "id": vc["id"], "credentialSubject": {"id": "did:example:alice", "name": "Alicia"}}}, token)
    assert again.status_code == 201, again.text
    with archive_lookup(settings) as lookup:
        assert lookup is not None
        assert check_records(vc, lookup).code == "archive.mismatch"
        assert check_records(again.json()["verifiableCredential"], lookup).outcome == "passed"
    assert again.json()["verifiableCredential"]["credentialStatus"] == entries


def test_did_web_service_with_a_token_from_the_environment_stops_on_sigterm(tmp_path: Path) -> None:
    token = "serve-test-token-from-the-environment"
    served = serve(tmp_path, SHAHADA_ISSUER_TOKEN=token)
    try:
        settings = load_settings(served.env)
        did = ministry_did_web(settings)
        response = served.post({"credential": sample_generic(did)}, token)
        assert response.status_code == 201, response.text
        signed = response.json()["verifiableCredential"]
        assert signed["proof"]["verificationMethod"] == f"{did}#vc-api-1"  # never the diploma key (issue 17)
        result = make_verifier(settings, did).verify(signed)  # did:web over the local HTTPS site
        assert result.verified, result.to_dict()
        bad = served.post({"credential": {**sample_generic(did), "honours": "x"}}, token)
        assert (bad.status_code, bad.json()["code"]) == (422, "jsonld.invalid")
        # no diploma-signing oracle (issue 17): the ministry's types are refused, with their code
        oracle = served.post({"credential": sample_transcript(did)}, token)
        assert (oracle.status_code, oracle.json()["code"]) == (422, "credential.type_reserved")
    finally:
        code, err = served.stop()
    assert code == 0, err
    assert "stopped; the agent is stopped." in err
    assert not (tmp_path / "secrets" / "issuer_token").exists()


def test_production_refuses_to_serve_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    env.update(
        SHAHADA_HOME=str(tmp_path), SHAHADA_MODE="production", SHAHADA_WALLET_KEY="k" * 32, SHAHADA_ID_SECRET="s" * 40
    )
    result = subprocess.run([SHAHADA, "serve", "issuer", "--port", "0"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "config.secret" in result.stderr and "SHAHADA_ISSUER_TOKEN" in result.stderr
