"""The verifier service under hostile input (issue 17, finding 3): each attack of the review is
refused with a stable code, and a genuine request completes while the attack is in flight. These
tests assert outcomes, never timings; ``bench/attack.py`` measures the genuine requests' p99.

* an RDFC-1.0 poison graph (a genuine credential plus a clique of blank nodes, its proof now bogus,
  from a trusted issuer): ``jsonld.too_complex`` from the ``signature`` check;
* a PDF draw-op bomb (a page painted 20,000 times, 480 KB): its worker killed, ``work.timeout``;
* 120 idle sockets (past waitress's old ``connection_limit`` of 100): genuine requests served,
  idle connections closed after ``channel_timeout``;
* an endless chunked body: 413 once the limit has arrived, the rest never read nor buffered;
* a lone surrogate (``"\\ud800"``) in a credential: 400 ``request.json``, never a 500.
"""

from __future__ import annotations

import copy
import json
import resource
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from shahada.common.wsgi import ServerLimits, WaitressServer
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.workers import VerifierWorkers
from tests.support.attacks import LONE_SURROGATE, draw_op_bomb_pdf, poison_graph
from tests.support.local_sealer import LocalSealer
from tests.support.local_signer import LocalKey
from tests.support.presentations import make_presentation, sign_presentation
from tests.verifier.verifier_support import NOW
from tests.verifier.web.conftest import assert_documented, make_app


def verify_body(credential: dict[str, Any]) -> bytes:
    return json.dumps({"verifiableCredential": credential}).encode()


def test_a_poison_graph_is_refused_by_the_signature_check(client: FlaskClient, genuine: dict[str, Any]) -> None:
    for n in (2, 8, 40):  # 8 took minutes before the limits
        response = client.post("/credentials/verify", data=verify_body(poison_graph(genuine, n)), content_type="application/json")
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        body = response.get_json()
        assert body["verified"] is False
        assert [(e["check"], e["code"]) for e in body["errors"]] == [("signature", "jsonld.too_complex")], body["errors"]
    response = client.post("/credentials/verify", data=verify_body(genuine), content_type="application/json")
    assert response.get_json()["verified"] is True


def test_a_poison_graph_inside_a_presentation(client: FlaskClient, genuine: dict[str, Any], holder_key: LocalKey, loader: PinnedDocumentLoader) -> None:
    # the holder signs with eddsa-jcs-2022 (no RDF): only the credential inside is a poison graph
    vp = sign_presentation(make_presentation([poison_graph(genuine)], holder=holder_key.did_key), suite="eddsa-jcs-2022", key=holder_key, created=NOW, loader=loader)
    response = client.post("/presentations/verify", json={"verifiablePresentation": vp})
    body = response.get_json()
    assert response.status_code == 400 and body["verified"] is False  # not verified: 400 (docs/conformance.md)
    assert [(e["check"], e["code"]) for e in body["errors"]] == [("credentials", "credential.invalid")], body["errors"]
    assert [(e["name"], e["code"]) for e in body["credentialResults"][0]["errors"]] == [("signature", "jsonld.too_complex")]


def test_a_lone_surrogate_is_a_400_not_a_500(client: FlaskClient, genuine: dict[str, Any]) -> None:
    credential = copy.deepcopy(genuine)
    credential["credentialSubject"]["name"] = "\ud800"  # json.dumps writes it as the escape \ud800
    credential_text = json.dumps(credential)
    assert LONE_SURROGATE in credential_text
    for path, body in (("/credentials/verify", {"verifiableCredential": credential}), ("/presentations/verify", {"verifiablePresentation": credential})):
        response = client.post(path, data=json.dumps(body), content_type="application/json")
        assert (response.status_code, response.get_json()["code"]) == (400, "request.json"), path
        assert "surrogate" in response.get_json()["detail"]
    response = client.post("/documents/verify", data=credential_text, content_type="application/octet-stream")
    assert (response.status_code, response.get_json()["code"]) == (422, "input.unrecognized")
    page = client.post("/verify", data={"text": credential_text}, headers={"Accept": "text/html"})
    assert page.status_code == 422


@pytest.fixture(scope="module")
def bomb_workers() -> Iterator[VerifierWorkers]:
    """Workers that kill a task after 3 s (a bomb of 10 pages needs about ten times that)."""
    workers = VerifierWorkers.create(PinnedDocumentLoader(), timeout=3.0)
    workers.start(wait=60)
    yield workers
    workers.close()


@pytest.fixture
def served(issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader, bomb_workers: VerifierWorkers) -> Iterator[WaitressServer]:
    app: Flask = make_app(issuer_key, sealer, loader, workers=bomb_workers, request_timeout=20.0)
    server = WaitressServer(app, threads=4, limits=ServerLimits(max_request_body_size=1 << 20, channel_timeout=2, cleanup_interval=1)).start()
    yield server
    server.stop()


def test_a_pdf_bomb_is_stopped_while_genuine_requests_are_served(served: WaitressServer, genuine: dict[str, Any]) -> None:
    outcome: dict[str, Any] = {}

    def bomb() -> None:
        response = requests.post(served.url + "/documents/verify", data=draw_op_bomb_pdf(20_000, pages=10), headers={"Content-Type": "application/pdf"}, timeout=60)
        outcome["status"], outcome["body"] = response.status_code, response.json()

    attack = threading.Thread(target=bomb)
    attack.start()
    time.sleep(1.0)  # the bomb is in a worker by now
    answer = requests.post(served.url + "/credentials/verify", json={"verifiableCredential": genuine}, timeout=30)
    assert answer.status_code == 200 and answer.json()["verified"] is True
    assert requests.get(served.url + "/healthz", timeout=10).status_code == 200
    assert attack.is_alive(), "the genuine request had to wait for the bomb"
    attack.join(60)
    assert (outcome["status"], outcome["body"]["code"]) == (422, "work.timeout"), outcome
    assert_documented(requests.get(served.url + "/openapi.json", timeout=10).json(), "POST", "/documents/verify", 422, "work.timeout")


def test_idle_sockets_do_not_lock_out_genuine_requests(served: WaitressServer, genuine: dict[str, Any]) -> None:
    idle = [socket.create_connection((served.host, served.port), timeout=5) for _ in range(120)]
    try:
        answer = requests.post(served.url + "/credentials/verify", json={"verifiableCredential": genuine}, timeout=10)
        assert answer.status_code == 200 and answer.json()["verified"] is True
        # idle connections are closed by the server after channel_timeout (2 s here)
        ready, _, _ = select.select(idle[:1], [], [], 15)
        assert ready and idle[0].recv(1) == b""
    finally:
        for sock in idle:
            sock.close()


def test_an_endless_chunked_body_is_refused_without_being_buffered(served: WaitressServer) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"{" * 64 * 1024)
    sent, answer = 0, b""
    with socket.create_connection((served.host, served.port), timeout=10) as sock:
        sock.sendall(b"POST /documents/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n\r\n")
        while sent < 300 << 20:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                answer = sock.recv(4096)
                break
            try:
                sock.sendall(chunk)
            except OSError:  # the server closed the connection after its answer
                answer = sock.recv(4096)
                break
            sent += len(chunk)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 32 << 20, f"{sent >> 20} MiB were read before the refusal"
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) << 10  # ru_maxrss is in KiB
    assert grown < 64 << 20, f"the server's peak memory grew by {grown >> 20} MiB"
