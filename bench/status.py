"""Status lists of a national session (W3C Bitstring Status List 1.0): allocation, sizes, publishing.

For ``--candidates`` candidates, every candidate gets a transcript and (upper bound) a diploma, and
each credential a revocation and a suspension entry. Measured, against a freshly started agent
(did:key identity, the default eddsa-rdfc-2022 suite) and a fresh archive (SQLite unless
``--archive-url``):

1. allocation of every entry (atomic counter + keyed permutation, batched like the imports);
2. the first publication of every list (all bits 0): count, bytes of each signed list credential, time;
3. a day of operations: ``--revoke`` random credentials revoked, then one publish (only the lists
   touched are re-signed), with the sizes after;
4. one revocation and its publication (one list re-signed).

    .venv/bin/python bench/status.py [--candidates 400000] [--revoke 2000] [--archive-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script, this file would shadow the `status` package

from shahada.agent.process import AgentConfig, AgentProcess
from shahada.database import open_archive
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.identity import ensure_did_key
from shahada.issuer.issuance import AgentSigner

SECRET = b"bench-id-secret-" * 4


def NOW() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=400_000)
    parser.add_argument("--revoke", type=int, default=2_000)
    parser.add_argument("--archive-url", default=None)
    args = parser.parse_args()
    ids = [f"urn:uuid:bench-{i:08d}" for i in range(2 * args.candidates)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        archive = open_archive(args.archive_url or f"sqlite:///{work / 'archive.sqlite3'}")
        store = StatusStore(archive.engine, secret=SECRET, origin="https://diplomes.men.gov.ma")
        started = time.perf_counter()
        for start in range(0, len(ids), 20_000):
            store.allocate(ids[start : start + 20_000])
        allocation_s = time.perf_counter() - started
        with AgentProcess(AgentConfig(work_dir=work / "agent", wallet_name="bench", wallet_key="bench-key")) as client:
            identity = ensure_did_key(client)
            signer = AgentSigner(client, identity.verification_method)

            def publish() -> tuple[int, float]:
                began = time.perf_counter()
                count = len(store.publish(signer, issuer=identity.did, now=NOW))
                return count, time.perf_counter() - began

            first_count, first_s = publish()
            sizes_first = store.list_sizes()
            victims = random.Random(5).sample(ids, args.revoke)
            began = time.perf_counter()
            for cid in victims:
                store.set_status(cid, "revocation", True, reason="bench", at=NOW())
            changes_s = time.perf_counter() - began
            day_count, day_s = publish()
            sizes_day = store.list_sizes()
            store.set_status(ids[0], "suspension", True, reason="bench", at=NOW())
            one_count, one_s = publish()
        archive.close()

    def sizes(rows: list[tuple[str, int, int]], purpose: str) -> str:
        values = [b for p, _, b in rows if p == purpose]
        return f"{len(values)} lists, {min(values):,}–{max(values):,} bytes each, {sum(values):,} bytes in all"

    print(f"candidates: {args.candidates:,}; credentials (transcript + diploma, upper bound): {len(ids):,}; "
          f"entries: {2 * len(ids):,} (revocation + suspension); list size: 131,072 entries")
    print(f"allocation of every entry: {allocation_s:.1f} s ({2 * len(ids) / allocation_s:,.0f} entries/s)")
    print(f"first publication: {first_count} lists signed in {first_s:.2f} s")
    for purpose in ("revocation", "suspension"):
        print(f"  {purpose}: {sizes(sizes_first, purpose)}")
    print(f"{args.revoke:,} revocations recorded in {changes_s:.1f} s ({args.revoke / changes_s:,.0f}/s, one transaction each); "
          f"publish: {day_count} lists re-signed in {day_s:.2f} s")
    print(f"  revocation after: {sizes(sizes_day, 'revocation')}")
    print(f"one suspension, publish: {one_count} list re-signed in {one_s:.2f} s")


if __name__ == "__main__":
    main()
