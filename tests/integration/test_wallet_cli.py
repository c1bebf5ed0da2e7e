"""``shahada wallet …`` as a graduate runs it: the holder agent started by ``shahada wallet agent``
in its own process (as a graduate leaves it running), the ministry's agent and the session's
university agent, all real, DIDComm over loopback; the other commands run in-process (click's
runner) against that holder agent, reading its ``admin.json`` as they would from a terminal."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from examples.university.agent import University
from examples.university.definition import baccalaureate_definition
from shahada.agent.process import AgentProcess
from shahada.issuer.delivery import WalletDelivery
from shahada.verifier.presentation import verify_presentation
from tests.support.cli import Ran
from tests.support.sessions import admitted, issue_with_status

pytestmark = pytest.mark.agent
YEAR = 2019  # a session no other test issues into the shared archive
SHAHADA = str(Path(sys.executable).with_name("shahada"))


def run(env: dict[str, str], *args: str) -> Ran:
    """``shahada wallet ARGS`` with ``env`` in place of the ``SHAHADA_`` variables, in this process."""
    from shahada.cli import main

    replaced: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SHAHADA_")}
    replaced.update({k: v for k, v in env.items() if k.startswith("SHAHADA_")})
    result = CliRunner().invoke(main, ["wallet", *args], env=replaced, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def wallet_env(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("cli-wallet")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    env.update({"SHAHADA_WALLET_HOME": str(home), "SHAHADA_WALLET_HOLDER_KEY": secrets.token_urlsafe(24)})
    agent = subprocess.Popen(
        [SHAHADA, "wallet", "agent", "--ca-file", str(ministry.tls.ca_cert)], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not (home / "admin.json").exists():
            assert agent.poll() is None, agent.stderr.read() if agent.stderr else ""
            assert time.monotonic() < deadline, "the wallet agent did not start"
            time.sleep(0.2)
        assert (home / "admin.json").stat().st_mode & 0o777 == 0o600
        yield env
    finally:
        agent.terminate()
        agent.wait(timeout=30)
        if agent.stderr is not None:
            agent.stderr.close()
    assert not (home / "admin.json").exists()  # removed on exit: no stale key left behind


@pytest.fixture(scope="module")
def candidate(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Any]]:
    by_massar = issue_with_status(ministry, tmp_path_factory.mktemp("cli-wallet-pv"), rows=4, seed=919, year=YEAR)
    massar = admitted(by_massar)[0]
    return massar, by_massar[massar]


def test_accept_list_export_prove_and_present_from_the_command_line(
    ministry: Any, wallet_env: dict[str, str], candidate: tuple[str, list[Any]], university_agent: AgentProcess, tmp_path: Path
) -> None:
    massar, credentials = candidate
    delivery = WalletDelivery(ministry.client, ministry.archive, verification_method=ministry.identity.verification_method)
    invitation = delivery.invite(massar, credentials)

    # the portal's pump: while the CLI waits, the ministry offers the other document on the connection
    done = threading.Event()

    def pump() -> None:
        while not done.is_set() and delivery.refresh(invitation.delivery_id).state == "invited":
            time.sleep(0.3)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    accepted = run(wallet_env, "accept", invitation.url, "--documents", str(len(credentials)))
    done.set()
    thread.join(timeout=10)
    assert accepted.returncode == 0, accepted.stderr
    assert sorted(line.split()[1] for line in accepted.stdout.splitlines() if line.startswith("stored")) == sorted(c.id for c in credentials)

    listed = run(wallet_env, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    held = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted(h["id"] for h in held) == sorted(c.id for c in credentials)

    diploma = next(c for c in credentials if c.kind == "diploma")
    out = tmp_path / "diploma.json"
    exported = run(wallet_env, "export", diploma.id, "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["id"] == diploma.id and document["proof"]["type"] == "Ed25519Signature2020"
    assert ministry.verifier().verify(document).verified

    proved = run(wallet_env, "prove", diploma.id, "--challenge", "c-81f2", "--domain", "admissions.example.ca")
    assert proved.returncode == 0, proved.stderr
    presentation = json.loads(proved.stdout)
    verifier = ministry.verifier()
    result = verify_presentation(
        presentation, document_loader=verifier.loader, resolver=verifier.resolver, trusted_issuers=verifier.trusted_issuers,
        now=dt.datetime.now(dt.UTC), challenge="c-81f2", domain="admissions.example.ca", status=verifier.status,
    )
    assert result.verified, result.to_dict()
    assert result.holder == document["credentialSubject"]["id"]

    # a university's request, answered from the command line
    def verify(vp: Any, *, challenge: str, now: dt.datetime) -> Any:
        return verify_presentation(
            vp, document_loader=verifier.loader, resolver=verifier.resolver, trusted_issuers=verifier.trusted_issuers,
            now=now, challenge=challenge, status=verifier.status,
        )

    university = University(university_agent.client, verify=verify, timeout=45)
    ask = university.ask(baccalaureate_definition([ministry.identity.did]))
    accepted = run(wallet_env, "accept", ask.url)
    assert accepted.returncode == 0, accepted.stderr
    assert f"presentation request {ask.pres_ex_id}" not in accepted.stdout  # ids are per agent: the wallet has its own
    pending = run(wallet_env, "requests")
    [line] = pending.stdout.splitlines()
    assert "Baccalaureate diploma" in line and ask.challenge in line
    presented = run(wallet_env, "present", line.split()[0])
    assert presented.returncode == 0, presented.stderr
    verdict = university.check(ask)
    assert verdict.accepted, verdict.reasons
    assert [c["id"] for c in verdict.presentation["verifiableCredential"]] == [diploma.id]


def test_bad_input_gets_a_code_and_exit_1(wallet_env: dict[str, str]) -> None:
    bad = run(wallet_env, "accept", "https://example.org/nothing-here")
    assert bad.returncode == 1 and "error [wallet.invitation]" in bad.stderr
    missing = run(wallet_env, "export", "urn:uuid:00000000-0000-8000-8000-000000000000")
    assert missing.returncode == 1 and "error [wallet.not_found]" in missing.stderr
    unused = run(wallet_env, "present", "no-such-request")
    assert unused.returncode == 1 and "error [wallet.not_found]" in unused.stderr
