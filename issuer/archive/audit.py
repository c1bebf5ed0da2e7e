"""The audit trail: an append-only, hash-chained log of every change to the archive.

Each entry records who (``operator``), when (``at``), what (``action`` and ``subject``), why
(``reason``) and the details needed to re-check the archive later (``details``: e.g. the SHA-256 of
every credential signed in an issuance batch, the bit set by a revocation). Its ``hash`` is
SHA-256 over the previous entry's hash and the RFC 8785 (JCS) canonical form of the entry, so
changing, inserting or deleting any entry breaks the chain from there on.

An entry is always written **in the same transaction** as the change it records (pass the open
``Session``): there is no change without its entry, and no entry without its change. Appends are
serialised by a row lock on the single ``audit_head`` row (``SELECT … FOR UPDATE`` on PostgreSQL,
the database write lock on SQLite), so two processes never chain onto the same predecessor.

Actions: ``pv.import``, ``credentials.issue``, ``status.revoke``, ``status.suspend``,
``status.unsuspend``, ``credentials.rectify``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, Text, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from shahada.common.db import Base, UTCDateTime
from shahada.issuer.errors import ArchiveError
from shahada.proofs.canonical import jcs

GENESIS = "0" * 64


class AuditHead(Base):
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AuditRow(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    operator: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: dt.datetime
    operator: str
    action: str
    subject: str
    reason: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, seq: int, at: dt.datetime, operator: str, action: str, subject: str, reason: str, details: Any) -> str:
    """SHA-256 of the previous hash and the JCS form of the entry's fields."""
    payload = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "operator": operator,
        "action": action,
        "subject": subject,
        "reason": reason,
        "details": details,
    }
    return hashlib.sha256(prev_hash.encode("ascii") + jcs(payload)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainProblem:
    code: str  # audit.altered, audit.broken, audit.head
    seq: int
    message: str


class AuditLog:
    """The audit log in the archive database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def append(
        self,
        session: Session,
        *,
        operator: str,
        action: str,
        subject: str,
        reason: str = "",
        details: dict[str, Any] | None = None,
        at: dt.datetime,
    ) -> str:
        """Append one entry inside the caller's open transaction ``session``; returns its hash.

        Raises:
            ArchiveError: ``archive.audit`` when the database refuses (the caller's transaction fails too).
        """
        details = details or {}
        at = at.astimezone(dt.UTC)
        try:
            # a no-op write first: it takes the write lock (SQLite) / the row lock (PostgreSQL) before
            # the head is read, so two appenders can never read the same predecessor
            session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
            head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
            if head is None:
                session.execute(insert(AuditHead).values(id=1, seq=0, hash=GENESIS))
                seq, prev = 1, GENESIS
            else:
                seq, prev = head.seq + 1, head.hash
            digest = entry_hash(prev, seq, at, operator, action, subject, reason, details)
            session.execute(
                insert(AuditRow).values(
                    seq=seq, at=at, operator=operator, action=action, subject=subject, reason=reason,
                    details=json.dumps(details, ensure_ascii=False, sort_keys=True), prev_hash=prev, hash=digest,
                )
            )
            session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=digest))
            session.flush()
        except SQLAlchemyError as err:
            raise ArchiveError(f"the audit entry could not be written: {err}", code="archive.audit") from err
        return digest

    def entries(self, batch: int = 1000) -> Iterator[AuditEntry]:
        after = 0
        while True:
            with self._sessions() as session:
                rows = session.scalars(select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield AuditEntry(row.seq, row.at, row.operator, row.action, row.subject, row.reason, json.loads(row.details), row.prev_hash, row.hash)
            after = rows[-1].seq

    def verify_chain(self) -> list[ChainProblem]:
        """Re-compute every hash: an altered, inserted or deleted entry is reported with its seq."""
        problems: list[ChainProblem] = []
        prev, expected_seq = GENESIS, 1
        for entry in self.entries():
            if entry.seq != expected_seq:
                problems.append(ChainProblem("audit.broken", entry.seq, f"entry {expected_seq} is missing (next is {entry.seq})"))
            if entry.prev_hash != prev:
                problems.append(ChainProblem("audit.broken", entry.seq, f"entry {entry.seq} does not chain onto its predecessor"))
            recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.operator, entry.action, entry.subject, entry.reason, entry.details)
            if recomputed != entry.hash:
                problems.append(ChainProblem("audit.altered", entry.seq, f"entry {entry.seq} ({entry.action} {entry.subject}) was altered"))
            prev, expected_seq = entry.hash, entry.seq + 1
        with self._sessions() as session:
            head = session.get(AuditHead, 1)
        if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
            problems.append(ChainProblem("audit.head", head.seq, "the log's last entries were removed or the head was changed"))
        return problems


def document_sha256(document: dict[str, Any]) -> str:
    """SHA-256 of a credential's JCS form: what an issuance entry records of each credential."""
    return hashlib.sha256(jcs(document)).hexdigest()


def records_sha256(digests: list[tuple[str, str]]) -> str:
    """SHA-256 over the sorted (credential id, record digest) pairs of an import."""
    return sorted_records_sha256(sorted(digests))


def sorted_records_sha256(digests: Iterable[tuple[str, str]]) -> str:
    """:func:`records_sha256` of pairs already sorted, read once and kept by none (an import's, from
    the archive a chunk at a time: ``Archive.import_digests``)."""
    hashed = hashlib.sha256()
    separator = b""
    for cid, digest in digests:
        hashed.update(separator + f"{cid} {digest}".encode())
        separator = b"\n"
    return hashed.hexdigest()
