"""Issuance throughput: the project's pipeline vs a plain loop of /vc/credentials/issue.

Both run in the same process against the same freshly started ACA-Py agent, so the ratio is
meaningful on a noisy machine. The pipeline measures everything a real run does: PV parsing and
validation, credential building, the atomic import into the archive, signing through the agent
(with ``sign_concurrency`` requests in flight) and the batched archive commits. The baseline
signs the same unsigned credentials one request at a time and stores nothing.

    .venv/bin/python bench/issue.py [--candidates 500] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from issuer.agent import AgentConfig, AgentProcess
from issuer.archive import Archive
from issuer.identity import ensure_did_key
from issuer.issuance import AgentSigner, import_pv, sign_pending
from issuer.synthetic import generate_records, write_csv
from schemas.credential import MINISTRY_NAME, IssuerProfile
from schemas.reference import bundled_reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--proof-type", default="Ed25519Signature2020")
    args = parser.parse_args()
    reference = bundled_reference()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        pv = home / "pv.csv"
        write_csv(generate_records(args.candidates, seed=7, reference=reference, year=2025), pv)
        with AgentProcess(AgentConfig(work_dir=home / "agent", wallet_name="bench", wallet_key="bench-key")) as client:
            identity = ensure_did_key(client)
            issuer = IssuerProfile(did=identity.did, name=MINISTRY_NAME)
            signer = AgentSigner(client, identity.verification_method, args.proof_type)
            archive = Archive(f"sqlite:///{home / 'archive.sqlite3'}")
            now = lambda: dt.datetime.now(dt.UTC)  # noqa: E731

            started = time.perf_counter()
            outcome = import_pv(
                pv, archive=archive, year=2025, issuer=issuer, secret=b"bench-id-secret-" * 4, reference=reference,
                proof_type=args.proof_type, operator="bench", now=now(),
            )
            signed = sign_pending(archive, outcome.info.id, signer, clock=now, concurrency=args.concurrency)
            pipeline_s = time.perf_counter() - started
            n = signed

            unsigned = [c.document for c in archive.credentials(import_id=outcome.info.id)]
            for doc in unsigned:
                doc.pop("proof", None)
            started = time.perf_counter()
            for doc in unsigned:
                client.issue_credential(doc, proof_type=args.proof_type, verification_method=identity.verification_method)
            baseline_s = time.perf_counter() - started

    pipeline_rate, baseline_rate = n / pipeline_s, len(unsigned) / baseline_s
    print(f"candidates: {args.candidates}, credentials: {n} ({args.proof_type}, one agent process, 2 cores)")
    print(f"{'':34}{'credentials/s':>14}{'seconds':>10}")
    print(f"{'pipeline (PV → archive, signed)':34}{pipeline_rate:14.1f}{pipeline_s:10.2f}")
    print(f"{'baseline (plain issue loop)':34}{baseline_rate:14.1f}{baseline_s:10.2f}")
    print(f"ratio pipeline/baseline: {pipeline_rate / baseline_rate:.2f}")


if __name__ == "__main__":
    main()
