"""Issuance throughput, end to end: PV rows in, signed, archived, status-allocated credentials out
(eddsa-rdfc-2022), today's pipeline as first shipped next to the fast one, in the same run.

- baseline ("pyld, per document"): the agent canonicalizes with pyld (``SHAHADA_CANONICALIZER=pyld``:
  every call processes the pinned contexts again) and the issuer sends one add-proof request per
  credential (``AgentSigner(batch=False)``, ``concurrency`` requests in flight);
- fast ("native, batched"): the agent canonicalizes natively (pyoxigraph, shapes checked once by
  pyld, proof configurations remembered: ``shahada.proofs.canonical``) and the issuer sends a batch
  route request per ``batch/concurrency`` credentials, signing the next batch while the archive
  commits the previous one; the paper seals' holder bindings (a scrypt each, ~13 ms of CPU) are
  out of the signing path: measured without them (``shahada issue --no-bindings``, filled later by
  ``shahada archive bindings``) and with them computed at the end, in threads (``shahada issue``'s
  default); the baseline has none (as before they were stored at issuance).

Each pipeline is ``issue_pv`` as the CLI runs it: PV parsing and validation, credential building and
JSON Schema checks, the atomic import into a fresh archive with status indexes allocated, signing
through a freshly started agent (one process, its own wallet), the batched archive commits and the
audit trail, then the status lists and registry records published. A plain loop of single
add-proof requests on the fast agent is printed as well, for reference, and the CPU time per
credential of each process (which the other work on a shared machine does not change much).

    .venv/bin/python bench/issue.py [--candidates 400] [--concurrency 4] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from shahada.agent.process import AgentConfig, AgentProcess
from shahada.database import open_archive
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.identity import ensure_did_key
from shahada.issuer.issuance import AgentSigner
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.usecases import issue_pv
from shahada.schemas.reference import bundled_reference

SUITE = "eddsa-rdfc-2022"
SECRET = b"bench-id-secret-" * 4
ORIGIN = "https://diplomes.men.gov.ma"


@dataclass(frozen=True)
class Run:
    name: str
    credentials: int
    seconds: float
    issuer_cpu: float  # CPU seconds of this process (all threads) during the pipeline
    agent_cpu: float  # CPU seconds of the agent process during the pipeline
    loop_seconds: float | None = None

    @property
    def rate(self) -> float:
        return self.credentials / self.seconds


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name: str, pv: Path, work: Path, *, engine: str, batch: bool, concurrency: int, loop: bool, bindings: bool = True) -> Run:
    """One pipeline; ``bindings=False``: without the seals' holder bindings (``issue --no-bindings``)."""
    config = AgentConfig(work_dir=work / f"agent-{name}", wallet_name=f"bench-{name}", wallet_key="bench-key", extra_env={"SHAHADA_CANONICALIZER": engine})
    agent = AgentProcess(config)
    with agent as client:
        identity = ensure_did_key(client)
        pid = agent.pid
        assert pid is not None
        signer = AgentSigner(client, identity.verification_method, SUITE, batch=batch)
        archive = open_archive(f"sqlite:///{work / f'archive-{name}.sqlite3'}")
        try:
            status = StatusStore(archive.engine, secret=SECRET, origin=ORIGIN)
            started, cpu, agent_cpu = time.perf_counter(), time.process_time(), process_cpu(pid)
            outcome = issue_pv(
                pv, archive=archive, year=2025, signer=signer, issuer_did=identity.did, secret=SECRET, proof_type=SUITE, status=status,
                operator="bench", reference=bundled_reference(), concurrency=concurrency, bindings=bindings,
            )
            seconds = time.perf_counter() - started
            cpu, agent_cpu = time.process_time() - cpu, process_cpu(pid) - agent_cpu
            unsigned = [{k: v for k, v in c.document.items() if k != "proof"} for c in archive.credentials(import_id=outcome.info.id)]
        finally:
            archive.close()
        assert outcome.signed == len(unsigned)
        loop_seconds = None
        if loop:
            started = time.perf_counter()
            for document in unsigned:
                signer.sign(document)
            loop_seconds = time.perf_counter() - started
    return Run(name, outcome.signed, seconds, cpu, agent_cpu, loop_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1, help="measure both pipelines this many times, alternately")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pv = work / "pv.csv"
        write_csv(generate_records(args.candidates, seed=7, reference=bundled_reference(), year=2025), pv)
        for repeat in range(args.repeat):
            baseline = measure(f"baseline{repeat}", pv, work, engine="pyld", batch=False, concurrency=args.concurrency, loop=False, bindings=False)
            unbound = measure(f"fast-unbound{repeat}", pv, work, engine="native", batch=True, concurrency=args.concurrency, loop=False, bindings=False)
            fast = measure(f"fast{repeat}", pv, work, engine="native", batch=True, concurrency=args.concurrency, loop=True)
            print(f"repeat {repeat + 1}: candidates {args.candidates}, credentials {fast.credentials} per pipeline ({SUITE}, one agent process each, same run)")
            print(f"  {'pipeline':44}{'credentials/s':>14}{'seconds':>10}")
            print(f"  {'baseline: pyld, one request per credential':44}{baseline.rate:14.1f}{baseline.seconds:10.2f}")
            print(f"  {'fast: native RDFC, batch route, no bindings':44}{unbound.rate:14.1f}{unbound.seconds:10.2f}")
            print(f"  {'fast, holder bindings filled at the end':44}{fast.rate:14.1f}{fast.seconds:10.2f}")
            assert fast.loop_seconds is not None
            print(f"  {'(fast agent, plain loop of single requests)':44}{fast.credentials / fast.loop_seconds:14.1f}{fast.loop_seconds:10.2f}")
            print(
                f"  ratio fast/baseline: {unbound.rate / baseline.rate:.2f} without bindings, {fast.rate / baseline.rate:.2f} with them filled at the end"
            )
            cpu = {run.name: (run.issuer_cpu + run.agent_cpu) / run.credentials for run in (baseline, unbound, fast)}
            print(
                f"  CPU per credential, both processes: baseline {1000 * cpu[baseline.name]:.1f} ms, fast {1000 * cpu[unbound.name]:.1f} ms"
                f" ({cpu[baseline.name] / cpu[unbound.name]:.2f}x less; steadier than rates on a loaded machine),"
                f" with bindings {1000 * cpu[fast.name]:.1f} ms"
            )
            print(f"  load average: {os.getloadavg()[0]:.1f}")
            for run in (baseline, unbound, fast):
                print(
                    f"  {run.name}: CPU per credential {1000 * run.issuer_cpu / run.credentials:.1f} ms issuer process, "
                    f"{1000 * run.agent_cpu / run.credentials:.1f} ms agent"
                )


if __name__ == "__main__":
    main()
