"""The verifier service with real parts: credentials and seals signed by the ministry's agent, its
did:web resolved over HTTPS from the local site, the archive as the ministry's records, waitress
on loopback, and ``shahada serve verifier`` as a process."""

from __future__ import annotations

import copy
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.attacks import draw_op_bomb_pdf
from tests.verifier.web.conftest import RunningVerifier

pytestmark = pytest.mark.agent


def post(running: RunningVerifier, path: str, body: Any) -> dict[str, Any]:
    response = requests.post(running.url + path, json=body, timeout=30)
    result: dict[str, Any] = response.json()
    # /credentials/verify and /presentations/verify answer 400 for what does not verify, same body
    failing = 400 if path in ("/credentials/verify", "/presentations/verify") and not result["verified"] else 200
    assert response.status_code == failing, response.text
    return result


def test_genuine_documents_pass_every_check(running_verifier: RunningVerifier) -> None:
    for credential in running_verifier.credentials[:4]:
        body = post(running_verifier, "/credentials/verify", {"verifiableCredential": credential})
        assert body["verified"] is True, body
        assert {c["name"]: c["outcome"] for c in body["checks"]} == dict.fromkeys(
            ("structure", "context", "issuer", "proof", "key", "signature", "schema", "validity", "status", "archive"), "passed"
        )


def test_tampering_is_named_by_the_signature_and_the_records(running_verifier: RunningVerifier) -> None:
    tampered = copy.deepcopy(running_verifier.diploma())
    tampered["credentialSubject"]["generalAverage"] = "19.99"
    body = post(running_verifier, "/credentials/verify", {"verifiableCredential": tampered})
    assert body["verified"] is False
    assert [(e["check"], e["code"]) for e in body["errors"]] == [("signature", "signature.invalid"), ("archive", "archive.mismatch")]
    assert "credentialSubject.generalAverage" in body["errors"][1]["detail"]


def test_a_signed_credential_the_ministry_never_recorded(running_verifier: RunningVerifier) -> None:
    ministry = running_verifier.ministry
    unrecorded = {k: v for k, v in running_verifier.diploma().items() if k != "proof"}
    original = unrecorded["id"]  # a version-8 UUID (the schema says so): change its last hex digit only
    unrecorded["id"] = original[:-1] + ("0" if original[-1] != "0" else "1")
    signed = ministry.client.add_data_integrity_proof(
        unrecorded, cryptosuite="eddsa-rdfc-2022", verification_method=ministry.identity.verification_method, created=None
    )
    body = post(running_verifier, "/credentials/verify", {"verifiableCredential": signed})
    assert body["verified"] is False and [e["code"] for e in body["errors"]] == ["archive.unknown"]


def test_the_printed_seal_through_its_url_and_the_api(running_verifier: RunningVerifier) -> None:
    text = running_verifier.seal_of(running_verifier.diploma())
    assert text.startswith(running_verifier.seal_base)
    page = requests.get(text.replace("HTTP://127.0.0.1", "http://127.0.0.1"), headers={"Accept-Language": "fr"}, timeout=30)
    assert page.status_code == 200 and 'data-verdict="valid"' in page.text
    assert dict(re.findall(r'data-check="(\w+)" data-outcome="(\w+)"', page.text)) == dict.fromkeys(("decode", "key", "signature", "archive", "status"), "passed")
    body = post(running_verifier, "/seals/verify", {"seal": text, "options": {"massar": running_verifier.diploma()["credentialSubject"]["massarCode"]}})
    assert body["verified"] is True and body["signer"] == running_verifier.ministry.identity.verification_method


