"""The hash-chained audit log: appends in the caller's transaction, and every kind of tampering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shahada.issuer.archive.audit import AuditLog
from tests.support.archives import fresh_archive

NOW = dt.datetime(2025, 7, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AuditLog]:
    archive = fresh_archive(tmp_path / "a.sqlite3")
    audit = AuditLog(archive.engine)
    with archive.engine.begin() as conn:
        from sqlalchemy.orm import Session

        with Session(bind=conn) as session:
            for n in range(5):
                audit.append(session, operator="op", action="status.revoke", subject=f"urn:uuid:{n}", reason="r", at=NOW, details={"n": n})
    yield audit
    archive.close()


def _sql(audit: AuditLog, statement: str) -> None:
    with audit.engine.begin() as conn:
        conn.execute(text(statement))


def test_an_intact_chain(log: AuditLog) -> None:
    entries = list(log.entries())
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert log.verify_chain() == []


def test_an_edited_entry_is_named(log: AuditLog) -> None:
    _sql(log, "update audit_log set reason = 'other' where seq = 3")
    assert [(p.code, p.seq) for p in log.verify_chain()] == [("audit.altered", 3)]


def test_a_deleted_entry_breaks_the_chain(log: AuditLog) -> None:
    _sql(log, "delete from audit_log where seq = 2")
    assert {p.code for p in log.verify_chain()} == {"audit.broken"}


def test_truncating_the_log_is_detected_by_its_head(log: AuditLog) -> None:
    _sql(log, "delete from audit_log where seq = 5")
    assert [p.code for p in log.verify_chain()] == ["audit.head"]


def test_an_append_rolled_back_with_its_change_leaves_no_trace(log: AuditLog) -> None:
    from sqlalchemy.orm import Session

    with pytest.raises(RuntimeError), Session(log.engine) as session, session.begin():
        log.append(session, operator="op", action="status.revoke", subject="x", at=NOW)
        raise RuntimeError("the change failed")
    assert len(list(log.entries())) == 5 and log.verify_chain() == []
