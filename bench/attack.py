"""Genuine requests' latency while the verifier service is under the attacks of issue 17 (finding 3),
next to the same requests without attack, in the same run.

The verifier (``shahada.verifier.web`` as ``shahada serve verifier`` builds it: waitress with its
connection and body limits, the worker processes for signatures and scans) runs in its own
process, trusting a local did:key issuer. ``--clients`` genuine clients send ``--requests``
``POST /credentials/verify`` of a signed credential (every answer must be ``verified: true``):

1. without attack;
2. while ``--poisoners`` clients send the RDFC-1.0 poison graph (the genuine credential plus a
   clique of 8 blank nodes), ``--bombers`` clients send a PDF draw-op bomb (20,000 full-page fills
   on 10 pages, 480 KB), and ``--idle`` idle sockets stay open (past waitress's former limit of 100).

Printed: requests/s, p50 and p99 of the genuine requests in both phases, and what the attackers
got back (status and code). The target: genuine p99 under 1 s during the attack.

    .venv/bin/python bench/attack.py [--clients 2] [--requests 300] [--poisoners 4] [--bombers 2] [--idle 120] [--threads 4]
"""

from __future__ import annotations

import argparse
import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script, this directory would shadow packages
sys.path.insert(0, str(ROOT))  # tests.support: the local signer and the attacks, as the tests use them

from shahada.common.wsgi import ServerLimits, WaitressServer  # noqa: E402
from shahada.schemas.loader import PinnedDocumentLoader  # noqa: E402
from shahada.verifier.web import create_app  # noqa: E402
from tests.support.attacks import draw_op_bomb_pdf, poison_graph  # noqa: E402
from tests.support.local_signer import LocalKey, sign_credential  # noqa: E402
from tests.verifier.verifier_support import NOW, make_credential  # noqa: E402

SEED = b"\x07" * 32


def genuine_credential() -> dict[str, Any]:
    key = LocalKey.from_seed(SEED)
    credential = make_credential(key.did_key, "eddsa-rdfc-2022")
    signed: dict[str, Any] = sign_credential(
        credential, suite="eddsa-rdfc-2022", key=key, verification_method=key.did_key_vm, created=NOW, loader=PinnedDocumentLoader()
    )
    return signed


def serve(port: Any, threads: int) -> None:
    """The verifier service, in its own process: what ``shahada serve verifier`` runs."""
    key = LocalKey.from_seed(SEED)
    app = create_app({"trusted_issuers": frozenset({key.did_key}), "request_timeout": 10.0})
    service = app.config["SHAHADA_VERIFIER_SERVICE"]
    service.workers.start(wait=60)
    limits = ServerLimits(max_request_body_size=2 * service.settings.max_upload_bytes)  # as installation_verifier sets it
    server = WaitressServer(app, threads=threads, ident="shahada-verifier", limits=limits)
    port.value = server.port
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve()
    finally:
        service.close()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000 if ordered else float("nan")


def genuine_load(url: str, credential: dict[str, Any], *, clients: int, total: int, name: str) -> Phase:
    phase = Phase(name)
    counter = iter(range(total))
    lock = threading.Lock()

    def worker() -> None:
        session = requests.Session()
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            started = time.perf_counter()
            try:
                response = session.post(url + "/credentials/verify", json={"verifiableCredential": credential}, timeout=60)
                ok = response.status_code == 200 and response.json()["verified"] is True
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                phase.latencies.append(elapsed)
                phase.failures += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    return phase


class Attackers:
    """Attack traffic until stopped; what each attack got back is counted."""

    def __init__(self, url: str, host: str, port: int) -> None:
        self.url, self.host, self.port = url, host, port
        self.stop = threading.Event()
        self.outcomes: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.sockets: list[socket.socket] = []

    def _loop(self, name: str, send: Callable[[requests.Session], requests.Response]) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                response = send(session)
                code = response.json().get("code") or next((e["code"] for e in response.json().get("errors", [])), "-")
                outcome = f"{response.status_code} {code}"
            except (requests.RequestException, ValueError) as err:
                outcome = type(err).__name__
            with self.lock:
                self.outcomes[f"{name}: {outcome}"] += 1

    def start(self, credential: dict[str, Any], *, poisoners: int, bombers: int, idle: int) -> None:
        poison = {"verifiableCredential": poison_graph(credential, 8)}
        bomb = draw_op_bomb_pdf(20_000, pages=10)
        for _ in range(poisoners):
            self._spawn("poison graph", lambda s: s.post(self.url + "/credentials/verify", json=poison, timeout=60))
        for _ in range(bombers):
            self._spawn("PDF bomb", lambda s: s.post(self.url + "/documents/verify", data=bomb, headers={"Content-Type": "application/pdf"}, timeout=60))
        self.sockets = [socket.create_connection((self.host, self.port), timeout=10) for _ in range(idle)]

    def _spawn(self, name: str, send: Callable[[requests.Session], requests.Response]) -> None:
        thread = threading.Thread(target=self._loop, args=(name, send), daemon=True)
        thread.start()
        self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(70)
        for sock in self.sockets:
            sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--poisoners", type=int, default=4)
    parser.add_argument("--bombers", type=int, default=2)
    parser.add_argument("--idle", type=int, default=120)
    parser.add_argument("--threads", type=int, default=4, help="waitress threads of the service (shahada serve verifier's default)")
    args = parser.parse_args()

    credential = genuine_credential()
    port = multiprocessing.get_context("spawn").Value("i", 0)
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(port, args.threads))  # not daemonic: it has workers of its own
    server.start()
    deadline = time.monotonic() + 120
    while port.value == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    host, url = "127.0.0.1", f"http://127.0.0.1:{port.value}"
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/healthz", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.2)
    genuine_load(url, credential, clients=1, total=20, name="warm-up")

    baseline = genuine_load(url, credential, clients=args.clients, total=args.requests, name="genuine, no attack")
    attackers = Attackers(url, host, port.value)
    attackers.start(credential, poisoners=args.poisoners, bombers=args.bombers, idle=args.idle)
    time.sleep(2)  # the attacks are in flight
    attacked = genuine_load(url, credential, clients=args.clients, total=args.requests, name=f"genuine, under attack ({args.poisoners} poison, {args.bombers} PDF bomb, {args.idle} idle sockets)")
    attackers.finish()
    server.terminate()
    server.join(10)

    print(f"{'phase':78}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}")
    for phase in (baseline, attacked):
        rate = len(phase.latencies) / phase.seconds
        print(f"{phase.name:78}{rate:8.1f}{phase.percentile(50):9.1f}{phase.percentile(99):9.1f}{phase.failures:8d}")
    print("attackers got:")
    for outcome, count in sorted(attackers.outcomes.items()):
        print(f"  {count:6d}  {outcome}")
    verdict = "holds" if attacked.percentile(99) < 1000 and attacked.failures == 0 else "DOES NOT hold"
    print(f"genuine p99 under attack {attacked.percentile(99):.0f} ms (without: {baseline.percentile(99):.0f} ms): the 1 s target {verdict}")


if __name__ == "__main__":
    main()
