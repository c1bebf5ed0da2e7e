"""``shahada archive verify``: re-check the archive against its audit trail and its signatures.

What is detected, with stable codes:

- ``audit.altered`` / ``audit.broken`` / ``audit.head`` — the hash chain of :mod:`shahada.issuer.archive.audit` no
  longer holds (an entry changed, inserted, deleted or truncated);
- ``archive.document_altered`` — an issued credential's stored document differs from the SHA-256 the
  issuance batch recorded (e.g. a mark edited by hand);
- ``archive.signature_invalid`` — an issued credential no longer verifies (verifier library);
- ``archive.digest_mismatch`` — a stored record digest differs from the one recomputed from the
  document, or an import's record digests differ from what the import recorded;
- ``archive.status_mismatch`` — a credential's state or a status bit differs from what the audited
  operations produced (e.g. a revocation bit cleared by hand, an issued row set back to pending);
- ``archive.unrecorded`` — an issued credential no audited issuance accounts for;
- ``status.list_mismatch`` — a published status list says otherwise than the archive's entries.

With ``processes`` > 1 the per-credential work (parsing the stored document, its two digests and
its signature) runs in that many worker processes (``spawn``: nothing of a threaded parent is
forked; started first, so that they boot while this process checks the audit chain), ``BATCH``
credentials a task and at most two tasks a worker in flight, while this process streams the rows as
plain columns (no ORM objects), keeps the order and reports progress; the problems found are the
same, in the same order. ``verify`` is then sent to each worker once, so it must pickle (no closure).
"""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from shahada.issuer.archive.audit import AuditLog, document_sha256, records_sha256
from shahada.issuer.archive.status import StatusEntryRow, StatusListRow, StatusStore
from shahada.issuer.archive.store import ISSUED, Archive, CredentialRow
from shahada.status.bitstring import Bitstring

PROGRESS_EVERY = 200  # credentials between two progress calls
BATCH: Final = 100  # credentials per task of a worker process
Verify = Callable[[dict[str, Any]], tuple[bool, str]]  # a stored credential → (verified, why not)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    subject: str
    message: str


@dataclass(frozen=True, slots=True)
class _Expected:
    imports: dict[int, str]  # import id → recordsSha256
    documents: dict[str, str]  # credential id → SHA-256 of the signed document
    bits: dict[tuple[str, str], bool]  # (credential id, purpose) → value


@dataclass(frozen=True, slots=True)
class _Stored:
    """An issued credential's row, as a worker checks it."""

    id: str
    document: str  # the stored JSON text
    recorded: str | None  # the SHA-256 its audited issuance recorded
    record_digest: str


_NOT_ISSUED: Final[tuple[Problem, ...]] = ()  # a row that is not issued: counted, nothing to check
_verify: list[Verify | None] = []  # a worker's verify, set once by _start_worker


def _check_one(stored: _Stored, verify: Verify | None) -> list[Problem]:
    from shahada.issuer.issuance import record_digest

    problems: list[Problem] = []
    document = json.loads(stored.document)
    if stored.recorded is None:
        problems.append(Problem("archive.unrecorded", stored.id, "issued, but no audited issuance records it"))
    elif document_sha256(document) != stored.recorded:
        problems.append(Problem("archive.document_altered", stored.id, "the stored credential differs from the one issued"))
    if record_digest(document) != stored.record_digest:
        problems.append(Problem("archive.digest_mismatch", stored.id, "the stored record digest is not the document's"))
    if verify is not None:
        verified, why = verify(document)
        if not verified:
            problems.append(Problem("archive.signature_invalid", stored.id, f"the stored credential does not verify: {why}"))
    return problems


def _start_worker(verify: Verify | None) -> None:
    _verify[:] = [verify]


def _check_batch(batch: list[_Stored]) -> list[list[Problem]]:
    return [_check_one(stored, _verify[0]) for stored in batch]


def _ready() -> None:
    """A task that does nothing: submitting it makes the pool start a worker now."""


def _started_pool(verify: Verify | None, processes: int) -> ProcessPoolExecutor | None:
    """``processes`` worker processes, started now (None for 1: the work runs here). A worker takes
    a second or more to start (imports, the loader): they start while this process replays the
    audit trail, which at national size takes as long."""
    if processes <= 1:
        return None
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(verify,))
    for _ in range(processes):
        pool.submit(_ready)
    return pool


def _checked(
    items: Iterable[Problem | _Stored | tuple[Problem, ...]], verify: Verify | None, pool: ProcessPoolExecutor | None, processes: int
) -> Iterator[Problem | list[Problem] | tuple[Problem, ...]]:
    """For each item in order: a Problem as it is, a credential's problems (a list, maybe empty), a
    row not issued as ``_NOT_ISSUED``; the credentials checked in ``pool``'s ``processes`` workers."""
    if pool is None:
        for item in items:
            yield _check_one(item, verify) if isinstance(item, _Stored) else item
        return
    pending: deque[tuple[list[Problem | _Stored | tuple[Problem, ...]], Future[list[list[Problem]]]]] = deque()

    def submit(group: list[Problem | _Stored | tuple[Problem, ...]]) -> None:
        pending.append((group, pool.submit(_check_batch, [g for g in group if isinstance(g, _Stored)])))

    def drain() -> Iterator[Problem | list[Problem] | tuple[Problem, ...]]:
        group, future = pending.popleft()
        results = iter(future.result())
        for item in group:
            yield next(results) if isinstance(item, _Stored) else item

    group: list[Problem | _Stored | tuple[Problem, ...]] = []
    stored = 0
    for item in items:
        group.append(item)
        stored += isinstance(item, _Stored)
        if stored >= BATCH:
            submit(group)
            group, stored = [], 0
            while len(pending) >= 2 * processes:
                yield from drain()
    if group:
        submit(group)
    while pending:
        yield from drain()


