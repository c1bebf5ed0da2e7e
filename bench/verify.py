"""Verification throughput of ``shahada serve verifier``: the service before issue 13 next to this
branch's, in the same run.

A local ministry (a fresh ACA-Py agent with the project's plugin, its did:web on the loopback HTTPS
site, an archive with status lists) issues a synthetic session with eddsa-rdfc-2022 and seals its
diplomas for printing. Then ``shahada serve verifier`` (waitress, its own processes, ``--threads``)
serves the installation's verifier, as:

- **before**: the code of ``--baseline-ref`` (default :data:`bench.baseline.BEFORE_ISSUE_13`, the
  service as it was before issue 13's work; exported by ``bench/baseline.py``), one process as it
  was served, on a copy of the home whose archive is taken back to that code's schema;
- **main** (with ``--main``): where this branch left ``main``, one process, likewise;
- **new×1** and **new×2**: this branch, one process and ``--processes`` processes sharing the port.

Targets, measured ``--repeats`` times each (the services alternating), after ``--warmup`` requests:

- ``POST /credentials/verify`` (the VC API), ``--clients`` clients, closed loop (each client sends
  its next request when the answer came);
- ``POST /seals/verify`` (a printed seal), closed loop with each of ``--seal-clients`` (8 and 16);
- the same seals **paced**: ``--seal-rate`` requests/s spread over the clients (an open loop: each
  request has its planned start, and its latency counts from then, the wait for a free client
  included), with each of ``--seal-clients``.

Every answer is checked (verified true); requests/s, p50/p99 latency and the service's CPU time per
request (its processes and their workers, from /proc) are printed per repeat, then the medians and
the ratios of the medians. The services' stderr is drained all along (a full pipe would stall them)
and its last lines are shown if a service fails.

    .venv/bin/python bench/verify.py [--candidates 60] [--clients 8] [--requests 400] [--seal-requests 900]
        [--seal-clients 8 16] [--seal-rate 300] [--threads 8] [--processes 2] [--repeats 3] [--warmup 40]
        [--baseline-ref REF] [--main] [--agent-targets]
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import signal
import statistics
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
    from baseline import BEFORE_ISSUE_13, baseline_env, downgraded_copy, merge_base  # bench/baseline.py, next to this script
else:  # pragma: no cover - imported as bench.verify
    from bench.baseline import BEFORE_ISSUE_13, baseline_env, downgraded_copy, merge_base

from shahada.config import load_settings
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.seal import AgentSealer, seal_credentials
from shahada.issuer.usecases import issue_pv
from shahada.ministry import LocalMinistry
from shahada.schemas.reference import bundled_reference

Request = Callable[[requests.Session, int], bool]  # (session, i) → whether the answer was right
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    latencies: tuple[float, ...]
    failures: int
    cpu_seconds: float  # of the service's processes (and their workers) while measured

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / self.requests * 1000


FIRST_FAILURE: dict[str, str] = {}  # target → the first wrong answer, shown at the end


class Service:
    """A ``shahada serve verifier`` process (and its children), its stderr drained by a thread."""

    def __init__(self, label: str, env: dict[str, str], threads: int, processes: int = 1, cwd: Path | None = None) -> None:
        self.label = label
        command = [sys.executable, "-c", "from shahada.cli import main; main()", "serve", "verifier", "--port", "0", "--threads", str(threads)]
        if processes > 1:
            command += ["--processes", str(processes)]
        self.process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, cwd=cwd or tempfile.gettempdir())
        self.tail: collections.deque[str] = collections.deque(maxlen=40)
        self._url: list[str] = []
        self._started = threading.Event()
        self._drain = threading.Thread(target=self._read, daemon=True)
        self._drain.start()
        if not self._started.wait(90) or not self._url:
            self.stop()
            raise SystemExit(f"the {label} verifier service did not start:\n{''.join(self.tail)}")
        self.url = self._url[0]

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:  # drained until the process ends: a full pipe would stall its logging
            self.tail.append(line)
            if not self._url:
                found = re.search(r"verifier: (http://127\.0\.0\.1:\d+)/", line)
                if found:
                    self._url.append(found.group(1))
                    self._started.set()
        self._started.set()

    def cpu_seconds(self) -> float:
        """User + system CPU of the service's process tree (children that ended are counted by
        their parent's cutime/cstime once waited for)."""
        children: dict[int, list[int]] = collections.defaultdict(list)
        stats: dict[int, list[str]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = fields
            children[int(fields[1])].append(int(entry))
        total, todo = 0, [self.process.pid]
        while todo:
            pid = todo.pop()
            fields = stats.get(pid)
            if fields is not None:
                total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            todo.extend(children.get(pid, ()))
        return total / TICKS

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._drain.join(timeout=5)


def measure(name: str, request: Request, service: Service, *, clients: int, total: int, warmup: int, rate: float | None = None) -> Result:
    """``total`` requests by ``clients`` threads with keep-alive sessions: closed loop, or with
    ``rate`` paced (request i planned at i/rate s; its latency counted from then)."""
    sessions = [requests.Session() for _ in range(clients)]
    for session in sessions:
        session.trust_env = False
    for i in range(warmup):  # caches, connections, first imports: not measured
        request(sessions[i % clients], i)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    counter = iter(range(total))
    started = time.perf_counter() + 0.05

    def worker(session: requests.Session) -> None:
        mine: list[float] = []
        bad = 0
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            planned = started + i / rate if rate else time.perf_counter()
            wait = planned - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                ok = request(session, i)
            except requests.RequestException:  # a timeout: a failure, timed, not a dead client
                ok = False
            mine.append(time.perf_counter() - planned)
            bad += 0 if ok else 1
        with lock:
            latencies.extend(mine)
            failures[0] += bad
        session.close()

    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    cpu = service.cpu_seconds()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - max(began, started if rate else began)
    return Result(name, total, seconds, tuple(latencies), failures[0], service.cpu_seconds() - cpu)


def issue(ministry: LocalMinistry, pv: Path, proof_type: str) -> list[dict[str, Any]]:
    outcome = issue_pv(  # with status entries, holder bindings and the registry's signed records, as the service checks them
        pv, archive=ministry.archive, year=2025, signer=ministry.signer(proof_type), issuer_did=ministry.identity.did,
        secret=ministry.settings.id_secret, proof_type=proof_type, status=ministry.status, operator="bench", concurrency=4,
    )
    return [c.document for c in ministry.archive.credentials(import_id=outcome.info.id)]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8, help="clients of the VC API target")
    parser.add_argument("--requests", type=int, default=400, help="VC API requests per service and repeat")
    parser.add_argument("--seal-requests", type=int, default=900, help="seal requests per target and repeat")
    parser.add_argument("--seal-clients", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--seal-rate", type=float, default=300.0, help="requests/s of the paced seal targets")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads of each service process")
    parser.add_argument("--processes", type=int, default=2, help="processes of this branch's second service")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=40, help="unmeasured requests before each target")
    parser.add_argument("--baseline-ref", default=BEFORE_ISSUE_13, help="the service before issue 13 (default %(default)s)")
    parser.add_argument("--main", action="store_true", help="also today's main (git merge-base HEAD main), one process")
    parser.add_argument("--agent-targets", action="store_true", help="also the plugin's POST /shahada/di/verify inside the agent")
    args = parser.parse_args()
    refs = {"before": args.baseline_ref} | ({"main": merge_base()} if args.main else {})
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "SHAHADA_HOME": str(home), "SHAHADA_OPERATOR": "bench", "PYTHONUNBUFFERED": "1"}
        old = {label: (Path(tmp) / f"home-{label}", Path(tmp) / f"code-{label}") for label in refs}
        old_env = {label: baseline_env(ref, old[label][1], {**env, "SHAHADA_HOME": str(old[label][0])}) for label, ref in refs.items()}
        settings = load_settings(env)
        pv = Path(tmp) / "pv.csv"
        write_csv(generate_records(args.candidates, seed=12, reference=bundled_reference(), year=2025), pv)
        services: list[Service] = []
        with LocalMinistry(settings) as ministry:
            assert ministry.agent is not None
            rdfc = issue(ministry, pv, "eddsa-rdfc-2022")
            ministry.publish_status()
            for old_home, code in old.values():
                shutil.copytree(home, old_home, ignore=shutil.ignore_patterns("archive.sqlite3*", "agent"))
                downgraded_copy(home / "archive.sqlite3", old_home / "archive.sqlite3", code / "pkg")
            try:
                for label in refs:
                    services.append(Service(label, old_env[label], args.threads, cwd=old[label][1] / "pkg"))
                services.append(Service("new×1", env, args.threads))
                services.append(Service(f"new×{args.processes}", env, args.threads, args.processes))
                diplomas = [c for c in rdfc if "BaccalaureateDiploma" in c["type"]]
                holders = {c.id: c.holder_binding for c in ministry.archive.credentials() if c.holder_binding is not None}
                seals = seal_credentials(diplomas, AgentSealer(ministry.client, ministry.identity.verification_method), base_url="HTTP://127.0.0.1:1/V/", holders=holders)
                results: dict[str, list[Result]] = {}
                many = services[-1]
                for _ in range(args.repeats):
                    for service in services:
                        name = f"{service.label:7} POST /credentials/verify  {args.clients:2} clients"
                        results.setdefault(name, []).append(
                            measure(name, post_verify(f"{service.url}/credentials/verify", rdfc), service, clients=args.clients, total=args.requests, warmup=args.warmup)
                        )
                    for service in (*services[: len(refs)], many):
                        port = service.url.rsplit(":", 1)[1]
                        mine = [s.replace("HTTP://127.0.0.1:1/", f"HTTP://127.0.0.1:{port}/") for s in seals]
                        for clients in args.seal_clients:
                            for rate in (None, args.seal_rate):
                                how = f"paced {rate:.0f}/s" if rate else "closed loop"
                                name = f"{service.label:7} POST /seals/verify        {clients:2} clients {how}"
                                results.setdefault(name, []).append(
                                    measure(name, post_seal(f"{service.url}/seals/verify", mine), service, clients=clients, total=args.seal_requests, warmup=args.warmup, rate=rate)
                                )
                if args.agent_targets:
                    admin = {"X-API-Key": ministry.agent.api_key}
                    name = "plugin POST /shahada/di/verify (inside the agent)"
                    request = post_verify(f"{ministry.agent.admin_url}/shahada/di/verify", rdfc, "securedDocument", headers=admin)
                    results[name] = [measure(name, request, many, clients=args.clients, total=args.requests, warmup=args.warmup)]
            except BaseException:
                for service in services:
                    print(f"--- last stderr lines of the {service.label} service:\n{''.join(service.tail)}", file=sys.stderr)
                raise
            finally:
                for service in services:
                    service.stop()
    load = os.getloadavg()
    print(f"documents: {len(rdfc)} eddsa-rdfc-2022 credentials, {len(seals)} sealed diplomas; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"services of {args.threads} threads: " + "; ".join(f"{label}: the code of {ref[:12]}, 1 process" for label, ref in refs.items())
          + f"; new×1, new×{args.processes}: this branch, 1 and {args.processes} processes")
    print(f"each answer compared with the ministry's archive (SQLite); {args.warmup} warm-up requests before each target; CPU: the service's processes per request")
    print(f"{'target':66}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms':>8}{'failed':>8}")
    for name, runs in results.items():
        for r in runs:
            print(f"{name:66}{r.rate:8.1f}{r.percentile(50):9.1f}{r.percentile(99):9.1f}{r.cpu_ms:8.2f}{r.failures:8d}")
    print(f"\nmedians of {args.repeats} repeats")
    print(f"{'target':66}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms':>8}")
    medians: dict[str, float] = {}
    for name, runs in results.items():
        medians[name] = statistics.median(r.rate for r in runs)
        p50, p99, cpu = (statistics.median(f(r) for r in runs) for f in (lambda r: r.percentile(50), lambda r: r.percentile(99), lambda r: r.cpu_ms))
        print(f"{name:66}{medians[name]:8.1f}{p50:9.1f}{p99:9.1f}{cpu:8.2f}")
    print()
    for name in results:
        label = name.split(" ", 1)[0]
        if label in refs:
            for new in (n for n in results if n.startswith("new") and n.split(" ", 1)[1].strip() == name.split(" ", 1)[1].strip()):
                print(f"ratio {new.split(' ', 1)[0]}/{label:7} {name.split(' ', 1)[1].strip():52} {medians[new] / medians[name]:.2f}x req/s (medians)")
    for where, answer in FIRST_FAILURE.items():
        print(f"first wrong answer from {where}: {answer}")
    if any(r.failures for runs in results.values() for r in runs):
        raise SystemExit("some verifications did not answer verified: true")


if __name__ == "__main__":
    main()
