"""The managed ACA-Py agent: a real process, started and stopped here."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentRequestError, AgentStartError, AgentUnavailableError
from shahada.agent.process import MAX_STARTS, AgentConfig, AgentProcess, PostgresWallet, lost_provisioning_race
from shahada.common.errors import ConfigError
from shahada.issuer.identity import ensure_did_web
from shahada.schemas.loader import PinnedDocumentLoader
from tests.conftest import drop_database

pytestmark = pytest.mark.agent


def test_admin_api_is_on_loopback_and_requires_the_generated_key(ministry) -> None:
    agent = ministry.agent
    assert agent is not None and agent.running
    command = agent.command()
    assert command[command.index("--admin") + 1] == "127.0.0.1"
    assert "--admin-insecure-mode" not in command
    # secrets are not on the command line, where `ps` would show them
    joined = " ".join(command)
    assert agent.api_key not in joined and agent.config.wallet_key not in joined
    assert requests.get(f"{agent.admin_url}/wallet/did", timeout=5).status_code == 401
    wrong = AdminClient(agent.admin_url, "not-the-key")
    with pytest.raises(AgentRequestError) as err:
        wrong.get_did("did:web:example.org")
    assert err.value.status == 401 and err.value.code == "agent.request"
    assert ministry.client.is_ready()


def test_plugin_serves_the_verifiers_pinned_contexts(ministry) -> None:
    loader = PinnedDocumentLoader()
    served = ministry.client.pinned_contexts()
    assert served == {url: loader.digest(url) for url in loader.urls}
    assert "https://diplomes.men.gov.ma/contexts/baccalaureate/v1" in served


class ContextServer:
    """A loopback HTTP server that would serve any JSON-LD context, and counts the requests."""

    def __init__(self) -> None:
        self.fetched: list[str] = []
        fetched = self.fetched

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fetched.append(self.path)
                body = json.dumps({"@context": {"name": "https://schema.org/name"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_agent_refuses_unpinned_context_without_fetching(ministry) -> None:
    server = ContextServer()
    unpinned = f"{server.url}/never/v1"
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2", unpinned],
        "type": ["VerifiableCredential"],
        "issuer": ministry.identity.did,
        "validFrom": "2025-07-01T00:00:00Z",
        "credentialSubject": {"name": "x"},
    }
    try:
        with pytest.raises(AgentRequestError):
            ministry.client.issue_credential(credential, proof_type="Ed25519Signature2020", verification_method=ministry.identity.verification_method)
    finally:
        server.close()
    assert server.fetched == []  # the context was there to be fetched, and was not asked for
    log = ministry.agent.log_path.read_text(encoding="utf-8", errors="replace")
    assert f"{unpinned} is not pinned by the ministry" in log


def test_wallet_key_is_required() -> None:
    with pytest.raises(ConfigError) as err:
        AgentConfig(work_dir=Path("/nonexistent"), wallet_name="w", wallet_key="")
    assert err.value.code == "config.wallet_key"


def test_start_failure_points_at_the_log(tmp_path: Path) -> None:
    with AgentProcess(AgentConfig(work_dir=tmp_path, wallet_name="w", wallet_key="right-key")):
        pass
    wrong = AgentProcess(AgentConfig(work_dir=tmp_path, wallet_name="w", wallet_key="wrong-key", startup_timeout=30))
    with pytest.raises(AgentStartError) as err:
        wrong.start()
    assert str(tmp_path / "agent.log") in str(err.value)
    assert not wrong.running


# One start of an agent that lost the race (ACA-Py 1.7 on a PostgreSQL wallet created by a second
# agent at the same moment), as its log shows it (abridged).
LOST_RACE_LOG = """--- shahada: starting agent on admin port 48913 ---
2026-12-03 06:55:27,295 acapy_agent.askar.store WARNING Askar backend error: Error fetching store configuration
Caused by: error returned from database: relation "config" does not exist. This may indicate multiple instances attempting to create the same store at the same time or a misconfigured backend.
2026-12-03 06:55:28,846 acapy_agent.commands.start ERROR Unexpected exception during execution
Traceback (most recent call last):
acapy_agent.core.error.ProfileError: Failed to open or provision store after retries
"""
WRONG_KEY_LOG = """--- shahada: starting agent on admin port 40000 ---
2026-12-03 06:55:28,846 acapy_agent.commands.start ERROR Unexpected exception during execution
acapy_agent.core.error.ProfileError: Error opening store
Caused by: Error decrypting profile key
"""


def test_a_start_lost_to_another_agent_provisioning_the_wallet_is_recognised() -> None:
    assert lost_provisioning_race(LOST_RACE_LOG)
    assert lost_provisioning_race(LOST_RACE_LOG.replace("does not exist", "already exists"))
    assert not lost_provisioning_race(WRONG_KEY_LOG)
    assert not lost_provisioning_race("")
    # Askar recovered after a warning (the agent then started or died of something else)
    assert not lost_provisioning_race(LOST_RACE_LOG.replace("Failed to open or provision store after retries", "Error opening store"))


def _fake_agent(tmp_path: Path, output: str) -> AgentConfig:
    """An 'aca-py' that counts its starts and dies printing ``output``."""
    script = tmp_path / "fake-aca-py"
    (tmp_path / "output.txt").write_text(output)
    script.write_text(f'#!/bin/sh\necho start >> "{tmp_path}/starts"\ncat "{tmp_path}/output.txt"\nexit 1\n')
    script.chmod(0o755)
    return AgentConfig(work_dir=tmp_path / "home", wallet_name="w", wallet_key="k", executable=script, startup_timeout=30)


def test_an_agent_that_lost_the_provisioning_race_is_started_again(tmp_path: Path) -> None:
    with pytest.raises(AgentStartError) as err:
        AgentProcess(_fake_agent(tmp_path, LOST_RACE_LOG)).start()
    assert (tmp_path / "starts").read_text().count("start") == MAX_STARTS == 4
    assert "agent.log" in str(err.value)


def test_other_start_failures_are_not_retried(tmp_path: Path) -> None:
    with pytest.raises(AgentStartError) as err:
        AgentProcess(_fake_agent(tmp_path, WRONG_KEY_LOG)).start()
    assert (tmp_path / "starts").read_text().count("start") == 1
    assert "Error decrypting profile key" in str(err.value)


def test_stop_ends_the_process_and_client_maps_connection_errors(tmp_path: Path) -> None:
    agent = AgentProcess(AgentConfig(work_dir=tmp_path, wallet_name="w", wallet_key="k"))
    client = agent.start()
    pid = agent._process.pid  # type: ignore[union-attr]
    url = agent.admin_url
    agent.stop()
    assert not agent.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(AgentUnavailableError):
        AdminClient(url, agent.api_key, timeout=2).get_did("did:web:example.org")
    del client


@pytest.mark.postgres
def test_postgres_wallet_keeps_the_ministry_did_across_restarts(tmp_path: Path) -> None:
    wallet = PostgresWallet(url="127.0.0.1:5432", account="postgres", password="", admin_account="postgres", admin_password="")
    name = f"shahada_wallet_{os.getpid()}_{int(time.time())}"
    config = AgentConfig(work_dir=tmp_path, wallet_name=name, wallet_key="pg-key", postgres=wallet)
    did = "did:web:diplomes.men.gov.ma"
    try:
        with AgentProcess(config) as client:
            first = ensure_did_web(client, did)
            with ThreadPoolExecutor(max_workers=12) as pool:  # the key route's transaction on PostgreSQL
                keys = list(pool.map(lambda _: client.ensure_key(f"{did}#race"), range(12)))
            assert {k.multikey for k in keys} == {keys[0].multikey}
        with AgentProcess(config) as client:
            second = ensure_did_web(client, did)
            assert client.get_did(did) is not None
    finally:
        drop_database(name)
    assert first == second
    assert not (tmp_path / ".acapy_agent").exists() or not any((tmp_path / ".acapy_agent").rglob("sqlite.db"))


SECRETS = {
    "SHAHADA_ISSUER_TOKEN": "issuer-token-must-not-leak",
    "SHAHADA_PORTAL_SECRET": "portal-secret-must-not-leak",
    "SHAHADA_ID_SECRET": "id-secret-must-not-leak",
    "SHAHADA_WALLET_KEY": "wallet-key-must-not-leak",
    "SHAHADA_WALLET_PG_PASSWORD": "pg-password-must-not-leak",
    "AWS_SECRET_ACCESS_KEY": "unrelated-secret-must-not-leak",
}


def _environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode("utf-8", "replace").split("\0") if "=" in item)


@pytest.mark.parametrize("role", ["ministry", "holder"])
def test_the_agent_inherits_no_secret_of_its_parent(tmp_path: Path, role: str) -> None:
    """Issue 17 finding 2: the agent's /proc/<pid>/environ held the VC API issuer's bearer token and
    every SHAHADA_* variable. It gets an explicit minimal environment: its own secrets only."""
    from shahada.wallet.agent import holder_agent_config

    os.environ.update(SECRETS)  # restored after the test (autouse fixture)
    os.environ["LC_ALL"] = "C.UTF-8"
    ca = tmp_path / "ca.pem"
    ca.write_text("", encoding="utf-8")
    if role == "ministry":
        config = AgentConfig(work_dir=tmp_path / "agent", wallet_name="w", wallet_key="the-agents-own-key", extra_env={"SSL_CERT_FILE": str(ca)})
    else:
        config = holder_agent_config(tmp_path / "agent", "the-agents-own-key", ca_file=ca)
    agent = AgentProcess(config)
    agent.start()
    try:
        env = _environ_of(agent._process.pid)  # type: ignore[union-attr]
    finally:
        agent.stop()
    leaked = {name for name, value in env.items() if name.startswith("SHAHADA_") or value in SECRETS.values()}
    assert leaked == set()
    assert env["ACAPY_WALLET_KEY"] == "the-agents-own-key" and env["ACAPY_ADMIN_API_KEY"] == agent.api_key
    assert env["SSL_CERT_FILE"] == str(ca) and env["HOME"] == str(tmp_path / "agent")
    assert env["PATH"] == os.environ["PATH"] and env["LC_ALL"] == "C.UTF-8"
    assert set(env) <= {"PATH", "HOME", "LC_ALL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "PYTHONPATH",
                        "VIRTUAL_ENV", "ACAPY_WALLET_KEY", "ACAPY_ADMIN_API_KEY", "LC_CTYPE"}


def test_the_registry_route_signs_registry_records_and_nothing_else(ministry) -> None:
    from jwcrypto import jwk, jws

    did, vm = ministry.identity.did, ministry.identity.verification_method
    record = {"type": "ShahadaRegistryRecord", "issuer": did, "id": "urn:uuid:1", "recordDigest": "0" * 64, "credentialStatus": []}
    [token] = ministry.client.sign_registry_records([record], verification_method=vm)
    public = ministry.verifier().resolver.resolve(did).verification_method(vm).public_key
    envelope = jws.JWS()
    envelope.deserialize(token)
    envelope.verify(jwk.JWK(kty="OKP", crv="Ed25519", x=base64.urlsafe_b64encode(public).decode().rstrip("=")), alg="EdDSA")
    assert envelope.jose_header == {"alg": "EdDSA", "kid": vm, "typ": "shahada-registry+jws"}
    credential = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "BaccalaureateDiploma"],
                  "issuer": did, "credentialSubject": {"name": "invented"}}
    for refused in (credential, {**record, "issuer": "did:web:elsewhere.example"}, {**record, "extra": "text"}):
        with pytest.raises(AgentRequestError) as err:
            ministry.client.sign_registry_records([refused], verification_method=vm)
        assert err.value.status == 422
