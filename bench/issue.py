"""Issuance throughput: eddsa-rdfc-2022 next to Ed25519Signature2020, and the project's pipeline
next to a plain loop of signing calls, all in the same run against the same agent.

One freshly started ACA-Py agent (with the project's plugin) signs everything, so the ratios are
meaningful on a noisy machine. For each suite:

- pipeline: everything a real run does: PV parsing and validation, credential building, the atomic
  import into a fresh archive, signing through the agent (``sign_concurrency`` requests in flight)
  and the batched archive commits;
- plain loop: the same unsigned credentials signed one request at a time, nothing stored
  (``/shahada/di/add-proof`` for eddsa-rdfc-2022, ACA-Py's ``/vc/credentials/issue`` for
  Ed25519Signature2020).

    .venv/bin/python bench/issue.py [--candidates 400] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from shahada.agent.admin import AdminClient
from shahada.agent.process import AgentConfig, AgentProcess
from shahada.database import open_archive
from shahada.issuer.identity import MinistryIdentity, ensure_did_key
from shahada.issuer.issuance import AgentSigner
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.usecases import issue_pv
from shahada.schemas.reference import bundled_reference

SUITES = ("Ed25519Signature2020", "eddsa-rdfc-2022")
SECRET = b"bench-id-secret-" * 4


@dataclass(frozen=True)
class Run:
    suite: str
    credentials: int
    pipeline_s: float
    loop_s: float

    @property
    def pipeline_rate(self) -> float:
        return self.credentials / self.pipeline_s

    @property
    def loop_rate(self) -> float:
        return self.credentials / self.loop_s


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def measure(suite: str, pv: Path, work: Path, client: AdminClient, identity: MinistryIdentity, concurrency: int) -> Run:
    reference = bundled_reference()
    signer = AgentSigner(client, identity.verification_method, suite)
    archive = open_archive(f"sqlite:///{work / f'archive-{suite}.sqlite3'}")
    try:
        started = time.perf_counter()
        outcome = issue_pv(
            pv, archive=archive, year=2025, signer=signer, issuer_did=identity.did, secret=SECRET, proof_type=suite, status=None,
            operator="bench", reference=reference, concurrency=concurrency,
        )
        signed = outcome.signed
        pipeline_s = time.perf_counter() - started
        unsigned = [{k: v for k, v in c.document.items() if k != "proof"} for c in archive.credentials(import_id=outcome.info.id)]
    finally:
        archive.close()
    started = time.perf_counter()
    for document in unsigned:
        signer.sign(document)
    loop_s = time.perf_counter() - started
    assert signed == len(unsigned)
    return Run(suite, signed, pipeline_s, loop_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pv = work / "pv.csv"
        write_csv(generate_records(args.candidates, seed=7, reference=bundled_reference(), year=2025), pv)
        with AgentProcess(AgentConfig(work_dir=work / "agent", wallet_name="bench", wallet_key="bench-key")) as client:
            identity = ensure_did_key(client)
            runs = {suite: measure(suite, pv, work, client, identity, args.concurrency) for suite in SUITES}

    legacy, rdfc = runs["Ed25519Signature2020"], runs["eddsa-rdfc-2022"]
    print(f"candidates: {args.candidates}, credentials: {rdfc.credentials} per suite (one agent process, same run)")
    print(f"{'':24}{'':12}{'credentials/s':>14}{'seconds':>10}")
    for run in runs.values():
        print(f"{run.suite:24}{'pipeline':12}{run.pipeline_rate:14.1f}{run.pipeline_s:10.2f}")
        print(f"{'':24}{'plain loop':12}{run.loop_rate:14.1f}{run.loop_s:10.2f}")
    print(
        f"ratio eddsa-rdfc-2022/Ed25519Signature2020: pipeline {rdfc.pipeline_rate / legacy.pipeline_rate:.2f}, "
        f"plain loop {rdfc.loop_rate / legacy.loop_rate:.2f}"
    )
    print(
        "ratio pipeline/plain loop: "
        + ", ".join(f"{run.suite} {run.pipeline_rate / run.loop_rate:.2f}" for run in runs.values())
    )


if __name__ == "__main__":
    main()
