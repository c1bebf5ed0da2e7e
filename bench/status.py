"""Status lists of a national session (W3C Bitstring Status List 1.0): allocation and publishing,
today's code next to this branch's, in the same run.

For ``--candidates`` candidates, every candidate gets a transcript and (upper bound) a diploma, and
each credential a revocation and a suspension entry (400,000 candidates: 1.6 M entries). Each
side runs in its own process on a fresh archive (SQLite unless ``--archive-url``, one database per
side), with a local Ed25519 signer (eddsa-rdfc-2022, as the agent signs, without the HTTP hop):

1. allocation of every entry (atomic counter + keyed permutation) in one call, as an import
   allocates its credentials' entries, for ids that are random UUIDs, as the issuer's are (a
   keyed hash of the candidate), not in the primary key's order;
2. the first publication of every list (all bits 0);
3. ``--revoke`` random credentials revoked (in one transaction: the setup of the next step), then
   one publish: every list touched is re-signed;
4. one suspension and its publication (one list).

**before** is the code of ``--baseline-ref`` (default: ``BEFORE_NATIONAL_STATUS``, main before migration 0010, exported by
``bench/baseline.py``) on as many candidates (``--baseline-candidates`` fewer: its allocation is
extrapolated, linearly, which flatters it: random ids cost more per entry as the table grows);
**new** is this branch's code. Each allocation prints its wall and CPU time: on a loaded machine
the CPU time is the steadier figure.

    .venv/bin/python bench/status.py [--candidates 400000] [--baseline-candidates N] [--revoke 10000] [--archive-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script, this file would shadow the `status` package
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline import BEFORE_NATIONAL_STATUS, baseline_env  # noqa: E402

# one side's run: argv = archive URL, candidates, revocations; prints one JSON line
RUN = """
import datetime as dt, json, random, sys, time, uuid
sys.path.append(sys.argv[4])  # tests.support (after the code under test)
from shahada.database import open_archive
from shahada.issuer.archive.status import StatusStore
from shahada.schemas.loader import PinnedDocumentLoader
from tests.support.local_signer import LocalKey, sign_credential
url, candidates, revoke = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
draw = random.Random(7)
ids = [f"urn:uuid:{uuid.UUID(int=draw.getrandbits(128), version=4)}" for _ in range(2 * candidates)]
archive = open_archive(url)
store = StatusStore(archive.engine, secret=b"bench-id-secret-" * 4, origin="https://diplomes.men.gov.ma")
key, loader = LocalKey.generate(), PinnedDocumentLoader()
class Signer:
    def sign(self, credential):
        return sign_credential(credential, suite="eddsa-rdfc-2022", key=key, verification_method=key.did_key_vm, created="2025-07-01T00:00:00Z", loader=loader)
now = lambda: dt.datetime.now(dt.UTC)
out = {"entries": 2 * len(ids)}
began = time.perf_counter()
cpu = time.process_time()
store.allocate(ids)
out["allocation"] = time.perf_counter() - began
out["allocation_cpu"] = time.process_time() - cpu
if revoke:
    began = time.perf_counter()
    out["first_lists"] = len(store.publish(Signer(), issuer=key.did_key, now=now))
    out["first"] = time.perf_counter() - began
    with store.begin() as session:
        for cid in random.Random(5).sample(ids, revoke):
            store.set_status(cid, "revocation", True, reason="bench", at=now(), session=session)
    began = time.perf_counter()
    out["day_lists"] = len(store.publish(Signer(), issuer=key.did_key, now=now))
    out["day"] = time.perf_counter() - began
    store.set_status(ids[0], "suspension", True, reason="bench", at=now())
    began = time.perf_counter()
    out["one_lists"] = len(store.publish(Signer(), issuer=key.did_key, now=now))
    out["one"] = time.perf_counter() - began
archive.close()
print(json.dumps(out))
"""


def run(env: dict[str, str], cwd: Path, url: str, candidates: int, revoke: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, url, str(candidates), str(revoke), str(ROOT)], env=env, cwd=cwd, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"a side failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=400_000)
    parser.add_argument("--baseline-candidates", type=int, default=None, help="today's side on fewer candidates, its allocation extrapolated (default: as many)")
    parser.add_argument("--revoke", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--archive-url", default=None, help="a database URL; each side gets a fresh schema suffix on SQLite only")
    parser.add_argument("--baseline-ref", default=BEFORE_NATIONAL_STATUS, help="the code before the national-size status work (default %(default)s)")
    args = parser.parse_args()
    ref = args.baseline_ref
    baseline_candidates = args.baseline_candidates or args.candidates
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        old_env = baseline_env(ref, work / "baseline")
        new_env = dict(os.environ)
        rows: list[tuple[str, dict[str, float]]] = []
        for repeat in range(args.repeats):
            for label, env, cwd, candidates in (
                ("today", old_env, work / "baseline" / "pkg", baseline_candidates),
                ("new", new_env, work, args.candidates),
            ):
                url = args.archive_url or f"sqlite:///{work / f'{label}-{repeat}.sqlite3'}"
                rows.append((label, run(env, cwd, url, candidates, args.revoke)))
                print(f"{label}: {json.dumps(rows[-1][1])}", flush=True)
    print(
        f"today: the code of {ref[:12]} ({baseline_candidates:,} candidates"
        f"{'' if baseline_candidates == args.candidates else f', allocation extrapolated to {args.candidates:,}'}); new: this branch;"
        f" local Ed25519 signer; SQLite; load average {os.getloadavg()[0]:.1f}"
    )
    full = 4 * args.candidates
    for label, r in rows:
        rate = r["entries"] / r["allocation"]
        print(
            f"{label:6} allocation {r['entries']:,.0f} entries in {r['allocation']:.1f} s ({r['allocation_cpu']:.1f} s CPU, {rate:,.0f}/s)"
            f" → {full:,} entries in {full / rate:.1f} s;"
            f" first publication {r['first_lists']:.0f} lists {r['first']:.2f} s; after {args.revoke:,} revocations {r['day_lists']:.0f} lists"
            f" {r['day']:.2f} s ({r['day'] / max(1, r['day_lists']):.2f} s a list);"
            f" one suspension {r['one_lists']:.0f} list {r['one']:.2f} s"
        )
    today = [r for label, r in rows if label == "today"]
    new = [r for label, r in rows if label == "new"]
    ratios = ", ".join(f"{(n['entries'] / n['allocation']) / (t['entries'] / t['allocation']):.1f}x" for t, n in zip(today, new, strict=True))
    print(f"ratio new/today, allocation entries/s: {ratios}")


if __name__ == "__main__":
    main()
