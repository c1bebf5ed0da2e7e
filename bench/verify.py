"""Verification throughput: the verifier service next to ACA-Py's own verifier, in the same run.

A local ministry (a fresh ACA-Py agent with the project's plugin, its did:web on the loopback HTTPS
site, an archive) issues a synthetic session twice: with Ed25519Signature2020, the suite ACA-Py's
``/vc/credentials/verify`` verifies, and with the default eddsa-rdfc-2022. Its diplomas are sealed
for printing. Then ``shahada serve verifier`` (waitress, its own process, ``--threads``) serves the
installation's verifier, and ``--clients`` concurrent clients on loopback send ``--requests``
requests to each target, cycling over the same documents:

- service ``POST /credentials/verify`` and ACA-Py ``POST /vc/credentials/verify``, the same
  Ed25519Signature2020 credentials (ACA-Py checks signature and issuer key only; the service also
  checks contexts, trust, schema, validity dates and the archive);
- service ``POST /credentials/verify`` and the plugin's ``POST /shahada/di/verify`` (inside the
  agent), the same eddsa-rdfc-2022 credentials;
- service ``GET <QR URL>``: the printed seals, as a phone opens them (the HTML page), and
  ``POST /seals/verify``.

Two services answer the service targets, in the same run: **today's** (the code of
``--baseline-ref``, by default where this branch left ``main``, exported by ``bench/baseline.py``,
one process as it was served) and **this branch's** (``--processes`` service processes sharing the
port). The service targets are measured ``--repeats`` times, alternating the two.

Every answer is checked (verified true), then requests/s and p50/p99 latency are printed, with the
ratios.

    .venv/bin/python bench/verify.py [--candidates 60] [--clients 8] [--requests 400] [--threads 4]
        [--processes 2] [--repeats 2] [--baseline-ref REF] [--no-agent-targets]
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    from baseline import baseline_env, downgraded_copy, merge_base  # bench/baseline.py, next to this script
else:  # pragma: no cover - imported as bench.verify
    from bench.baseline import baseline_env, downgraded_copy, merge_base

from shahada.config import load_settings
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.seal import AgentSealer, seal_credentials
from shahada.issuer.usecases import issue_pv
from shahada.ministry import LocalMinistry
from shahada.schemas.reference import bundled_reference

Request = Callable[[requests.Session, int], bool]  # (session, i) → whether the answer was right


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    latencies: tuple[float, ...]
    failures: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


FIRST_FAILURE: dict[str, str] = {}  # target → the first wrong answer, shown at the end


def load(name: str, request: Request, *, clients: int, total: int) -> Result:
    """``total`` requests by ``clients`` threads, each with its own keep-alive session."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        session = requests.Session()
        session.trust_env = False
        mine: list[float] = []
        bad = 0
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            started = time.perf_counter()
            try:
                ok = request(session, i)
            except requests.RequestException:  # a timeout: a failure, timed, not a dead client
                ok = False
            mine.append(time.perf_counter() - started)
            bad += 0 if ok else 1
        with lock:
            latencies.extend(mine)
            failures[0] += bad
        session.close()

    for i in range(min(clients, 4)):  # warm-up: caches, connections, first imports
        request(requests.Session(), i)
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, total, time.perf_counter() - started, tuple(latencies), failures[0])


def issue(ministry: LocalMinistry, pv: Path, proof_type: str) -> list[dict[str, Any]]:
    outcome = issue_pv(  # with status entries and the registry's signed records, as the service checks them
        pv, archive=ministry.archive, year=2025, signer=ministry.signer(proof_type), issuer_did=ministry.identity.did,
        secret=ministry.settings.id_secret, proof_type=proof_type, status=ministry.status, operator="bench", concurrency=4,
    )
    return [c.document for c in ministry.archive.credentials(import_id=outcome.info.id)]


def start_service(env: dict[str, str], threads: int, processes: int = 1, cwd: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    """``shahada serve verifier`` of this branch, or with ``cwd`` (an exported tree, see
    bench/baseline.py) of that tree, as it was served (no ``--processes`` option)."""
    command = [sys.executable, "-c", "from shahada.cli import main; main()", "serve", "verifier", "--port", "0", "--threads", str(threads)]
    if processes > 1:
        command += ["--processes", str(processes)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, cwd=cwd or tempfile.gettempdir())
    assert process.stderr is not None
    deadline, seen = time.monotonic() + 60, ""
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stderr], [], [], 0.5)[0]:
            line = process.stderr.readline()
            seen += line
            found = re.search(r"verifier: (http://127\.0\.0\.1:\d+)/", line)
            if found:
                return process, found.group(1)
    process.kill()
    raise SystemExit(f"the verifier service did not start:\n{seen}")


def _answered(url: str, response: requests.Response, ok: bool) -> bool:
    if not ok:
        FIRST_FAILURE.setdefault(url.split("/V/")[0], f"HTTP {response.status_code}: {response.text[:600]}")
    return ok


def post_verify(url: str, documents: Sequence[dict[str, Any]], key: str = "verifiableCredential", headers: dict[str, str] | None = None) -> Request:
    def request(session: requests.Session, i: int) -> bool:
        response = session.post(url, json={key: documents[i % len(documents)]}, headers=headers, timeout=60)
        return _answered(url, response, response.status_code == 200 and response.json().get("verified") is True)

    return request


def post_seal(url: str, seals: Sequence[str]) -> Request:
    def request(session: requests.Session, i: int) -> bool:
        response = session.post(url, json={"seal": seals[i % len(seals)]}, timeout=60)
        return _answered(url, response, response.status_code == 200 and response.json().get("verified") is True)

    return request


