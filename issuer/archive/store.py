"""The archive: every PV import and every credential issued from it (SQLAlchemy 2.0).

SQLite file by default, any SQLAlchemy URL accepted (``postgresql+psycopg://…`` in production).

A credential row is written twice in its life:

1. when its PV is imported — all rows of one import in ONE transaction, status ``pending``,
   holding the unsigned credential (built deterministically, so a resumed run signs the same bytes);
2. when its signature comes back from the agent — status ``issued``, holding the signed credential.

Then the holder binding of its paper seal (``holder_binding``: the scrypt of its Code Massar and id,
``docs/seal.md`` §5) is stored, computed once so that printing and the verifier read it instead of
paying ~13 ms a document. Signing stores none: :func:`shahada.issuer.bindings.fill_bindings`
computes them afterwards (at the end of ``shahada issue``, or ``shahada archive bindings``); a row
still without one has it filled the first time it is printed (:meth:`Archive.store_holder_bindings`).

The primary key is the credential id, derived from (candidate, session, document type): a
credential can never be stored twice, whatever crashes or re-runs happen.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from itertools import batched
from typing import Any, Final, cast

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from shahada.common.db import Base, UTCDateTime
from shahada.issuer.errors import ArchiveError

PENDING = "pending"
ISSUED = "issued"
IMPORT_CHUNK: Final = 2000  # credentials built, allocated and written at a time by an import (none kept)


class PVImport(Base):
    __tablename__ = "pv_imports"
    __table_args__ = (UniqueConstraint("session_year", "file_sha256", name="uq_import_file"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_year: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    operator: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    record_count: Mapped[int] = mapped_column(Integer)
    credential_count: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CredentialRow(Base):
    __tablename__ = "credentials"
    __table_args__ = (
        Index("ix_credentials_import_status", "import_id", "status", "id"),  # pending pages in id order (migration 0012)
        Index("ix_credentials_massar", "massar"),
    )

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("pv_imports.id"))
    kind: Mapped[str] = mapped_column(String(20))
    session_year: Mapped[int] = mapped_column(Integer)
    session_kind: Mapped[str] = mapped_column(String(20))
    massar: Mapped[str] = mapped_column(String(10))
    academy: Mapped[str] = mapped_column(String(10))
    document_number: Mapped[str] = mapped_column(String(60), unique=True)
    record_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))
    document: Mapped[str] = mapped_column(Text)  # unsigned while pending, the signed credential once issued
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # the seal's holder binding (4 bytes), stored once issued; None before (migration 0008)
    holder_binding: Mapped[bytes | None] = mapped_column(LargeBinary(4), nullable=True)


class PrintedRow(Base):
    """The last time each document was printed (``shahada print`` wrote its PDF), and where."""

    __tablename__ = "printed_documents"

    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id"), primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    printed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class PlannedCredential:
    """A credential to issue: its archive metadata and its unsigned document."""

    id: str
    kind: str
    session_kind: str
    massar: str
    academy: str
    document_number: str
    record_digest: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ImportInfo:
    id: int
    session_year: int
    filename: str
    file_sha256: str
    operator: str
    imported_at: dt.datetime
    record_count: int
    credential_count: int
    completed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class StoredCredential:
    id: str
    kind: str
    status: str
    document_number: str
    record_digest: str
    document: dict[str, Any]
    holder_binding: bytes | None = None  # the seal's, stored at issuance (None: issued before it was)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Archive:
    """Repository over the archive database. Thread-safe: one short session per call.

    The tables must exist: the installation upgrades the database to the current schema before it
    opens the archive (``shahada.archive.open_archive``, ``shahada archive upgrade``).

    Raises:
        ArchiveError: ``archive.open`` when the database cannot be reached.
    """

    def __init__(self, url: str) -> None:
        try:
            self.engine: Engine = create_engine(url, pool_pre_ping=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.connect():
                pass  # reach the database now: a wrong URL fails here, with the code operators know
        except SQLAlchemyError as err:
            raise ArchiveError(f"cannot open the archive at {self.engine.url!r}: {err}", code="archive.open") from err
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def find_import(self, session_year: int, file_sha256: str) -> ImportInfo | None:
        with self._sessions() as session:
            row = session.scalar(select(PVImport).where(PVImport.session_year == session_year, PVImport.file_sha256 == file_sha256))
            return _import_info(row) if row else None

    def existing_digests(self, ids: Sequence[str]) -> dict[str, str]:
        """id → record digest for those of ``ids`` already in the archive (from any import)."""
        found: dict[str, str] = {}
        with self._sessions() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for cid, digest in session.execute(select(CredentialRow.id, CredentialRow.record_digest).where(CredentialRow.id.in_(chunk))):
                    found[cid] = digest
        return found

    def record_import(
        self,
        *,
        session_year: int,
        filename: str,
        file_sha256: str,
        operator: str,
        imported_at: dt.datetime,
        record_count: int,
        credentials: Iterable[PlannedCredential] | Callable[[Session], Iterable[PlannedCredential]],
        in_transaction: Callable[[Session, ImportInfo], None] | None = None,
        prepare: Callable[[Session, list[PlannedCredential]], list[PlannedCredential]] | None = None,
        setup: Callable[[Session], AbstractContextManager[object]] | None = None,
    ) -> ImportInfo:
        """Store an import and all its planned credentials atomically (all or nothing).

        ``credentials`` are read and written :data:`IMPORT_CHUNK` at a time, none kept: an iterable,
        or a function of the import's session that returns one (to read the archive in the same
        transaction). ``prepare`` sees each chunk in the transaction before it is written and returns
        what to write instead (the status entries allocated, :meth:`StatusStore.attach_in`);
        ``setup`` wraps the transaction's work (a larger SQLite page cache while allocating).
        ``in_transaction`` runs inside the same transaction once the rows are written (the audit
        entry of the import, :mod:`shahada.issuer.archive.audit`); if any of them raises, nothing is stored.
        """
        try:
            with self._sessions.begin() as session, setup(session) if setup is not None else nullcontext():
                pv_import = PVImport(
                    session_year=session_year,
                    filename=filename,
                    file_sha256=file_sha256,
                    operator=operator,
                    imported_at=imported_at,
                    record_count=record_count,
                    credential_count=0,
                    completed_at=None,
                )
                session.add(pv_import)
                session.flush()
                import_id = pv_import.id
                count = 0
                for chunk in batched(credentials(session) if callable(credentials) else credentials, IMPORT_CHUNK, strict=False):
                    planned = prepare(session, list(chunk)) if prepare is not None else chunk
                    session.execute(
                        insert(CredentialRow),
                        [
                            {
                                "id": c.id,
                                "import_id": import_id,
                                "kind": c.kind,
                                "session_year": session_year,
                                "session_kind": c.session_kind,
                                "massar": c.massar,
                                "academy": c.academy,
                                "document_number": c.document_number,
                                "record_digest": c.record_digest,
                                "status": PENDING,
                                "document": json.dumps(c.document, ensure_ascii=False, sort_keys=True),
                                "issued_at": None,
                            }
                            for c in planned
                        ],
                    )
                    count += len(planned)
                    del chunk, planned  # before the next chunk is built
                pv_import.credential_count = count
                pv_import.completed_at = None if count else imported_at
                session.flush()
                if in_transaction is not None:
                    in_transaction(session, _import_info(pv_import))
                return _import_info(pv_import)
        except SQLAlchemyError as err:
            raise ArchiveError(f"the import of {filename} could not be recorded; nothing was stored: {err}", code="archive.import") from err

    def import_digests(self, session: Session, import_id: int) -> Iterator[tuple[str, str]]:
        """(id, record digest) of every credential of an import, read on ``session`` (the import's
        transaction, before it commits) in one query streamed :data:`IMPORT_CHUNK` rows at a time
        (a server-side cursor on PostgreSQL), ordered by id as Python orders strings (by code point,
        whatever the database's collation): what the ``pv.import`` audit entry hashes."""
        column = CredentialRow.id.collate("C") if self.engine.dialect.name == "postgresql" else CredentialRow.id
        query = select(CredentialRow.id, CredentialRow.record_digest).where(CredentialRow.import_id == import_id).order_by(column)
        yield from ((cid, digest) for cid, digest in session.execute(query.execution_options(yield_per=IMPORT_CHUNK)))

    def pending(
        self, import_id: int, *, limit: int, after: str = "", ids: Sequence[str] | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        """Up to ``limit`` pending credentials of an import, ordered by id, with id > ``after``
        (and among ``ids`` when given: a distributed batch)."""
        among = () if ids is None else (CredentialRow.id.in_(list(ids)),)
        with self._sessions() as session:
            rows = session.execute(
                select(CredentialRow.id, CredentialRow.document)
                .where(CredentialRow.import_id == import_id, CredentialRow.status == PENDING, CredentialRow.id > after, *among)
                .order_by(CredentialRow.id)
                .limit(limit)
            ).all()
        return [(cid, json.loads(doc)) for cid, doc in rows]

    def pending_ids(self, import_id: int) -> list[str]:
        """The ids of an import's pending credentials, ordered (what a coordinator enqueues)."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(CredentialRow.id).where(CredentialRow.import_id == import_id, CredentialRow.status == PENDING).order_by(CredentialRow.id)
                )
            )

    def store_signed(
        self,
        signed: Iterable[tuple[str, dict[str, Any]]],
        *,
        issued_at: dt.datetime,
        in_transaction: Callable[[Session, list[tuple[str, dict[str, Any]]]], None] | None = None,
        holder_bindings: Mapping[str, bytes] | None = None,
    ) -> int:
        """Mark credentials issued with their signed documents, in one transaction. Returns rows changed.

        ``holder_bindings``: the seal's holder binding of each credential id, stored with it.

        ``in_transaction`` (the audit entry of the batch) runs in the same transaction, given the
        credentials actually changed from pending to issued.
        """
        items = list(signed)
        bindings = holder_bindings or {}
        table = cast(Table, CredentialRow.__table__)
        with self._sessions.begin() as session:
            # one statement claims the batch's still-pending rows (RETURNING: which ones, whatever
            # another process did meanwhile), one executemany writes their documents
            claimed: set[str] = set()
            for start in range(0, len(items), 500):
                chunk = [cid for cid, _ in items[start : start + 500]]
                claimed.update(
                    session.execute(
                        update(table).where(table.c.id.in_(chunk), table.c.status == PENDING).values(status=ISSUED, issued_at=issued_at).returning(table.c.id)
                    ).scalars()
                )
            stored: list[tuple[str, dict[str, Any]]] = []
            for cid, document in items:
                if cid in claimed:
                    claimed.discard(cid)  # an id given twice is stored once, as a second UPDATE would change nothing
                    stored.append((cid, document))
            if stored:
                session.execute(
                    update(table).where(table.c.id == bindparam("stored_id")).values(document=bindparam("stored_document"), holder_binding=bindparam("stored_binding")),
                    [
                        {"stored_id": cid, "stored_document": json.dumps(document, ensure_ascii=False, sort_keys=True), "stored_binding": bindings.get(cid)}
                        for cid, document in stored
                    ],
                )
            if in_transaction is not None and stored:
                in_transaction(session, stored)
        return len(stored)

    def replace_signed(self, credential_id: str, document: dict[str, Any], *, kind: str, issued_at: dt.datetime) -> bool:
        """Replace the signed document of an issued credential of ``kind`` (the VC API issuer signing
        the same id again); False when there is no such credential of that kind (nothing changed)."""
        with self._sessions.begin() as session:
            result = session.execute(
                update(CredentialRow)
                .where(CredentialRow.id == credential_id, CredentialRow.kind == kind, CredentialRow.status == ISSUED)
                .values(document=json.dumps(document, ensure_ascii=False, sort_keys=True), issued_at=issued_at)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def missing_holder_bindings(self, *, import_id: int | None = None, after: str = "", limit: int | None = None) -> list[str]:
        """The ids, ordered, of the issued credentials (of one import when given) whose seal's
        holder binding is not stored yet (:func:`shahada.issuer.bindings.fill_bindings`): those
        with an id > ``after``, the first ``limit`` of them when given (a page: a national
        session's every id would be tens of megabytes)."""
        query = select(CredentialRow.id).where(*_missing_binding(import_id), CredentialRow.id > after)
        with self._sessions() as session:
            return list(session.scalars(query.order_by(CredentialRow.id).limit(limit)))

    def count_missing_holder_bindings(self, *, import_id: int | None = None) -> int:
        """How many :meth:`missing_holder_bindings` would list."""
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(CredentialRow).where(*_missing_binding(import_id))) or 0)

    def issued_documents(self, ids: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
        """(id, signed document) of those of ``ids`` that are issued, ordered by id."""
        found: list[tuple[str, dict[str, Any]]] = []
        with self._sessions() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(
                    select(CredentialRow.id, CredentialRow.document).where(CredentialRow.id.in_(list(ids[start : start + 500])), CredentialRow.status == ISSUED)
                )
                found += [(cid, json.loads(document)) for cid, document in rows]
        return sorted(found, key=lambda item: item[0])

    def store_holder_bindings(self, bindings: Mapping[str, bytes]) -> int:
        """Store the seal's holder binding of credentials that have none yet, in one transaction; a stored binding is never replaced. Returns rows changed."""
        changed = 0
        with self._sessions.begin() as session:
            for cid, binding in bindings.items():
                result = session.execute(
                    update(CredentialRow).where(CredentialRow.id == cid, CredentialRow.holder_binding.is_(None)).values(holder_binding=binding)
                )
                changed += result.rowcount  # type: ignore[attr-defined]
        return changed

    def complete_import(self, import_id: int, *, at: dt.datetime) -> None:
        with self._sessions.begin() as session:
            session.execute(update(PVImport).where(PVImport.id == import_id).values(completed_at=at))

    def count(
        self,
        *,
        import_id: int | None = None,
        status: str | None = None,
        kind: str | None = None,
        session_year: int | None = None,
        academy: str | None = None,
    ) -> int:
        query = select(func.count()).select_from(CredentialRow).where(
            *_filters(import_id=import_id, status=status, kind=kind, session_year=session_year, academy=academy)
        )
        with self._sessions() as session:
            return int(session.scalar(query) or 0)

    def credentials(
        self,
        *,
        import_id: int | None = None,
        session_year: int | None = None,
        status: str | None = ISSUED,
        academy: str | None = None,
        kind: str | None = None,
        massar: str | None = None,
        batch: int = 1000,
    ) -> Iterator[StoredCredential]:
        """Stream stored credentials (by id order), filtered (``massar``: one candidate's)."""
        conditions = _filters(import_id=import_id, status=status, kind=kind, session_year=session_year, academy=academy, massar=massar)
        after = ""
        while True:
            query = select(CredentialRow).where(CredentialRow.id > after, *conditions).order_by(CredentialRow.id).limit(batch)
            with self._sessions() as session:
                rows = session.scalars(query).all()
            if not rows:
                return
            yield from (_stored(row) for row in rows)
            after = rows[-1].id

    def get(self, credential_id: str) -> StoredCredential | None:
        """One credential, read as plain columns (no ORM object: the verifier asks this per seal)."""
        with self.engine.connect() as connection:
            row = connection.execute(_GET, {"credential_id": credential_id}).one_or_none()
        return None if row is None else StoredCredential(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6])

    def record_printed(self, printed: Sequence[tuple[str, str]], *, at: dt.datetime) -> None:
        """Record (credential id, PDF path) pairs as printed at ``at``, in one transaction. A
        document already recorded at the same path keeps its first record (a resumed run finds it
        printed); printed elsewhere, the new record replaces the earlier one."""
        try:
            self._record_printed(printed, at=at)
        except IntegrityError:  # another worker recorded some of them meanwhile (a batch delivered twice): read again
            self._record_printed(printed, at=at)

    def _record_printed(self, printed: Sequence[tuple[str, str]], *, at: dt.datetime) -> None:
        if not printed:
            return
        with self._sessions.begin() as session:
            known: dict[str, str] = {}
            for start in range(0, len(printed), 500):
                chunk = [cid for cid, _ in printed[start : start + 500]]
                for cid, path in session.execute(select(PrintedRow.credential_id, PrintedRow.path).where(PrintedRow.credential_id.in_(chunk))):
                    known[cid] = path
            printed = [(cid, path) for cid, path in printed if known.get(cid) != path]
            if not printed:
                return
            ids = [cid for cid, _ in printed]
            for start in range(0, len(ids), 500):
                session.execute(delete(PrintedRow).where(PrintedRow.credential_id.in_(ids[start : start + 500])))
            session.execute(insert(PrintedRow), [{"credential_id": cid, "path": path, "printed_at": at} for cid, path in printed])

    def _printed_under(self, under: str | None) -> ColumnElement[bool]:
        """A credential has a printed record (under the directory ``under``, when given)."""
        condition = PrintedRow.credential_id == CredentialRow.id
        if under is not None:
            prefix = under.rstrip("/") + "/"  # compared exactly (LIKE ignores case on SQLite, not on PostgreSQL)
            condition = condition & (func.substr(PrintedRow.path, 1, len(prefix)) == prefix)
        return select(PrintedRow.credential_id).where(condition).exists()

    def unprinted_ids(
        self, *, session_year: int, academy: str | None = None, kind: str | None = None, under: str | None = None
    ) -> list[str]:
        """The ids of the issued credentials of a selection with no printed record (none under the
        directory ``under``, when given), ordered: what a distributed print plans."""
        conditions = _filters(import_id=None, status=ISSUED, kind=kind, session_year=session_year, academy=academy)
        with self._sessions() as session:
            return list(session.scalars(select(CredentialRow.id).where(*conditions, ~self._printed_under(under)).order_by(CredentialRow.id)))

    def printed_count(self, *, session_year: int, academy: str | None = None, kind: str | None = None, under: str | None = None) -> int:
        """How many issued credentials of a selection have a printed record (under ``under``)."""
        conditions = _filters(import_id=None, status=ISSUED, kind=kind, session_year=session_year, academy=academy)
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(CredentialRow).where(*conditions, self._printed_under(under))) or 0)

    def stored_many(self, ids: Sequence[str]) -> list[StoredCredential]:
        """The stored credentials of ``ids`` that exist, in the order of ``ids``."""
        found: dict[str, StoredCredential] = {}
        with self._sessions() as session:
            for start in range(0, len(ids), 500):
                for row in session.scalars(select(CredentialRow).where(CredentialRow.id.in_(ids[start : start + 500]))):
                    found[row.id] = _stored(row)
        return [found[cid] for cid in ids if cid in found]

    def get_by_number(self, document_number: str) -> StoredCredential | None:
        """The credential printed with ``document_number`` (canonical form), if any."""
        with self._sessions() as session:
            row = session.scalar(select(CredentialRow).where(CredentialRow.document_number == document_number))
            return None if row is None else _stored(row)

    def imports(self) -> list[ImportInfo]:
        with self._sessions() as session:
            return [_import_info(r) for r in session.scalars(select(PVImport).order_by(PVImport.id))]


