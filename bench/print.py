"""Printing throughput: the batch printer next to the naive WeasyPrint loop, same documents, same run.

- naive loop (the baseline): each document rendered by its own WeasyPrint call, as Shahada printed
  before Typst (``bench/weasyprint_baseline.py``: template environment, stylesheet and fonts set up
  again every time), one process. Timed on the first ``--naive`` documents (it is slow);
- one renderer: one ``shahada.printing.pdf.Renderer`` (one Typst compiler) in this process,
  one PDF/A per document: what one core typesets, one document a compile;
- the same renderer typesetting 25 documents a compile and splitting the PDF/A into one PDF/A
  file each (``Renderer.pdf_each``, what the batch printer does);
- batch printer (``shahada.printing.batch.print_documents``): seals through the agent (batched
  requests, ahead of rendering, *included* in its time), one ``Renderer`` per worker process, one
  worker per core, one PDF/A per document written atomically: ``shahada print``;
- the same batch printer with the seals' holder bindings read as ``shahada print`` reads them now:
  stored in the archive at issuance (computed beforehand here, untimed, as issuance does), so
  sealing is the agent's signature only. The row above computes the binding at printing, as
  ``shahada print`` did before (a scrypt, about 7 ms of CPU a document, docs/seal.md): the
  same-run baseline of that change;
- the same batch printer given seals made beforehand: its rendering alone, on every core.

The naive loop and the one renderer are charged for rendering only (their seals are made
beforehand). Each measure is repeated (``--repeats``), the four taking turns. Wall time on a
machine shared with other work moves with its load, so each path's CPU time is counted too (this
process, the batch printer's worker processes, the agent): CPU milliseconds a page, their ratio to
the naive loop's, and the pages a second they allow on cores of the path's own (one for a single
process, ``--jobs`` for the batch printer).

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

from shahada.agent.process import AgentConfig, AgentProcess
from shahada.issuer.identity import ensure_did_key
from shahada.issuer.pv.reader import read_pv
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.seal import AgentSealer, seal_credentials
from shahada.printing.batch import print_documents
from shahada.printing.pdf import PER_COMPILE, Renderer, write_atomic
from shahada.schemas.credential import MINISTRY_NAME, IssuerProfile, build_diploma, build_transcript
from shahada.schemas.reference import bundled_reference
from shahada.schemas.seal import credential_holder_binding

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


def cpu_seconds(agent_pid: int | None) -> float:
    """CPU time so far of this process, its finished children (the batch printer's workers, once
    their pool is shut down) and the agent (from /proc: it runs until the end)."""
    times = os.times()
    total = times.user + times.system + times.children_user + times.children_system
    if agent_pid is not None:
        fields = Path(f"/proc/{agent_pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


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
    # imported here, not at the top: the batch printer's workers (spawn) import this script again as
    # their main module, and WeasyPrint there cost each worker ~0.7 s of CPU that `shahada print` does not pay
    from weasyprint_baseline import render_weasyprint

    rows: list[tuple[int, str, int, float, float]] = []  # repeat, label, pages, wall seconds, CPU seconds
    with tempfile.TemporaryDirectory(prefix="shahada-bench-print-") as tmp:
        work = Path(tmp)
        agent = AgentProcess(AgentConfig(work_dir=work / "agent", wallet_name="bench", wallet_key="bench-wallet-key"))
        client = agent.start()
        agent_pid = agent._process.pid if agent._process is not None else None
        try:
            identity = ensure_did_key(client)
            credentials = documents(args.documents, work, identity.did, args.kind)
            sealer = AgentSealer(client, identity.verification_method)

            def seal(batch: list[Any]) -> list[str]:
                return seal_credentials(batch, sealer, base_url=BASE)

            stored = {str(c["id"]): credential_holder_binding(c) for c in credentials}  # at issuance, into the archive

            def seal_stored(batch: list[Any]) -> list[str]:
                return seal_credentials(batch, sealer, base_url=BASE, holders=stored)

            seals = seal(credentials)  # not timed: the naive loop and the one renderer are charged for rendering only
            assert seal_stored(credentials) == seals, "a seal made with the stored binding differs"
            sample = list(zip(credentials, seals, strict=True))[: args.naive]
            presealed = dict(zip((str(c["id"]) for c in credentials), seals, strict=True))
            for repeat in range(1, args.repeats + 1):
                out = work / f"naive-{repeat}"
                started, cpu = time.perf_counter(), cpu_seconds(agent_pid)
                for credential, text in sample:
                    write_atomic(out / name_of(credential), render_weasyprint(credential, text))
                rows.append((repeat, "naive loop (one WeasyPrint call each, 1 process)", len(sample), time.perf_counter() - started, cpu_seconds(agent_pid) - cpu))

                out = work / f"renderer-{repeat}"
                started, cpu = time.perf_counter(), cpu_seconds(agent_pid)
                with Renderer() as renderer:
                    for credential, text in zip(credentials, seals, strict=True):
                        write_atomic(out / name_of(credential), renderer.pdf(credential, text))
                rows.append((repeat, "one Typst renderer (1 process, PDF/A)", len(credentials), time.perf_counter() - started, cpu_seconds(agent_pid) - cpu))

                out = work / f"each-{repeat}"
                started, cpu = time.perf_counter(), cpu_seconds(agent_pid)
                with Renderer() as renderer:
                    for start in range(0, len(credentials), args.batch_size):
                        chunk = list(zip(credentials, seals, strict=True))[start : start + args.batch_size]
                        for (credential, _), data in zip(chunk, renderer.pdf_each(chunk), strict=True):
                            write_atomic(out / name_of(credential), data)
                rows.append((repeat, f"one renderer, {PER_COMPILE} a compile + split (1 process)", len(credentials), time.perf_counter() - started, cpu_seconds(agent_pid) - cpu))

                out = work / f"batch-{repeat}"
                started, cpu = time.perf_counter(), cpu_seconds(agent_pid)
                report = print_documents(iter(credentials), out, seal=seal, total=len(credentials), jobs=args.jobs, batch_size=args.batch_size)
                rows.append((repeat, f"batch printer ({args.jobs} workers, scrypt at printing)", len(credentials), time.perf_counter() - started, cpu_seconds(agent_pid) - cpu))
                assert report.rendered == len(credentials)

                out = work / f"stored-{repeat}"
                started, cpu = time.perf_counter(), cpu_seconds(agent_pid)
                report = print_documents(iter(credentials), out, seal=seal_stored, total=len(credentials), jobs=args.jobs, batch_size=args.batch_size)
                rows.append((repeat, f"batch printer ({args.jobs} workers, binding from archive)", len(credentials), time.perf_counter() - started, cpu_seconds(agent_pid) - cpu))
                assert report.rendered == len(credentials)

                out = work / f"rendering-{repeat}"
                started, cpu = time.perf_counter(), cpu_seconds(agent_pid)
                report = print_documents(
                    iter(credentials), out, seal=lambda batch: [presealed[str(c["id"])] for c in batch],
                    total=len(credentials), jobs=args.jobs, batch_size=args.batch_size,
                )  # fmt: skip
                rows.append((repeat, f"batch printer ({args.jobs} workers, seals made before)", len(credentials), time.perf_counter() - started, cpu_seconds(agent_pid) - cpu))
                assert report.rendered == len(credentials)
                for folder in ("naive", "renderer", "each", "batch", "stored", "rendering"):
                    shutil.rmtree(work / f"{folder}-{repeat}", ignore_errors=True)
        finally:
            agent.stop()
    cores = os.cpu_count() or 1
    print(f"documents: {len(credentials)} ({args.kind}; one A4 page each), {cores} cores, load average at the end: {os.getloadavg()[0]:.1f}")
    print("wall: pages/s as measured on this (shared) machine; CPU: milliseconds of CPU a page, every process of the")
    print(f"path counted (workers, agent); on {cores} cores: the pages/s those CPU milliseconds allow on {cores} cores of its own")
    print(f"{'repeat':<7}{'':52}{'pages':>6}{'wall p/s':>9}{'× naive':>8}{'CPU ms':>8}{'× naive':>8}{f'on {cores} cores':>12}")
    for repeat, label, pages, seconds, cpu in rows:
        naive_wall, naive_cpu = next((s / p, c / p) for r, lab, p, s, c in rows if r == repeat and lab.startswith("naive"))
        parallel = 1 if "1 process" in label else min(args.jobs, cores)
        print(
            f"{repeat:<7}{label:52}{pages:6d}{pages / seconds:9.1f}{naive_wall / (seconds / pages):8.1f}"
            f"{1000 * cpu / pages:8.1f}{naive_cpu / (cpu / pages):8.1f}{parallel * pages / cpu:12.1f}"
        )


if __name__ == "__main__":
    main()
