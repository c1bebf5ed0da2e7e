"""``archive verify`` at national size: the sequential check before issue 13 next to the parallel one, same run.

An archive of ``--candidates`` candidates (a transcript each, a diploma for the admitted) is issued
with ``issue_pv`` and a local Ed25519 key (eddsa-rdfc-2022, the ministry's did:web, its DID document
known in advance: no agent, no network), then checked twice with signatures:

1. **before**: the code of ``--baseline-ref`` (default :data:`bench.baseline.BEFORE_ISSUE_13`, before
   issue 13's work; exported by ``bench/baseline.py``), its ``check_archive`` in one process, as
   ``shahada archive verify`` ran then;
2. **new**: this branch's ``check_archive(processes=N)``, as ``shahada archive verify`` now runs.

Both must find the archive intact. The rates are extrapolated to 700,000 credentials; a profile of
one process (``--profile`` credentials, timed) gives the share of RDF canonicalization (proofs/canonical.py,
being replaced by another engineer), and the new rate with that share removed, as an estimate.

    .venv/bin/python bench/archive.py [--candidates 1000] [--processes 2] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(1, str(ROOT))  # tests.support: the local Ed25519 signer of the tests

from bench.baseline import BEFORE_ISSUE_13, baseline_env, downgraded_copy  # noqa: E402
from shahada.cli.status_commands import ArchiveSignatures  # noqa: E402
from shahada.database import open_archive  # noqa: E402
from shahada.did.document import DIDDocument, build_did_document  # noqa: E402
from shahada.issuer.archive.audit import AuditLog  # noqa: E402
from shahada.issuer.archive.check import _check_one, _Stored, check_archive  # noqa: E402
from shahada.issuer.pv.synthetic import generate_records, write_csv  # noqa: E402
from shahada.issuer.usecases import issue_pv  # noqa: E402
from shahada.schemas.loader import PinnedDocumentLoader  # noqa: E402
from shahada.schemas.reference import bundled_reference  # noqa: E402
from tests.support.local_signer import LocalKey, LocalSigner  # noqa: E402

DID = "did:web:diplomes.men.gov.ma"
NATIONAL = 700_000

# the check before issue 13, run by the exported tree's code: argv = archive URL, DID document file
BASELINE = """
import datetime as dt, json, sys, time
from shahada.database import open_archive
from shahada.did.document import DIDDocument
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.check import check_archive
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.seal import StaticResolver
from shahada.verifier.verify import verify_credential
archive = open_archive(sys.argv[1])
document = json.loads(open(sys.argv[2]).read())
resolver = StaticResolver({document["id"]: DIDDocument.from_dict(document)})
loader = PinnedDocumentLoader()
def verify(credential):
    result = verify_credential(credential, document_loader=loader, resolver=resolver, trusted_issuers=frozenset({document["id"]}), now=dt.datetime.now(dt.UTC))
    return result.verified, "; ".join(f"{c.name}: {c.code}" for c in result.errors)
