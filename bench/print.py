"""Printing throughput: the batch printer next to a naive loop, same diplomas, same run.

- batch printer (``shahada.printing.batch.print_documents``): seals through the agent (batched requests,
  ahead of rendering), one ``Renderer`` per worker process (templates, stylesheet and fonts loaded
  once), one worker per core, one PDF per diploma written atomically;
- naive loop: each diploma rendered by its own WeasyPrint call (``shahada.printing.pdf.render_naive``:
  template environment, stylesheet and fonts set up again every time), one process. Its seals are
  made beforehand and not timed, so the loop is charged for rendering only.

The diplomas are built from a synthetic PV (admitted candidates only) by the project's builders;
they are not signed as W3C credentials, which printing does not need; the seals are real, signed
inside a freshly started agent.

    .venv/bin/python bench/print.py [--diplomas 1000] [--jobs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from shahada.agent.process import AgentConfig, AgentProcess
from shahada.issuer.identity import ensure_did_key
from shahada.issuer.pv.reader import read_pv
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.seal import AgentSealer, seal_credentials
from shahada.printing.batch import print_documents
from shahada.printing.pdf import render_naive, write_atomic
from shahada.schemas.credential import MINISTRY_NAME, IssuerProfile, build_diploma
from shahada.schemas.reference import bundled_reference

SECRET = b"bench-id-secret-" * 4
BASE = "HTTPS://DIPLOMES.MEN.GOV.MA/V/"


def diplomas(count: int, work: Path, issuer: str) -> list[dict[str, Any]]:
    reference = bundled_reference()
    pv = work / "pv.csv"
    write_csv(generate_records(int(count * 2.2) + 50, seed=3, reference=reference, year=2025, rattrapage_share=0), pv)
    records = [r for r in read_pv(pv, reference=reference, year=2025) if r.admitted][:count]
    if len(records) < count:
        raise SystemExit(f"only {len(records)} admitted candidates were generated")
    profile = IssuerProfile(did=issuer, name=MINISTRY_NAME)
    now = dt.datetime.now(dt.UTC)
    return [build_diploma(r, issuer=profile, year=2025, issued_at=now, secret=SECRET, reference=reference) for r in records]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--diplomas", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shahada-bench-print-") as tmp:
        work = Path(tmp)
        agent = AgentProcess(AgentConfig(work_dir=work / "agent", wallet_name="bench", wallet_key="bench-wallet-key"))
        client = agent.start()
        try:
            identity = ensure_did_key(client)
            credentials = diplomas(args.diplomas, work, identity.did)
            sealer = AgentSealer(client, identity.verification_method)

            def seal(batch: list[Any]) -> list[str]:
                return seal_credentials(batch, sealer, base_url=BASE)

            started = time.perf_counter()
            report = print_documents(
                iter(credentials), work / "batch", seal=seal, total=len(credentials), jobs=args.jobs, batch_size=args.batch_size
            )
            batch_seconds = time.perf_counter() - started
            assert report.rendered == len(credentials)

            seals = seal(credentials)  # not timed: the naive loop is charged for rendering only
            naive_dir = work / "naive"
            started = time.perf_counter()
            for credential, text in zip(credentials, seals, strict=True):
                write_atomic(naive_dir / f"{credential['credentialSubject']['documentNumber']}.pdf", render_naive(credential, text))
            naive_seconds = time.perf_counter() - started
        finally:
            agent.stop()
    n = len(credentials)
    print(f"diplomas: {n} (A4 landscape, one page each), {os.cpu_count()} cores, batch printer with {args.jobs} worker(s)")
    print(f"{'':44}{'pages/s':>9}{'seconds':>10}")
    print(f"{'batch printer (sealing included)':44}{n / batch_seconds:9.1f}{batch_seconds:10.1f}")
    print(f"{'naive loop (one WeasyPrint call each)':44}{n / naive_seconds:9.1f}{naive_seconds:10.1f}")
    print(f"ratio batch/naive: {naive_seconds / batch_seconds:.2f}")


if __name__ == "__main__":
    main()
