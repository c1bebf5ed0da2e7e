"""The paper seals' holder bindings, computed after signing instead of beside it.

A holder binding (``docs/seal.md`` §5) is a scrypt of the candidate's Code Massar salted with the
credential id: ~13 ms of CPU a credential, as much as the rest of issuance. Computed beside the
agent's signing it halved the pipeline's throughput, so issuance stores none and
:func:`fill_bindings` computes the missing ones afterwards, in threads (``hashlib.scrypt`` releases
the GIL): at the end of ``shahada issue`` by default, or later with ``shahada archive bindings``.

Each batch of bindings is committed on its own, and only rows without one are read: an interrupted
run loses at most the batches in flight, and running again computes what is still missing; a
stored binding is never recomputed nor replaced. Printing computes and stores the binding of a
document that still has none (``shahada.print_session``); the verifier computes it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from shahada.issuer.archive.store import Archive
from shahada.schemas.seal import credential_holder_binding

Progress = Callable[[int, int], None]  # (done, total)


def holder_bindings(batch: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, bytes]:
    """The paper-seal holder binding of each credential of ``batch`` (id → 4 bytes); a credential
    without a Code Massar (not a baccalaureate document) has none."""
    out: dict[str, bytes] = {}
    for cid, document in batch:
        try:
            out[cid] = credential_holder_binding(document)
        except (KeyError, TypeError, UnicodeEncodeError):
            continue
    return out


def fill_bindings(
    archive: Archive,
    *,
    import_id: int | None = None,
    threads: int | None = None,
    batch_size: int = 256,
    progress: Progress | None = None,
) -> int:
    """Compute and store the holder binding of every issued credential that has none (of one
    import when ``import_id`` is given); returns how many were stored.

    ``threads`` (default: one per core) compute a batch's bindings together while the previous
    batch is committed; each batch is one transaction. ``progress`` sees (done, total) after each.
    """
    total, done, stored = archive.count_missing_holder_bindings(import_id=import_id), 0, 0
    if progress:
        progress(done, total)
    if not total:
        return 0
    workers = max(1, threads or os.cpu_count() or 1)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="holder-binding") as pool:

        def start(chunk: Sequence[str]) -> list[Future[dict[str, bytes]]]:
            documents = archive.issued_documents(chunk)
            size = max(1, -(-len(documents) // workers))
            return [pool.submit(holder_bindings, documents[i : i + size]) for i in range(0, len(documents), size)]

        def pages() -> Iterator[list[str]]:  # a page of ids at a time, read as the previous one is computed
            after = ""
            while page := archive.missing_holder_bindings(import_id=import_id, after=after, limit=batch_size):
                yield page
                after = page[-1]

        chunks = pages()
        chunk = next(chunks, [])
        running, following = start(chunk), []
        try:
            while chunk:
                upcoming = next(chunks, [])
                following = start(upcoming) if upcoming else []
                computed: dict[str, bytes] = {}
                for future in running:
                    computed.update(future.result())
                stored += archive.store_holder_bindings(computed)
                done += len(chunk)
                if progress:
                    progress(done, total)
                running, chunk = following, upcoming
        finally:
            for future in (*running, *following):
                future.cancel()
    return stored