started = time.perf_counter()
problems = list(check_archive(archive, AuditLog(archive.engine), None, verify))
print(json.dumps({"seconds": time.perf_counter() - started, "problems": len(problems), "count": archive.count()}))
"""


def canonicalization_share(archive: Any, verify: ArchiveSignatures, sample: int) -> float:
    """The share of one process's checking time spent in RDF canonicalization (``rdf_canonize`` of
    proofs/canonical.py, timed where the suites call it; no profiler, which would inflate pyld)."""
    import importlib

    spent = [0.0]
    modules = [importlib.import_module(f"shahada.proofs.{name}") for name in ("eddsa_rdfc_2022", "ed25519_signature_2020", "ed25519_signature_2018")]
    originals = [module.rdf_canonize for module in modules]

    def timed(original: Any) -> Any:
        def canonize(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - began

        return canonize

    for module, original in zip(modules, originals, strict=True):
        module.rdf_canonize = timed(original)
    try:
        rows = [c for _, c in zip(range(sample), archive.credentials(), strict=False)]
        began = time.perf_counter()
        for credential in rows:
            _check_one(_Stored(credential.id, json.dumps(credential.document), None, ""), verify)
        total = time.perf_counter() - began
    finally:
        for module, original in zip(modules, originals, strict=True):
            module.rdf_canonize = original
    return min(1.0, spent[0] / total) if total else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--profile", type=int, default=100, help="credentials profiled for the canonicalization share")
    parser.add_argument("--baseline-ref", default=BEFORE_ISSUE_13, help="the code before issue 13 (default %(default)s)")
    args = parser.parse_args()
    ref = args.baseline_ref
    key, loader = LocalKey.generate(), PinnedDocumentLoader()
    did_document = build_did_document(DID, key.public_key)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pv = work / "pv.csv"
        write_csv(generate_records(args.candidates, seed=21, reference=bundled_reference(), year=2025), pv)
        url = f"sqlite:///{work / 'archive.sqlite3'}"
        archive = open_archive(url)
        began = time.perf_counter()
        issue_pv(
            pv, archive=archive, year=2025, signer=LocalSigner(key, f"{DID}#key-1", loader), issuer_did=DID, secret=b"bench-secret-" * 3,
            proof_type="eddsa-rdfc-2022", status=None, operator="bench", concurrency=1,
        )
        count = archive.count()
        print(f"archive: {count:,} credentials issued locally in {time.perf_counter() - began:.0f} s", flush=True)
        (work / "did.json").write_text(json.dumps(did_document))
        old_env = baseline_env(ref, work / "baseline")
        old_url = downgraded_copy(work / "archive.sqlite3", work / "baseline.sqlite3", work / "baseline" / "pkg")
        verify = ArchiveSignatures(loader, {DID: DIDDocument.from_dict(did_document)}, frozenset({DID}))
        today: list[float] = []
        new: list[float] = []
        steady: list[float] = []
        for _ in range(args.repeats):
            out = subprocess.run(
                [sys.executable, "-c", BASELINE, old_url, str(work / "did.json")], env=old_env, cwd=work / "baseline" / "pkg",
                check=True, capture_output=True, text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            assert result["problems"] == 0 and result["count"] == count, result
            today.append(result["seconds"])
            marks: list[tuple[float, int]] = []
            began = time.perf_counter()
            problems = list(
                check_archive(archive, AuditLog(archive.engine), None, verify, processes=args.processes,
                              progress=lambda done, _total, marks=marks: marks.append((time.perf_counter(), done)))
            )
            new.append(time.perf_counter() - began)
            assert problems == [], problems[:3]
            # the second half's rate: each worker checks each new document shape once with pyld (its
            # first credentials are slower); at national size that start is a small share
            half = next((m for m in marks if m[1] >= count // 2), marks[0])
            steady.append((marks[-1][1] - half[1]) / max(1e-9, marks[-1][0] - half[0]))
            print(f"before {count / today[-1]:.1f}/s, new {count / new[-1]:.1f}/s (second half {steady[-1]:.1f}/s)", flush=True)
        share = canonicalization_share(archive, verify, args.profile)
        archive.close()
    load = os.getloadavg()
    print(f"before: the code of {ref[:12]} (before issue 13), one process; new: this branch, {args.processes} worker processes; {count:,} credentials, "
          f"signatures checked; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for label, times in (("before", today), ("new", new)):
        rates = [count / t for t in times]
        national = [NATIONAL / r / 60 for r in rates]
        print(f"{label:6} {', '.join(f'{r:.1f}' for r in rates)} credentials/s → 700,000 in {', '.join(f'{m:.0f}' for m in national)} min (extrapolated)")
    print(f"new, second half of each run: {', '.join(f'{r:.1f}' for r in steady)} credentials/s → 700,000 in "
          f"{', '.join(f'{NATIONAL / r / 60:.0f}' for r in steady)} min (extrapolated)")
    print(f"ratio new/before: {', '.join(f'{t / n:.2f}x' for t, n in zip(today, new, strict=True))} (repeat by repeat), "
          f"{statistics.median(today) / statistics.median(new):.2f}x (medians)")
    best = count / min(new)
    print(f"RDF canonicalization (proofs/canonical.py rdf_canonize) is {share:.0%} of one process's checking time ({args.profile} credentials timed)")
    print(f"estimate with canonicalization free: {best / max(1e-9, 1 - share):.0f} credentials/s → 700,000 in {NATIONAL / (best / max(1e-9, 1 - share)) / 60:.1f} min")


if __name__ == "__main__":
    main()