def test_shahada_serve_verifier(ministry: Any) -> None:
    """The command serves the installation's verifier until SIGTERM (the ministry fixture already
    serves the local site, so the command leaves it be)."""
    env = {**os.environ, "SHAHADA_HOME": str(ministry.settings.home), "PYTHONUNBUFFERED": "1"}
    shahada = Path(sys.executable).parent / "shahada"
    process = subprocess.Popen([str(shahada), "serve", "verifier", "--port", "0"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        url, _ = _wait_for_url(process)
        assert requests.get(url + "/healthz", timeout=10).json() == {"status": "ok"}
        assert "/credentials/verify" in requests.get(url + "/openapi.json", timeout=10).json()["paths"]
        page = requests.get(url + "/", headers={"Accept-Language": "ar"}, timeout=10)
        assert 'dir="rtl"' in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped." in err


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_shahada_serve_verifier_in_two_processes(running_verifier: RunningVerifier) -> None:
    """``--processes 2``: two service processes answer on one port, each verifying credentials and
    seals in full; SIGTERM stops both."""
    ministry = running_verifier.ministry
    env = {**os.environ, "SHAHADA_HOME": str(ministry.settings.home), "PYTHONUNBUFFERED": "1"}
    shahada = Path(sys.executable).parent / "shahada"
    process = subprocess.Popen([str(shahada), "serve", "verifier", "--port", "0", "--processes", "2"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        url, _ = _wait_for_url(process)
        servers = _children(process.pid)
        assert len(servers) == 2
        credential = running_verifier.diploma()
        seal = running_verifier.seal_of(credential)
        deadline = time.monotonic() + 120  # each process spawns its worker processes as it starts: slow on a loaded machine
        while requests.post(url + "/credentials/verify", json={"verifiableCredential": credential}, timeout=120).status_code == 503:
            assert time.monotonic() < deadline, "the worker processes did not start"
            time.sleep(1)
        for _ in range(8):  # new connections: the kernel hands them to either process
            with requests.Session() as session:
                assert session.get(url + "/healthz", timeout=30).json() == {"status": "ok"}
                # (this session's documents are in the running verifier's archive, not the home's: the archive check may fail)
                body = session.post(url + "/credentials/verify", json={"verifiableCredential": credential}, timeout=30).json()
                checks = {c["name"]: c["outcome"] for c in body["checks"]}
                assert checks["signature"] == checks["schema"] == checks["status"] == "passed" and "archive" in checks, checks
                answer = session.post(url + "/seals/verify", json={"seal": seal}, timeout=30).json()
                sealed = {c["name"]: c["outcome"] for c in answer["checks"]}
                assert sealed["decode"] == sealed["key"] == sealed["signature"] == "passed" and "archive" in sealed, sealed
        assert _children(process.pid) == servers
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "stopped." in err and not any(Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text() for pid in servers)


def test_oid4vp_requests_are_shared_by_the_processes_through_the_archive(ministry: Any) -> None:
    """``--processes 2`` with a public_url: a request made on one connection is found on any
    other (whichever process the kernel picks), since both keep requests in the archive's
    database; the start-up message says so. The request key's secret in the environment
    (SHAHADA_VERIFIER_OID4VP_SECRET) is not taken for a [verifier] setting."""
    from shahada.common.ports import free_port

    port = free_port()
    env = {
        **os.environ, "SHAHADA_HOME": str(ministry.settings.home), "PYTHONUNBUFFERED": "1",
        "SHAHADA_VERIFIER_PUBLIC_URL": f"http://127.0.0.1:{port}", "SHAHADA_VERIFIER_OID4VP_SECRET": "test",
    }
    shahada = Path(sys.executable).parent / "shahada"
    process = subprocess.Popen([str(shahada), "serve", "verifier", "--port", str(port), "--processes", "2"], env=env, stderr=subprocess.PIPE, text=True)
    statuses: list[tuple[int, str]] = []
    try:
        url, started = _wait_for_url(process, until="OpenID4VP requests:")
        made = [requests.post(url + "/oid4vp/requests", json={}, timeout=60).json()["id"] for _ in range(6)]
        for request_id in made:
            for _ in range(3):  # new connections: the kernel hands them to either process
                with requests.Session() as session:
                    found = session.get(f"{url}/oid4vp/requests/{request_id}/object", timeout=30)
                    statuses.append((found.status_code, found.headers["Content-Type"]))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # still a failure, without leaving the service to the next tests
            process.kill()
            process.communicate()
            raise
    assert statuses == [(200, "application/oauth-authz-req+jwt")] * 18, (statuses, err)
    assert "OpenID4VP requests: kept in the archive database" in started + err, started + err


def test_sigterm_stops_the_verifier_with_a_request_stuck_in_a_worker(ministry: Any) -> None:
    """A PDF bomb that would take its worker half a minute (the work timeout raised to 300 s so
    that nothing else stops it): SIGTERM kills the worker, the stuck request gets a 503, and the
    command exits long before the bomb could have finished."""
    env = {
        **os.environ, "SHAHADA_HOME": str(ministry.settings.home), "PYTHONUNBUFFERED": "1",
        "SHAHADA_VERIFIER_WORK_TIMEOUT": "300", "SHAHADA_VERIFIER_REQUEST_TIMEOUT": "300",
    }
    shahada = Path(sys.executable).parent / "shahada"
    process = subprocess.Popen([str(shahada), "serve", "verifier", "--port", "0"], env=env, stderr=subprocess.PIPE, text=True)
    stuck: dict[str, Any] = {}

    def bomb() -> None:
        try:
            response = requests.post(url + "/documents/verify", data=draw_op_bomb_pdf(40_000, pages=10), timeout=120)
            stuck["status"], stuck["code"] = response.status_code, response.json().get("code")
        except requests.ConnectionError as err:  # the server went away: also an end
            stuck["error"] = err

    try:
        url, _ = _wait_for_url(process)
        assert requests.get(url + "/healthz", timeout=10).status_code == 200
        attack = threading.Thread(target=bomb)
        attack.start()
        time.sleep(3)  # the bomb is rasterising in a worker
        assert attack.is_alive()
    finally:
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert time.monotonic() - stopped_at < 15, "the command waited for the stuck request"
    assert process.returncode == 0, err
    attack.join(30)
    assert not attack.is_alive()
    assert stuck.get("code") == "service.busy" or "error" in stuck, stuck


def _wait_for_url(process: subprocess.Popen[str], *, until: str = "") -> tuple[str, str]:
    """The verifier's URL from its start-up lines, and every line read until then (a later
    ``communicate()`` returns only the lines after them); with ``until``, reading goes on to the
    line that holds it (with ``--processes``, the parent prints the URL while its children are
    still starting: the first child announces itself later). Lines are read as they come; the
    command is killed if they have not come within two minutes (then its output ends)."""
    assert process.stderr is not None
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    seen, url = "", ""
    try:
        for line in process.stderr:
            seen += line
            found = re.search(r"verifier: (http://127\.0\.0\.1:\d+)/", line)
            url = url or (found.group(1) if found else "")
            if url and until in seen:
                return url, seen
    finally:
        watchdog.cancel()
    raise AssertionError(f"the verifier did not start: {seen}")
