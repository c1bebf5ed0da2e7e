"""Batches that failed for good: the permanent-failure policy of distributed issuance (issue 14).

A signing task retries with backoff (``SHAHADA_WORKER_MAX_RETRIES``); when it has no retry left,
or fails in a way no retry can mend, its import is marked ``failed`` here — one row per import,
with the reason and the batch — and the failure is written to the audit log, in one transaction.
The coordinator (``shahada issue --distributed``) sees the mark, stops and exits 1 with the
reason; the same command run again clears the mark and enqueues every credential still pending,
the failed batch's included (nothing of it was stored: a batch is one transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from shahada.common.db import Base, UTCDateTime
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.store import PVImport

FAILED = "failed"


class ImportFailureRow(Base):
    __tablename__ = "import_failures"

    import_id: Mapped[int] = mapped_column(Integer, ForeignKey(PVImport.id), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))  # "failed": the import's signing stopped for good
    reason: Mapped[str] = mapped_column(Text)
    batch: Mapped[str] = mapped_column(Text)  # the failed batch: its first credential id and size
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class ImportFailure:
    import_id: int
    reason: str
    batch: str
    failed_at: dt.datetime


def mark_failed(
    engine: Engine, import_id: int, ids: Sequence[str], *, reason: str, at: dt.datetime, operator: str, audit: AuditLog | None = None
) -> None:
    """Mark ``import_id`` failed by the batch ``ids`` (the latest failure wins) and audit it
    (``issuance.batch_failed``), in one transaction."""
    batch = f"{len(ids)} credential(s) from {ids[0]}" if ids else "an empty batch"
    audit = audit or AuditLog(engine)
    with Session(engine) as session, session.begin():
        session.execute(delete(ImportFailureRow).where(ImportFailureRow.import_id == import_id))
        session.add(ImportFailureRow(import_id=import_id, status=FAILED, reason=reason[:4000], batch=batch, failed_at=at))
        audit.append(
            session, operator=operator, action="issuance.batch_failed", subject=f"import {import_id}", reason=reason[:4000], at=at,
            details={"import": import_id, "credentials": list(ids)},
        )


def failure_of(engine: Engine, import_id: int) -> ImportFailure | None:
    """The import's failure mark, or None."""
    with Session(engine) as session:
        row = session.scalar(select(ImportFailureRow).where(ImportFailureRow.import_id == import_id))
        return None if row is None else ImportFailure(row.import_id, row.reason, row.batch, row.failed_at)


def clear_failure(engine: Engine, import_id: int) -> bool:
    """Remove the import's failure mark (a new run retries it); whether there was one."""
    with Session(engine) as session, session.begin():
        found = session.scalar(select(ImportFailureRow.import_id).where(ImportFailureRow.import_id == import_id))
        if found is not None:
            session.execute(delete(ImportFailureRow).where(ImportFailureRow.import_id == import_id))
        return found is not None