def get_page(urls: Sequence[str]) -> Request:
    def request(session: requests.Session, i: int) -> bool:
        url = urls[i % len(urls)]
        response = session.get(url, headers={"Accept-Language": "ar"}, timeout=60)
        return _answered(url, response, response.status_code == 200 and 'data-verdict="valid"' in response.text)

    return request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="requests per target")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads of each service process")
    parser.add_argument("--processes", type=int, default=2, help="processes of this branch's service")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--baseline-ref", default=None, help="today's code (default: git merge-base HEAD main)")
    parser.add_argument("--no-baseline", action="store_true", help="this branch's service only (today's stopped answering seals under load once)")
    parser.add_argument("--no-agent-targets", action="store_true", help="skip ACA-Py's and the plugin's verify routes")
    args = parser.parse_args()
    ref = args.baseline_ref or merge_base()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "SHAHADA_HOME": str(home), "SHAHADA_OPERATOR": "bench", "PYTHONUNBUFFERED": "1"}
        old_home = Path(tmp) / "home-today"  # today's service gets a copy of the home, its archive at today's schema
        old_env = baseline_env(ref, Path(tmp) / "baseline", {**env, "SHAHADA_HOME": str(old_home)})
        settings = load_settings(env)
        pv = Path(tmp) / "pv.csv"
        write_csv(generate_records(args.candidates, seed=11, reference=bundled_reference(), year=2025), pv)
        with LocalMinistry(settings) as ministry:
            assert ministry.agent is not None
            legacy = issue(ministry, pv, "Ed25519Signature2020")
            write_csv(generate_records(args.candidates, seed=12, reference=bundled_reference(), year=2025), pv)
            rdfc = issue(ministry, pv, "eddsa-rdfc-2022")
            shutil.copytree(home, old_home, ignore=shutil.ignore_patterns("archive.sqlite3*", "agent"))
            downgraded_copy(home / "archive.sqlite3", old_home / "archive.sqlite3", Path(tmp) / "baseline" / "pkg")
            services = [] if args.no_baseline else [("today", *start_service(old_env, args.threads, cwd=Path(tmp) / "baseline" / "pkg"))]
            services.append(("new", *start_service(env, args.threads, args.processes)))
            try:
                diplomas = [c for c in rdfc if "BaccalaureateDiploma" in c["type"]]
                seals = seal_credentials(diplomas, AgentSealer(ministry.client, ministry.identity.verification_method), base_url="HTTP://127.0.0.1:1/V/")
                admin = {"X-API-Key": ministry.agent.api_key}

                def targets(label: str, url: str) -> list[tuple[str, Request]]:
                    port = url.rsplit(":", 1)[1]
                    mine = [s.replace("HTTP://127.0.0.1:1/", f"HTTP://127.0.0.1:{port}/") for s in seals]
                    return [
                        (f"{label:6}service POST /credentials/verify  Ed25519Signature2020", post_verify(f"{url}/credentials/verify", legacy)),
                        (f"{label:6}service POST /credentials/verify  eddsa-rdfc-2022", post_verify(f"{url}/credentials/verify", rdfc)),
                        (f"{label:6}service GET  QR URL (HTML page)   seal", get_page([s.replace("HTTP://127.0.0.1", "http://127.0.0.1") for s in mine])),
                        (f"{label:6}service POST /seals/verify        seal", post_seal(f"{url}/seals/verify", mine)),
                    ]

                results: dict[str, list[Result]] = {}
                for _ in range(args.repeats):
                    for label, _process, url in services:
                        for name, request in targets(label, url):
                            results.setdefault(name, []).append(load(name, request, clients=args.clients, total=args.requests))
                if not args.no_agent_targets:
                    agent_targets = [
                        ("ACA-Py POST /vc/credentials/verify     Ed25519Signature2020", post_verify(f"{ministry.agent.admin_url}/vc/credentials/verify", legacy, headers=admin)),
                        ("plugin POST /shahada/di/verify         eddsa-rdfc-2022", post_verify(f"{ministry.agent.admin_url}/shahada/di/verify", rdfc, "securedDocument", headers=admin)),
                    ]
                    for name, request in agent_targets:
                        results[name] = [load(name, request, clients=args.clients, total=args.requests)]
            finally:
                for _label, process, _url in services:
                    process.send_signal(signal.SIGTERM)
                    process.communicate(timeout=30)
    print(f"documents: {len(legacy)} Ed25519Signature2020 and {len(rdfc)} eddsa-rdfc-2022 credentials, {len(seals)} sealed diplomas")
    print(f"{args.clients} concurrent clients on loopback, {args.requests} requests per target and repeat; each service compares each document with the ministry's archive (SQLite)")
    print(f"today: the code of {ref[:12]}, 1 process, {args.threads} threads; new: this branch, {args.processes} processes of {args.threads} threads")
    print(f"{'target':62}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}")
    for name, runs in results.items():
        for r in runs:
            print(f"{name:62}{r.rate:8.1f}{r.percentile(50):9.1f}{r.percentile(99):9.1f}{r.failures:8d}")
    for name in results:
        if name.startswith("today"):
            new = "new   " + name.removeprefix("today ")
            ratios = ", ".join(f"{n.rate / t.rate:.2f}x" for t, n in zip(results[name], results[new], strict=True))
            print(f"ratio new/today {name.removeprefix('today ').strip():50} {ratios} req/s (repeat by repeat)")
    for where, answer in FIRST_FAILURE.items():
        print(f"first wrong answer from {where}: {answer}")
    if any(r.failures for runs in results.values() for r in runs):
        raise SystemExit("some verifications did not answer verified: true")


if __name__ == "__main__":
    main()
