"""Peak memory of a session's issuance, as built before the import streamed (a git revision, by
default the last one that kept every credential in memory) and as it is now, in the same run, at two
PV sizes: the difference of the two peaks over the difference of the credentials is the memory each
credential costs for the whole run (README, "the national-size run").

Each measurement is one fresh process that does what ``shahada issue PV --session 2025 --out DIR
--no-bindings`` does in the issuing process: ``issue_pv`` (PV read and validated, credentials built
and checked, the import with its status entries stored, signed, committed with the audit trail,
status lists and registry records published) into a fresh SQLite archive, then every credential
written to a file. The agent is another process, so it is replaced by an in-process signer that
adds a proof of the agent's size (Ed25519, eddsa-rdfc-2022) without computing it: what is measured
is the issuer's own memory, its peak resident set (``VmHWM``). The signer also hashes every document
it is given: both builds must sign the same bytes (``signing input identical``).

    .venv/bin/python bench/memory.py [--rows 5000 20000] [--baseline 70f5bcc] [--sqlite-cache-mib 2]

The import's one transaction allocates the status entries under a SQLite page cache of 256 MiB
(``ALLOCATION_CACHE_KIB``; before, only the allocation's own transaction did): below a national
size the cache is still filling, so part of the "after" slope is that cache reaching its bound.
``--sqlite-cache-mib 2`` (SQLite's default) measures both builds without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "70f5bcc"  # the last revision before the import streamed (issue 13)
SECRET = b"bench-id-secret-" * 4
ORIGIN = "https://diplomes.men.gov.ma"
ISSUER = "did:web:diplomes.men.gov.ma"
SUITE = "eddsa-rdfc-2022"
NOW = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
PROOF = {
    "type": "DataIntegrityProof", "cryptosuite": SUITE, "created": "2025-07-01T09:00:00Z", "verificationMethod": f"{ISSUER}#key-1",
    "proofPurpose": "assertionMethod", "proofValue": "z" + "5" * 87,
}  # fmt: skip


class HashingSigner:
    """Adds a proof of the agent's size (not a signature) and hashes what it is asked to sign."""

    batch = True

    def __init__(self) -> None:
        self.inputs: dict[str, str] = {}  # credential id → SHA-256 of the document to sign
        self._lock = threading.Lock()

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        digest = hashlib.sha256(json.dumps(credential, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        if "credentialSubject" in credential and "id" in credential:  # a diploma or transcript (not a status list)
            with self._lock:
                self.inputs[credential["id"]] = digest
        return {**credential, "proof": dict(PROOF)}

    def sign_batch(self, credentials: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self.sign(credential) for credential in credentials]

    def sign_records(self, records: list[dict[str, Any]]) -> list[str]:
        return ["eyJhbGciOiJFZERTQSJ9." + "a" * 300 + "." + "b" * 86 for _ in records]

    def signed_inputs(self) -> str:
        return hashlib.sha256("\n".join(f"{cid} {digest}" for cid, digest in sorted(self.inputs.items())).encode()).hexdigest()


def child(pv: Path, work: Path) -> None:
    """One issuance in this process (the ``shahada`` package on ``sys.path``: either build); prints JSON."""
    from shahada.cli import _write_credentials
    from shahada.database import open_archive
    from shahada.issuer.archive.status import StatusStore
    from shahada.issuer.usecases import issue_pv
    from shahada.schemas.reference import bundled_reference

    if cache := os.environ.get("SHAHADA_BENCH_SQLITE_CACHE_KIB"):  # both builds allocate under this page cache
        import shahada.issuer.archive.status as status_module

        status_module.ALLOCATION_CACHE_KIB = int(cache)
    signer = HashingSigner()
    started = time.perf_counter()
    archive = open_archive(f"sqlite:///{work / 'archive.sqlite3'}")
    try:
        status = StatusStore(archive.engine, secret=SECRET, origin=ORIGIN)
        outcome = issue_pv(
            pv, archive=archive, year=2025, signer=signer, issuer_did=ISSUER, secret=SECRET, proof_type=SUITE, status=status,
            operator="bench", reference=bundled_reference(), clock=lambda: NOW, bindings=False,
        )
        written = _write_credentials(archive, outcome.info.id, work / "out")
    finally:
        archive.close()
    seconds = time.perf_counter() - started
    status_text = Path("/proc/self/status").read_text()
    peak = int(status_text.split("VmHWM:")[1].split()[0]) // 1024
    import shahada.issuer.usecases as used

    print(json.dumps({"code": used.__file__, "credentials": outcome.signed, "written": written, "peak_mb": peak, "seconds": seconds, "inputs": signer.signed_inputs()}))


def baseline_tree(revision: str, into: Path) -> Path:
    """The ``shahada`` package of ``revision`` laid out under ``into`` as the editable install maps
    it (``issuer/`` is ``shahada.issuer``, …); returns the directory to put on ``sys.path``."""
    source = into / "source"
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(source, filter="data")
    mapping = tomllib.loads((source / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    root = into / "path"
    package = root / "shahada"
    package.parent.mkdir()
    package.symlink_to(source / mapping["shahada"])
    for name, folder in mapping.items():
        if name != "shahada":
            link = package / name.removeprefix("shahada.")
            if not link.exists():
                link.symlink_to(source / folder)
    return root


def measure(pv: Path, work: Path, path: Path | None, cache_mib: int | None) -> dict[str, Any]:
    env = dict(os.environ)
    if cache_mib is not None:
        env["SHAHADA_BENCH_SQLITE_CACHE_KIB"] = str(cache_mib * 1024)
    if path is not None:  # the baseline's package first on sys.path (the editable install's finder comes after it)
        env["PYTHONPATH"] = str(path)
    work.mkdir()
    done = subprocess.run([sys.executable, __file__, "--child", str(pv), str(work)], check=True, capture_output=True, text=True, env=env)
    result = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    if (path is None) == str(result["code"]).startswith(str(path or work)):  # the build asked for, not the other
        raise SystemExit(f"measured {result['code']}, not the build asked for")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 20000], help="PV sizes (candidate rows)")
    parser.add_argument("--baseline", default=BASELINE, help="the git revision measured as 'before'")
    parser.add_argument(
        "--sqlite-cache-mib", type=int, default=None,
        help="SQLite page cache while allocating status entries (default: as shipped, 256 MiB: the import's transaction fills it up to that bound)",
    )
    parser.add_argument("--child", nargs=2, metavar=("PV", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    from shahada.issuer.pv.synthetic import generate_records, write_csv
    from shahada.schemas.reference import bundled_reference

    with tempfile.TemporaryDirectory(prefix="shahada-memory-") as tmp:
        work = Path(tmp)
        before_path = baseline_tree(args.baseline, work / "baseline")
        results: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        for rows in args.rows:
            pv = work / f"pv-{rows}.csv"
            write_csv(generate_records(rows, seed=7, reference=bundled_reference(), year=2025), pv)
            before = measure(pv, work / f"before-{rows}", before_path, args.sqlite_cache_mib)
            after = measure(pv, work / f"after-{rows}", None, args.sqlite_cache_mib)
            results.append((rows, before, after))
        cache = "as shipped" if args.sqlite_cache_mib is None else f"{args.sqlite_cache_mib} MiB"
        print(
            f"issuing process, peak resident memory (VmHWM); before: {args.baseline}, after: this tree; same run, "
            f"SQLite allocation cache {cache}, load average {os.getloadavg()[0]:.1f}"
        )
        print(f"  {'rows':>7}{'credentials':>13}{'before MB':>11}{'after MB':>10}{'before s':>10}{'after s':>9}  signing input identical")
        for rows, before, after in results:
            same = "yes" if before["inputs"] == after["inputs"] and before["credentials"] == after["credentials"] else "NO"
            print(
                f"  {rows:>7}{after['credentials']:>13}{before['peak_mb']:>11}{after['peak_mb']:>10}"
                f"{before['seconds']:>10.1f}{after['seconds']:>9.1f}  {same}"
            )
        if len(results) >= 2:
            (_, b0, a0), (_, b1, a1) = results[0], results[-1]
            extra = a1["credentials"] - a0["credentials"]
            if extra > 0:
                print(
                    f"  per credential (slope between the two sizes): before {1024 * (b1['peak_mb'] - b0['peak_mb']) / extra:.1f} KB, "
                    f"after {1024 * (a1['peak_mb'] - a0['peak_mb']) / extra:.1f} KB"
                )


if __name__ == "__main__":
    main()
