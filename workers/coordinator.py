"""``shahada issue --distributed``: the coordinator. It plans and records the import like the
single-process path (:func:`shahada.issuer.usecases.issue_pv`), then hands the signing to the
workers: batches of pending credential ids on the ``sign`` queue, progress read from the archive.

Interrupted and run again, the same file resumes its import and the pending ids are enqueued again;
a batch delivered twice signs only what is still pending. When nothing moves for ``stall`` seconds
(``--requeue-after``: every worker gone, the broker restarted and its messages lost) the pending
ids are enqueued again. A batch that failed for good (its retries exhausted) marks the import
failed (:mod:`shahada.issuer.archive.failures`): the coordinator stops with the reason, and its next
run clears the mark and enqueues every pending id again, the failed batch's included.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from celery import Celery

from shahada.issuer.archive.failures import clear_failure, failure_of
from shahada.issuer.archive.store import Archive, ImportInfo
from shahada.issuer.errors import IssuanceError
from shahada.issuer.issuance import Progress
from shahada.issuer.usecases import Clock, utc_now
from shahada.workers.app import send


def enqueue_pending(app: Celery, archive: Archive, import_id: int, *, operator: str, batch_size: int) -> int:
    """One ``shahada.sign`` message per ``batch_size`` pending ids; returns how many messages."""
    ids = archive.pending_ids(import_id)
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    for batch in batches:
        send(app, "shahada.sign", (import_id, batch, operator), queue="sign")
    return len(batches)


def distributed_signing(
    app: Celery,
    archive: Archive,
    *,
    operator: str,
    batch_size: int = 64,
    progress: Progress | None = None,
    poll: float = 0.5,
    stall: float = 300.0,
    clock: Clock = utc_now,
    monotonic: Callable[[], float] = time.monotonic,
) -> Callable[[ImportInfo], int]:
    """The ``sign_import`` step of :func:`~shahada.issuer.usecases.issue_pv` done by the workers:
    returns when no credential of the import is pending (how many were signed meanwhile).

    Raises:
        IssuanceError: ``issuance.batch_failed``, a batch failed for good (see the module docstring).
    """

    def sign_import(info: ImportInfo) -> int:
        clear_failure(archive.engine, info.id)  # a new run retries the batches that failed for good
        total = archive.count(import_id=info.id)
        pending = archive.count(import_id=info.id, status="pending")
        start_pending = pending
        if pending:
            enqueue_pending(app, archive, info.id, operator=operator, batch_size=batch_size)
        moved = monotonic()
        while True:
            if progress:
                progress(total - pending, total)
            if not pending:
                break
            time.sleep(poll)
            failed = failure_of(archive.engine, info.id)
            if failed is not None:
                raise IssuanceError(
                    f"a signing batch failed for good ({failed.batch}): {failed.reason}. {total - pending} of {total} credentials "
                    "are signed and stay so; fix the cause and run the same command again: it signs the rest, exactly once",
                    code="issuance.batch_failed",
                )
            now_pending = archive.count(import_id=info.id, status="pending")
            if now_pending != pending:
                pending, moved = now_pending, monotonic()
            elif monotonic() - moved > stall:
                enqueue_pending(app, archive, info.id, operator=operator, batch_size=batch_size)
                moved = monotonic()
        archive.complete_import(info.id, at=clock())
        return start_pending

    return sign_import