def _missing_binding(import_id: int | None) -> tuple[ColumnElement[bool], ...]:
    """The issued credentials (of one import when given) whose seal's holder binding is not stored."""
    among = () if import_id is None else (CredentialRow.import_id == import_id,)
    return (CredentialRow.status == ISSUED, CredentialRow.holder_binding.is_(None), *among)


def _filters(
    *,
    import_id: int | None,
    status: str | None,
    kind: str | None,
    session_year: int | None,
    academy: str | None,
    massar: str | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE conditions on credentials for the filters that are set."""
    wanted: list[tuple[Any, object]] = [
        (CredentialRow.import_id, import_id),
        (CredentialRow.status, status),
        (CredentialRow.kind, kind),
        (CredentialRow.session_year, session_year),
        (CredentialRow.academy, academy),
        (CredentialRow.massar, massar),
    ]
    return [column == value for column, value in wanted if value is not None]


_STORED_COLUMNS: Final = (
    CredentialRow.id, CredentialRow.kind, CredentialRow.status, CredentialRow.document_number, CredentialRow.record_digest,
    CredentialRow.document, CredentialRow.holder_binding,
)

_GET: Final = select(*_STORED_COLUMNS).where(CredentialRow.id == bindparam("credential_id"))  # built once


def _stored(row: CredentialRow) -> StoredCredential:
    return StoredCredential(row.id, row.kind, row.status, row.document_number, row.record_digest, json.loads(row.document), row.holder_binding)


def _import_info(row: PVImport) -> ImportInfo:
    return ImportInfo(
        id=row.id,
        session_year=row.session_year,
        filename=row.filename,
        file_sha256=row.file_sha256,
        operator=row.operator,
        imported_at=row.imported_at,
        record_count=row.record_count,
        credential_count=row.credential_count,
        completed_at=row.completed_at,
    )
