"""``shahada print --distributed``: the coordinator. It plans from the archive (the issued
credentials of the selection with no printed record under OUT), enqueues batches of their ids on
the ``print`` queue, shows progress read from the archive, and returns once every document is
printed or recorded as failed.

Interrupted and run again, it plans what is still unprinted: a resumed run enqueues only that.
When nothing moves for ``stall`` seconds (a worker killed and its message not handed on, the
broker restarted), the batches still holding unprinted ids are enqueued again, each at most
``max_requeues`` times; a batch lost more often is recorded as failed
(``OUT/.print-failures/<batch>.json``), as the workers record a batch they cannot print.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from celery import Celery

from shahada.issuer.archive.store import ISSUED, Archive
from shahada.workers.app import send
from shahada.workers.print_tasks import FAILURES, failure_path, record_failure

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class DistributedPrint:
    """What a distributed print did: the selection's size, what was enqueued, what failed."""

    total: int = 0  # issued documents of the selection
    planned: int = 0  # unprinted when the run started (enqueued)
    batches: int = 0
    requeued: int = 0  # batches enqueued again after a stall
    failed: dict[str, str] = field(default_factory=dict)  # credential id → why (the failure record's code and message)


def batch_name(year: int, index: int, ids: list[str]) -> str:
    digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:8]
    return f"{year}-{index:06d}-{digest}"


def read_failures(out: Path) -> dict[str, str]:
    """Credential id → why, from ``OUT/.print-failures/*.json``."""
    failed: dict[str, str] = {}
    folder = out / FAILURES
    if not folder.is_dir():
        return failed
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # being written (it appears whole) or unreadable: read on the next poll
        for cid in record.get("ids", []):
            failed[str(cid)] = f"{record.get('code', '')}: {record.get('error', '')}"
    return failed


def print_distributed(
    app: Celery,
    archive: Archive,
    out: Path,
    *,
    year: int,
    academy: str | None = None,
    kind: str | None = None,
    batch_size: int = 100,
    progress: Progress | None = None,
    poll: float = 0.5,
    stall: float = 300.0,
    max_requeues: int = 3,
    monotonic: Callable[[], float] = time.monotonic,
) -> DistributedPrint:
    """Print the selection with the ``print`` workers; see the module docstring."""
    out = out.resolve()
    under = str(out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / FAILURES, ignore_errors=True)  # an earlier run's failures: planned again
    report = DistributedPrint()

    def unprinted() -> list[str]:
        return archive.unprinted_ids(session_year=year, academy=academy, kind=kind, under=under)

    report.total = archive.count(status=ISSUED, session_year=year, academy=academy, kind=kind)
    ids = unprinted()
    report.planned = len(ids)
    batches = {batch_name(year, n, ids[i : i + batch_size]): ids[i : i + batch_size] for n, i in enumerate(range(0, len(ids), batch_size))}
    for name, batch in batches.items():
        send(app, "shahada.print", (batch, under, name), queue="print")
    report.batches = len(batches)
    attempts = dict.fromkeys(batches, 0)
    done, moved = -1, monotonic()
    while True:
        failed = read_failures(out)
        if failed:  # a failed batch has no printed record; counted once even if a copy of it was printed
            now_done = report.total - len(set(unprinted()) - failed.keys())
        else:
            now_done = archive.printed_count(session_year=year, academy=academy, kind=kind, under=under)
        if progress:
            progress(min(now_done, report.total), report.total)
        if now_done >= report.total:
            break
        if now_done != done:
            done, moved = now_done, monotonic()
        elif monotonic() - moved > stall:
            left = set(unprinted()) - failed.keys()
            for name, batch in batches.items():
                remaining = [cid for cid in batch if cid in left]
                if not remaining or failure_path(out, name).exists():
                    continue
                if attempts[name] >= max_requeues:
                    record_failure(out, name, remaining, "print.lost", f"batch lost {max_requeues + 1} times (no worker printed it)")
                    continue
                attempts[name] += 1
                report.requeued += 1
                send(app, "shahada.print", (remaining, under, name), queue="print")
            moved = monotonic()
        time.sleep(poll)
    report.failed = read_failures(out)
    return report
