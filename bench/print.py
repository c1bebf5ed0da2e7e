"""Printing throughput: the batch printer next to the naive WeasyPrint loop, same documents, same run.

- naive loop (the baseline): each document rendered by its own WeasyPrint call, as Shahada printed
  before Typst (``bench/weasyprint_baseline.py``: template environment, stylesheet and fonts set up
  again every time), one process. Timed on the first ``--naive`` documents (it is slow);
- one renderer: one ``shahada.printing.pdf.Renderer`` (one Typst compiler) in this process,
  one PDF/A per document: what one core typesets;
- batch printer (``shahada.printing.batch.print_documents``): seals through the agent (batched
  requests, ahead of rendering, *included* in its time), one ``Renderer`` per worker process, one
  worker per core, one PDF/A per document written atomically: ``shahada print``;
- the same batch printer given seals made beforehand: its rendering alone, on every core. (A seal
  costs about 7 ms of CPU in the printing process before the agent signs it: the scrypt holder
  binding of the seal format, docs/seal.md.)

The naive loop and the one renderer are charged for rendering only (their seals are made
beforehand). Each measure is repeated (``--repeats``), the three taking turns, so that the other
work of a shared machine weighs on each alike; compare the ratios.

The documents are built from a synthetic PV (admitted candidates: a diploma and a transcript each,
or one kind) by the project's builders; they are not signed as W3C credentials, which printing
does not need; the seals are real, signed inside a freshly started agent.

    .venv/bin/python bench/print.py [--documents 1000] [--naive 60] [--kind both|diploma|transcript] [--jobs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from weasyprint_baseline import render_weasyprint

from shahada.agent.process import AgentConfig, AgentProcess
from shahada.issuer.identity import ensure_did_key
from shahada.issuer.pv.reader import read_pv
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.seal import AgentSealer, seal_credentials
from shahada.printing.batch import print_documents
from shahada.printing.pdf import Renderer, write_atomic
from shahada.schemas.credential import MINISTRY_NAME, IssuerProfile, build_diploma, build_transcript
from shahada.schemas.reference import bundled_reference

SECRET = b"bench-id-secret-" * 4
BASE = "HTTPS://DIPLOMES.MEN.GOV.MA/V/"


def documents(count: int, work: Path, issuer: str, kind: str) -> list[dict[str, Any]]:
    """``count`` documents of admitted candidates; with ``both``, a diploma and a transcript each."""
    reference = bundled_reference()
    per_candidate = 2 if kind == "both" else 1
    candidates = -(-count // per_candidate)
    pv = work / "pv.csv"
    write_csv(generate_records(int(candidates * 3) + 100, seed=3, reference=reference, year=2025, rattrapage_share=0.3), pv)
    records = [r for r in read_pv(pv, reference=reference, year=2025) if r.admitted][:candidates]
    if len(records) < candidates:
        raise SystemExit(f"only {len(records)} admitted candidates were generated")
    profile = IssuerProfile(did=issuer, name=MINISTRY_NAME)
    now = dt.datetime.now(dt.UTC)
    made = []
    for record in records:
        if kind in ("both", "diploma"):
            made.append(build_diploma(record, issuer=profile, year=2025, issued_at=now, secret=SECRET, reference=reference))
        if kind in ("both", "transcript"):
            made.append(build_transcript(record, issuer=profile, year=2025, issued_at=now, secret=SECRET, reference=reference))
    return made[:count]


def name_of(credential: dict[str, Any]) -> str:
    return f"{credential['credentialSubject']['documentNumber']}.pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=60, help="documents timed in the naive WeasyPrint loop")
    parser.add_argument("--kind", choices=("both", "diploma", "transcript"), default="both")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    rows: list[tuple[int, str, int, float]] = []
    with tempfile.TemporaryDirectory(prefix="shahada-bench-print-") as tmp:
        work = Path(tmp)
        agent = AgentProcess(AgentConfig(work_dir=work / "agent", wallet_name="bench", wallet_key="bench-wallet-key"))
        client = agent.start()
        try:
            identity = ensure_did_key(client)
            credentials = documents(args.documents, work, identity.did, args.kind)
            sealer = AgentSealer(client, identity.verification_method)

            def seal(batch: list[Any]) -> list[str]:
                return seal_credentials(batch, sealer, base_url=BASE)

            seals = seal(credentials)  # not timed: the naive loop and the one renderer are charged for rendering only
            sample = list(zip(credentials, seals, strict=True))[: args.naive]
            presealed = dict(zip((str(c["id"]) for c in credentials), seals, strict=True))
            for repeat in range(1, args.repeats + 1):
                out = work / f"naive-{repeat}"
                started = time.perf_counter()
                for credential, text in sample:
                    write_atomic(out / name_of(credential), render_weasyprint(credential, text))
                rows.append((repeat, "naive loop (one WeasyPrint call each, 1 process)", len(sample), time.perf_counter() - started))

                out = work / f"renderer-{repeat}"
                started = time.perf_counter()
                with Renderer() as renderer:
                    for credential, text in zip(credentials, seals, strict=True):
                        write_atomic(out / name_of(credential), renderer.pdf(credential, text))
                rows.append((repeat, "one Typst renderer (1 process, PDF/A)", len(credentials), time.perf_counter() - started))

                out = work / f"batch-{repeat}"
                started = time.perf_counter()
                report = print_documents(iter(credentials), out, seal=seal, total=len(credentials), jobs=args.jobs, batch_size=args.batch_size)
                rows.append((repeat, f"batch printer ({args.jobs} workers, sealing included)", len(credentials), time.perf_counter() - started))
                assert report.rendered == len(credentials)

                out = work / f"rendering-{repeat}"
                started = time.perf_counter()
                report = print_documents(
                    iter(credentials), out, seal=lambda batch: [presealed[str(c["id"])] for c in batch],
                    total=len(credentials), jobs=args.jobs, batch_size=args.batch_size,
                )  # fmt: skip
                rows.append((repeat, f"batch printer ({args.jobs} workers, seals made before)", len(credentials), time.perf_counter() - started))
                assert report.rendered == len(credentials)
                for folder in ("naive", "renderer", "batch", "rendering"):
                    shutil.rmtree(work / f"{folder}-{repeat}", ignore_errors=True)
        finally:
            agent.stop()
    print(f"documents: {len(credentials)} ({args.kind}; one A4 page each), {os.cpu_count()} cores, load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"{'repeat':<7}{'':52}{'pages':>6}{'pages/s':>9}{'seconds':>9}{'× naive':>9}")
    for repeat, label, pages, seconds in rows:
        naive = next(p / s for r, lab, p, s in rows if r == repeat and lab.startswith("naive"))
        print(f"{repeat:<7}{label:52}{pages:6d}{pages / seconds:9.1f}{seconds:9.1f}{pages / seconds / naive:9.1f}")


if __name__ == "__main__":
    main()