def _replay(audit: AuditLog) -> _Expected:
    imports: dict[int, str] = {}
    documents: dict[str, str] = {}
    bits: dict[tuple[str, str], bool] = {}
    for entry in audit.entries():
        if entry.action == "pv.import":
            imports[int(entry.subject.split(":")[1])] = entry.details["recordsSha256"]
        elif entry.action == "credentials.issue":
            documents.update(entry.details["documents"])
        elif entry.action.startswith("status."):
            bits[(entry.subject, entry.details["purpose"])] = bool(entry.details["value"])
    return _Expected(imports, documents, bits)


def check_archive(
    archive: Archive,
    audit: AuditLog,
    status: StatusStore | None,
    verify: Verify | None,
    progress: Callable[[int, int], None] | None = None,
    processes: int = 1,
) -> Iterator[Problem]:
    """Every alteration found, as :class:`Problem` s (none: the archive is intact).

    Args:
        verify: checks each issued credential's signature; None skips that (faster) check.
        progress: called with (credentials checked, credentials in the archive) every
            ``PROGRESS_EVERY`` credentials and at the end.
        processes: worker processes for the per-credential checks (1: in this process).
    """
    pool = _started_pool(verify, processes)
    try:
        yield from _check_archive(archive, audit, status, verify, progress, pool, processes)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _check_archive(
    archive: Archive, audit: AuditLog, status: StatusStore | None, verify: Verify | None, progress: Callable[[int, int], None] | None,
    pool: ProcessPoolExecutor | None, processes: int,
) -> Iterator[Problem]:
    for problem in audit.verify_chain():
        yield Problem(problem.code, f"audit:{problem.seq}", problem.message)
    expected = _replay(audit)
    by_import: dict[int, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    total = archive.count() if progress is not None else 0
    checked = 0
    with Session(archive.engine) as session:

        def rows() -> Iterator[Problem | _Stored | tuple[Problem, ...]]:
            columns = select(CredentialRow.id, CredentialRow.import_id, CredentialRow.status, CredentialRow.record_digest, CredentialRow.document)
            # plain columns, streamed (no ORM object per row, none kept by the session)
            for cid, import_id, state, digest, document in session.execute(columns.order_by(CredentialRow.id).execution_options(yield_per=1000)):
                by_import.setdefault(import_id, []).append((cid, digest))
                recorded = expected.documents.get(cid)
                if state != ISSUED:
                    if recorded is not None:
                        yield Problem("archive.status_mismatch", cid, f"recorded as issued but its row says {state!r}")
                    yield _NOT_ISSUED
                    continue
                seen.add(cid)
                yield _Stored(cid, document, recorded, digest)

        for found in _checked(rows(), verify, pool, processes):
            if isinstance(found, Problem):
                yield found
                continue
            checked += 1
            if progress is not None and (checked % PROGRESS_EVERY == 0 or checked == total):
                progress(checked, total)
            yield from found
        for import_id, digests in by_import.items():
            recorded_import = expected.imports.get(import_id)
            if recorded_import is not None and records_sha256(digests) != recorded_import:
                yield Problem("archive.digest_mismatch", f"import:{import_id}", "the import's records differ from those it recorded")
        for cid in sorted(set(expected.documents) - seen):
            exists = session.scalar(select(CredentialRow.id).where(CredentialRow.id == cid))
            if exists is None:
                yield Problem("archive.status_mismatch", cid, "recorded as issued but missing from the archive")
        if status is None:
            return
        bits = select(StatusEntryRow.credential_id, StatusEntryRow.purpose, StatusEntryRow.value).execution_options(yield_per=5000)
        for credential_id, purpose, value in session.execute(bits):
            want = expected.bits.get((credential_id, purpose), False)
            if bool(value) != want:
                yield Problem(
                    "archive.status_mismatch", credential_id,
                    f"its {purpose} bit is {int(value)}, the audited operations say {int(want)}",
                )
        lists = session.execute(select(StatusListRow).where(StatusListRow.document.is_not(None))).scalars().all()
    for listed in lists:
        if listed.revision != listed.published_revision or listed.document is None:
            continue  # pending publication: `shahada status publish`
        document = json.loads(listed.document)
        subject = f"status/{listed.purpose}/{listed.number}"
        try:
            published = Bitstring.decode(document["credentialSubject"]["encodedList"])
        except (KeyError, TypeError, ValueError) as err:
            yield Problem("status.list_mismatch", subject, f"unreadable published list: {err}")
            continue
        if published.to_bytes() != status.bits(listed.purpose, listed.number).to_bytes():
            yield Problem("status.list_mismatch", subject, "the published list differs from the archive's status entries")
        if verify is not None:
            verified, why = verify(document)
            if not verified:
                yield Problem("archive.signature_invalid", subject, f"the published list does not verify: {why}")
