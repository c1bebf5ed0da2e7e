"""The archive's side of credential status (W3C Bitstring Status List 1.0): index allocation, the
status of every entry, and the published status list credentials.

Tables (next to the archive's own, in the same database and on the same :class:`shahada.common.db.Base`):

- ``status_counters`` — one row per purpose: the next counter value. Allocation is one atomic
  ``UPDATE … SET next = next + n … RETURNING`` (a row lock on PostgreSQL, the write lock on SQLite):
  two processes never get the same counter, and a counter is never handed out twice.
- ``status_entries`` — one row per (credential, purpose): its list, its bit and the bit's value.
  Changing a status updates that single row: two processes changing *different* credentials touch
  different rows and no bit can be lost (no read-modify-write of a shared blob).
- ``status_lists`` — one row per list: ``revision`` is bumped in the same transaction as every change
  (the persisted "pending change"), ``published_revision`` says which revision the stored signed list
  credential reflects. A list whose revision is ahead is re-signed by :meth:`StatusStore.publish`;
  a crash between the change and the publication loses nothing, the next ``publish`` catches up.
  ``valid_from``/``valid_until`` are the window of the stored list credential: ``publish`` also
  re-signs, unchanged, every list whose window is half gone, and each publication of a list has a
  later ``validFrom`` than the one before (by at least a millisecond), so that a verifier can always tell
  the newer of two lists (``shahada.verifier.status``).

Index privacy (§7.3 "Group Privacy"): counter ``c`` goes to list
``c // LIST_SIZE`` at position ``IndexPermutation(key(purpose, list)).permute(c % LIST_SIZE)``, a keyed
permutation, so a position says nothing of the issuance order within its list of 131,072.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from itertools import repeat
from typing import Any, Protocol

from sqlalchemy import Boolean, Index, Integer, Select, String, Text, and_, bindparam, delete, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from shahada.common.db import Base, UTCDateTime
from shahada.issuer.archive.locks import list_lock
from shahada.issuer.archive.store import PlannedCredential
from shahada.issuer.errors import ArchiveError
from shahada.schemas.registry import RECORD_TYPE
from shahada.status.bitstring import Bitstring
from shahada.status.indexes import IndexPermutation
from shahada.status.lists import (
    DEFAULT_TTL_MS,
    DEFAULT_VALIDITY,
    LIST_SIZE,
    PURPOSES,
    Purpose,
    list_credential,
    list_url,
    status_entry,
)

SET_BITS = "value = true"  # the partial index's condition, repeated word for word by the queries that use it
WHOLE_LIST_FROM = 4096  # allocations of at least this many positions in a list read its whole permutation
ALLOCATION_CACHE_KIB = 256 * 1024  # SQLite's page cache while allocating (a national session's entries: ~120 MB)


class StatusCounter(Base):
    __tablename__ = "status_counters"
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    next: Mapped[int] = mapped_column(Integer)


class StatusEntryRow(Base):
    __tablename__ = "status_entries"
    # the set bits of each list (migration 0006): publishing reads them, not the list's every entry;
    # on SQLite the rows are the primary key's B-tree (WITHOUT ROWID, migration 0010)
    __table_args__ = (
        Index("ix_status_entries_set_bits", "purpose", "list_number", "bit", sqlite_where=text(SET_BITS), postgresql_where=text(SET_BITS)),
        {"sqlite_with_rowid": False},
    )
    credential_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    list_number: Mapped[int] = mapped_column(Integer)
    bit: Mapped[int] = mapped_column(Integer)
    value: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class StatusListRow(Base):
    __tablename__ = "status_lists"
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    published_revision: Mapped[int] = mapped_column(Integer, default=0)
    document: Mapped[str | None] = mapped_column(Text, nullable=True)  # the signed list credential
    etag: Mapped[str | None] = mapped_column(String(80), nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    valid_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # of the stored list
    valid_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RegistryRecordRow(Base):
    """The public registry's signed record of one issued credential (:mod:`shahada.schemas.registry`):
    signed by ``publish_registry``, deleted when the record changes (a supersession), then signed again."""

    __tablename__ = "registry_records"
    credential_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    jws: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class PublishedList:
    """A signed status list credential as the site serves it."""

    body: str
    etag: str
    ttl_ms: int


@dataclass(frozen=True, slots=True)
class StatusChange:
    credential_id: str
    purpose: str
    value: bool
    changed: bool  # False when the bit already had that value
    list_number: int
    bit: int


class Reservation:
    """Counters taken ahead (:meth:`StatusStore.reserve`): the next one of each purpose, handed
    out in order by :meth:`take`, up to the number reserved."""

    def __init__(self, first: dict[str, int], count: int) -> None:
        self._next = dict(first)
        self._end = {purpose: start + count for purpose, start in first.items()}

    def take(self, purpose: str, count: int) -> int:
        """The first of the next ``count`` counters of ``purpose``.

        Raises:
            ArchiveError: ``archive.status``, more than was reserved.
        """
        first = self._next[purpose]
        if first + count > self._end[purpose]:
            raise ArchiveError(f"more {purpose} status indexes asked for than were reserved", code="archive.status")
        self._next[purpose] = first + count
        return first


class Signer(Protocol):  # shahada.issuer.issuance.Signer, restated: issuance imports this module's users
    def sign(self, credential: dict[str, Any]) -> dict[str, Any]: ...


RecordSigner = Callable[[list[dict[str, Any]]], list[str]]  # registry records → their compact JWS, in order


def _permutation_key(secret: bytes, purpose: str, number: int) -> bytes:
    return hmac.new(secret, b"shahada-status-permutation|%s|%d" % (purpose.encode(), number), hashlib.sha256).digest()


class StatusStore:
    """Status entries and lists in the archive database.

    Args:
        engine: the archive's engine (``Archive.engine``).
        secret: the ministry's id secret; permutation keys are derived from it (HMAC).
        origin: the site's origin (``https://host``) under which lists are published.
        ttl_ms: the ``ttl`` of published lists.
        validity: how long a published list stays valid (``validUntil - validFrom``); lists are
            re-signed once half of it is gone.
    """

    def __init__(
        self, engine: Engine, *, secret: bytes, origin: str, ttl_ms: int = DEFAULT_TTL_MS, validity: dt.timedelta = DEFAULT_VALIDITY
    ) -> None:
        if validity <= dt.timedelta(milliseconds=ttl_ms):
            raise ValueError("a status list's validity must be longer than its ttl")
        self.engine = engine
        self.origin = origin.rstrip("/")
        self.ttl_ms = ttl_ms
        self.validity = validity
        self._secret = secret
        self._permutations: dict[tuple[str, int], IndexPermutation] = {}
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.list_lock = list_lock  # (engine, purpose, number) → the list's lock, held while it is signed and stored

    # --- allocation ------------------------------------------------------------------------------

    def _permutation(self, purpose: str, number: int) -> IndexPermutation:
        key = (purpose, number)
        permutation = self._permutations.get(key)
        if permutation is None:
            permutation = self._permutations[key] = IndexPermutation(_permutation_key(self._secret, purpose, number), LIST_SIZE)
        return permutation

    def _position(self, purpose: str, counter: int) -> tuple[int, int]:
        number, offset = divmod(counter, LIST_SIZE)
        return number, self._permutation(purpose, number).permute(offset)

    def _positions(self, purpose: str, first: int, count: int) -> list[tuple[int, int]]:
        """The (list, bit) of counters ``first`` … ``first + count - 1``, a list's at a time (from
        the list's whole permutation, computed once, for a large allocation: ``IndexPermutation.span``)."""
        out: list[tuple[int, int]] = []
        counter, end = first, first + count
        while counter < end:
            number, offset = divmod(counter, LIST_SIZE)
            upto = min(end, (number + 1) * LIST_SIZE)
            permutation = self._permutation(purpose, number)
            stop = offset + upto - counter
            bits = permutation.span(offset, stop) if stop - offset >= WHOLE_LIST_FROM else permutation.permute_many(range(offset, stop))
            out += zip(repeat(number, len(bits)), bits, strict=True)
            counter = upto
        return out

    def _insert_ignore(self, session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            session.execute(pg_insert(table).on_conflict_do_nothing(), rows)
        elif dialect == "sqlite":
            session.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)
        else:  # pragma: no cover - other databases: plain insert inside the same transaction
            session.execute(insert(table), rows)

    def _insert_entries(self, session: Session, rows: list[tuple[str, str, int, int, bool]]) -> None:
        """New status entries (credential id, purpose, list, bit, value) as the driver's own
        ``executemany`` of plain tuples (PostgreSQL: ``COPY``): no ORM or per-row parameter
        processing for 1.6 M rows. Rows in primary-key order fill the table's B-tree a page after
        the other instead of touching a random page per (random, uuid) credential id."""
        table = StatusEntryRow.__tablename__
        connection = session.connection()
        if self.engine.dialect.name == "postgresql" and self.engine.dialect.driver == "psycopg":  # COPY: several times executemany's speed
            driver: Any = connection.connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(f"COPY {table} (credential_id, purpose, list_number, bit, value) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        statement = f"INSERT INTO {table} (credential_id, purpose, list_number, bit, value) VALUES ({', '.join([self._marker()] * 5)})"
        for start in range(0, len(rows), 20_000):
            connection.exec_driver_sql(statement, rows[start : start + 20_000])

    def allocate(self, credential_ids: Sequence[str], purposes: Sequence[Purpose] = PURPOSES) -> dict[str, dict[str, tuple[int, int]]]:
        """A (list, bit) per credential and purpose, allocated once, in a transaction of its own: ids
        already allocated keep theirs (an import allocates in its own transaction: :meth:`attach_in`).

        Returns:
            credential id → purpose → (list number, bit index).

        Raises:
            ArchiveError: ``archive.status`` when the database refuses.
        """
        try:
            with self._sessions.begin() as session, self._page_cache(session):
                return self._allocate(session, credential_ids, purposes)
        except SQLAlchemyError as err:
            raise ArchiveError(f"status indexes could not be allocated: {err}", code="archive.status") from err

    def _counters(self, session: Session, purpose: str, count: int) -> int:
        """Take ``count`` counters of ``purpose`` in ``session`` (its row locked until it ends); the first one."""
        self._insert_ignore(session, StatusCounter, [{"purpose": purpose, "next": 0}])
        end = session.execute(
            update(StatusCounter).where(StatusCounter.purpose == purpose).values(next=StatusCounter.next + count).returning(StatusCounter.next)
        ).scalar_one()
        return int(end) - count

    def reserve(self, count: int, purposes: Sequence[Purpose] = PURPOSES) -> Reservation:
        """Take ``count`` counters of each purpose now, in a short transaction of its own, for an
        import to allocate from in its long one (:meth:`attach_in`) without holding the counters'
        rows locked meanwhile (on PostgreSQL another allocation would wait for the whole import).
        What the import does not use, or all of it if the import fails, is never handed out: bits
        no credential has, as in a list not yet full (the lists of the range are created now, so
        a failed import may leave one that holds no credential, published empty).

        Raises:
            ArchiveError: ``archive.status`` when the database refuses.
        """
        try:
            with self._sessions.begin() as session:
                first: dict[str, int] = {purpose: self._counters(session, purpose, count) for purpose in purposes}
                numbers = [(p, n) for p, start in first.items() for n in range(start // LIST_SIZE, (start + count - 1) // LIST_SIZE + 1)]
                # the lists' rows too: inserted by the import, another allocation into the same list would wait for it
                self._insert_ignore(session, StatusListRow, [{"purpose": p, "number": n, "revision": 1, "published_revision": 0} for p, n in numbers])
                return Reservation(first, count)
        except SQLAlchemyError as err:
            raise ArchiveError(f"status indexes could not be reserved: {err}", code="archive.status") from err

    def _allocate(
        self, session: Session, credential_ids: Sequence[str], purposes: Sequence[Purpose], reserved: Reservation | None = None
    ) -> dict[str, dict[str, tuple[int, int]]]:
        result: dict[str, dict[str, tuple[int, int]]] = {cid: {} for cid in credential_ids}
        every = list(credential_ids)
        every_sorted: list[int] = []  # the indexes of ``every`` in id order, once for all purposes
        known = self._existing(session, credential_ids)
        for purpose in purposes:
            fresh: list[str] = every if not known else []
            for cid in credential_ids if known else ():
                position = known.get((cid, purpose))
                if position is None:
                    fresh.append(cid)
                else:
                    result[cid][purpose] = position
            if not fresh:
                continue
            first = reserved.take(purpose, len(fresh)) if reserved is not None else self._counters(session, purpose, len(fresh))
            positions = self._positions(purpose, first, len(fresh))
            for cid, position in zip(fresh, positions, strict=True):
                result[cid][purpose] = position
            # written in primary-key order: the table's pages filled one after the other
            if fresh is every:
                every_sorted = every_sorted or sorted(range(len(every)), key=every.__getitem__)
                order = every_sorted
            else:
                order = sorted(range(len(fresh)), key=fresh.__getitem__)
            self._insert_entries(
                session,
                [(cid, purpose, number, bit, False) for cid, (number, bit) in zip(map(fresh.__getitem__, order), map(positions.__getitem__, order), strict=True)],
            )
            numbers = sorted({number for number, _ in positions})
            self._insert_ignore(
                session, StatusListRow, [{"purpose": purpose, "number": n, "revision": 1, "published_revision": 0} for n in numbers]
            )
        return result

    @contextmanager
    def _page_cache(self, session: Session) -> Iterator[None]:
        """On SQLite, a page cache of :data:`ALLOCATION_CACHE_KIB` on the session's connection for
        the block (a national session's entries do not fit the default 2 MB), then the one before."""
        if self.engine.dialect.name != "sqlite":
            yield
            return
        connection = session.connection()
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{ALLOCATION_CACHE_KIB}")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")

    def _marker(self) -> str:
        return "?" if self.engine.dialect.paramstyle in ("qmark", "numeric") else "%s"

    def _existing(self, session: Session, ids: Sequence[str]) -> dict[tuple[str, str], tuple[int, int]]:
        """(credential id, purpose) → (list, bit) of the entries ``ids`` already have (the driver's
        own queries, 500 ids each: no statement compiled per chunk)."""
        found: dict[tuple[str, str], tuple[int, int]] = {}
        connection = session.connection()
        table = StatusEntryRow.__tablename__
        for start in range(0, len(ids), 500):
            chunk = tuple(ids[start : start + 500])
            statement = f"SELECT credential_id, purpose, list_number, bit FROM {table} WHERE credential_id IN ({', '.join([self._marker()] * len(chunk))})"
            for cid, purpose, number, bit in connection.exec_driver_sql(statement, chunk):
                found[(cid, purpose)] = (number, bit)
        return found

    def attach(self, planned: Sequence[PlannedCredential], purposes: Sequence[Purpose] = PURPOSES) -> list[PlannedCredential]:
        """``planned`` with a ``credentialStatus`` (one entry per purpose, §2.1) in each document."""
        return self._attach(planned, self.allocate([c.id for c in planned], purposes), purposes)

    def attach_in(self, session: Session, planned: Sequence[PlannedCredential], reserved: Reservation) -> list[PlannedCredential]:
        """:meth:`attach`, allocating in ``session`` from ``reserved`` (:meth:`reserve`): an import's
        transaction, a chunk of its credentials at a time (``Archive.record_import``'s ``prepare``;
        its ``setup`` is :meth:`allocation_cache`). Ids already allocated keep theirs, as ever.

        Raises:
            ArchiveError: ``archive.status`` when the database refuses, or more is asked than reserved.
        """
        try:
            positions = self._allocate(session, [c.id for c in planned], PURPOSES, reserved)
        except SQLAlchemyError as err:
            raise ArchiveError(f"status indexes could not be allocated: {err}", code="archive.status") from err
        return self._attach(planned, positions, PURPOSES)

    def allocation_cache(self, session: Session) -> AbstractContextManager[None]:
        """The larger SQLite page cache of an allocation, on ``session``'s connection for the block."""
        return self._page_cache(session)

    def _attach(
        self, planned: Sequence[PlannedCredential], positions: dict[str, dict[str, tuple[int, int]]], purposes: Sequence[Purpose]
    ) -> list[PlannedCredential]:
        attached = []
        for credential in planned:
            entries = [status_entry(self.origin, p, *positions[credential.id][p]) for p in purposes]
            document = {**credential.document, "credentialStatus": entries}
            attached.append(replace(credential, document=document))
        return attached

    # --- changes ---------------------------------------------------------------------------------

    def set_status(
        self,
        credential_id: str,
        purpose: Purpose,
        value: bool,
        *,
        reason: str | None,
        at: dt.datetime,
        session: Session | None = None,
    ) -> StatusChange:
        """Set one credential's bit and mark its list pending, in one transaction.

        Args:
            session: an open transaction to join (e.g. with the audit record); a new one otherwise.

        Raises:
            ArchiveError: ``status.unknown`` when the credential has no entry of that purpose.
        """
        if session is None:
            with self._sessions.begin() as own:
                return self.set_status(credential_id, purpose, value, reason=reason, at=at, session=own)
        row = session.execute(
            select(StatusEntryRow)
            .where(StatusEntryRow.credential_id == credential_id, StatusEntryRow.purpose == purpose)
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise ArchiveError(f"credential {credential_id} has no {purpose} status entry", code="status.unknown")
        changed = bool(row.value) != value
        if changed:
            session.execute(
                update(StatusEntryRow)
                .where(StatusEntryRow.credential_id == credential_id, StatusEntryRow.purpose == purpose)
                .values(value=value, reason=reason, changed_at=at)
            )
            session.execute(
                update(StatusListRow)
                .where(StatusListRow.purpose == purpose, StatusListRow.number == row.list_number)
                .values(revision=StatusListRow.revision + 1)
            )
        return StatusChange(credential_id, purpose, value, changed, row.list_number, row.bit)

    def begin(self) -> Any:
        """A transaction on the archive database (context manager yielding a Session)."""
        return self._sessions.begin()

    def status_of(self, credential_id: str) -> dict[str, bool]:
        """purpose → bit value for one credential (empty when it has no entry)."""
        with self._sessions() as session:
            rows = session.execute(
                select(StatusEntryRow.purpose, StatusEntryRow.value).where(StatusEntryRow.credential_id == credential_id)
            ).all()
        return {purpose: bool(value) for purpose, value in rows}

    # --- publication -----------------------------------------------------------------------------

    def pending_lists(self) -> list[tuple[str, int, int]]:
        """(purpose, number, revision) of every list whose published credential is behind."""
        with self._sessions() as session:
            rows = session.execute(
                select(StatusListRow.purpose, StatusListRow.number, StatusListRow.revision)
                .where(StatusListRow.revision > StatusListRow.published_revision)
                .order_by(StatusListRow.purpose, StatusListRow.number)
            ).all()
        return [(p, n, r) for p, n, r in rows]

    def due_lists(self, now: dt.datetime, lists: Sequence[tuple[str, int]] | None = None) -> list[tuple[str, int, int, dt.datetime | None]]:
        """(purpose, number, revision, validFrom of the stored list) of every list to sign at ``now``
        (of ``lists`` only, when given): those with pending changes, and those whose window is half
        gone (or that have none)."""
        renew_before = now + self.validity / 2
        with self._sessions() as session:
            rows = session.execute(
                select(StatusListRow.purpose, StatusListRow.number, StatusListRow.revision, StatusListRow.valid_from)
                .where(
                    or_(
                        StatusListRow.revision > StatusListRow.published_revision,
                        StatusListRow.valid_until.is_(None),
                        StatusListRow.valid_until <= renew_before,
                    )
                )
                .order_by(StatusListRow.purpose, StatusListRow.number)
            ).all()
        wanted = None if lists is None else set(lists)
        return [(p, n, r, f) for p, n, r, f in rows if wanted is None or (p, n) in wanted]

    def _still_due(self, purpose: str, number: int, now: dt.datetime) -> tuple[int, dt.datetime | None] | None:
        """(revision, validFrom of the stored list) of one list if it is still to sign at ``now``,
        read afresh (under its lock: another publisher may have signed it meanwhile), else None."""
        with self._sessions() as session:
            row = session.execute(
                select(StatusListRow.revision, StatusListRow.published_revision, StatusListRow.valid_from, StatusListRow.valid_until)
                .where(StatusListRow.purpose == purpose, StatusListRow.number == number)
            ).one_or_none()
        if row is None:
            return None
        revision, published, valid_from, valid_until = row
        if revision > published or valid_until is None or valid_until <= now + self.validity / 2:
            return revision, valid_from
        return None

    def bits(self, purpose: str, number: int) -> Bitstring:
        return self.bits_of([(purpose, number)])[(purpose, number)]

    def bits_of(self, lists: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Bitstring]:
        """The bits of several lists, read in one query per purpose."""
        found = {key: Bitstring(LIST_SIZE) for key in lists}
        numbers: dict[str, list[int]] = {}
        for purpose, number in lists:
            numbers.setdefault(purpose, []).append(number)
        with self._sessions() as session:
            connection = session.connection()
            for purpose, wanted in numbers.items():
                marks = ", ".join([self._marker()] * len(wanted))
                statement = f"SELECT list_number, bit FROM {StatusEntryRow.__tablename__} WHERE purpose = {self._marker()} AND list_number IN ({marks}) AND {SET_BITS}"
                for number, bit in connection.exec_driver_sql(statement, (purpose, *wanted)):
                    found[(purpose, number)].set(bit, True)
        return found

    def publish(
        self,
        signer: Signer,
        *,
        issuer: str,
        now: Callable[[], dt.datetime],
        extra_contexts: tuple[str, ...] = (),
        progress: Callable[[int, int], None] | None = None,
        concurrency: int = 4,
        lists: Sequence[tuple[str, int]] | None = None,
    ) -> list[tuple[str, int]]:
        """Re-sign every list with pending changes (changes are batched per list), and every list
        whose validity window is half gone, even unchanged; no other (and only those of ``lists``,
        when given: one publish task per list, :mod:`shahada.workers.publication`).

        Each list is signed and stored under its lock (:func:`~shahada.issuer.archive.locks.list_lock`),
        after reading it again: two publishers never sign one list at once, and the second finds
        it published and signs nothing. The revision is read *before* the bits: a change committed
        while signing leaves the list pending, for the next call. Each new list's ``validFrom`` is
        later than the stored one's, and a list is stored only over an older revision or an older
        ``validFrom`` of the same revision, so no older list is ever put back. The bits of every
        due list are read in one query per purpose (again, for one list, if its revision moved
        before its lock was taken), and up to ``concurrency`` lists are signed at once (the signer
        must allow it, as the agent does). Returns the (purpose, number) lists published, in order;
        ``progress`` is called with (lists done, lists due) after each one.
        """
        due = self.due_lists(now(), lists)
        if not due:
            return []
        bits = self.bits_of([(purpose, number) for purpose, number, _, _ in due])

        def sign(item: tuple[str, int, int, dt.datetime | None]) -> tuple[str, int] | None:
            purpose, number, revision, _ = item
            with self.list_lock(self.engine, purpose, number):
                fresh = self._still_due(purpose, number, now())
                if fresh is None:
                    return None  # another publisher signed it while this one waited
                current, previous = fresh
                listed = bits[(purpose, number)] if current == revision else self.bits(purpose, number)
                url = list_url(self.origin, purpose, number)  # type: ignore[arg-type]
                moment = now().astimezone(dt.UTC)
                valid_from = moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # validFrom carries milliseconds
                if previous is not None and valid_from <= previous:
                    valid_from = previous + dt.timedelta(milliseconds=1)  # strictly newer than what verifiers may have seen
                valid_until = valid_from + self.validity
                unsigned = list_credential(
                    url=url, issuer=issuer, purpose=purpose, bits=listed, valid_from=valid_from, valid_until=valid_until,  # type: ignore[arg-type]
                    ttl_ms=self.ttl_ms, extra_contexts=extra_contexts,
                )
                self._store_list(purpose, number, current, signer.sign(unsigned), valid_from, valid_until, now())
            return purpose, number

        published: list[tuple[str, int]] = []
        with ThreadPoolExecutor(max(1, min(concurrency, len(due))), thread_name_prefix="shahada-status-sign") as pool:
            for done, stored in enumerate(pool.map(sign, due), start=1):
                if stored is not None:
                    published.append(stored)
                if progress is not None:
                    progress(done, len(due))
        return published

    def _store_list(
        self, purpose: str, number: int, revision: int, signed: dict[str, Any], valid_from: dt.datetime, valid_until: dt.datetime, at: dt.datetime
    ) -> None:
        body = json.dumps(signed, ensure_ascii=False, sort_keys=True)
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
        with self._sessions.begin() as session:
            session.execute(
                update(StatusListRow)
                .where(
                    StatusListRow.purpose == purpose,
                    StatusListRow.number == number,
                    or_(
                        StatusListRow.published_revision < revision,
                        and_(
                            StatusListRow.published_revision == revision,
                            or_(StatusListRow.valid_from.is_(None), StatusListRow.valid_from < valid_from),
                        ),
                    ),
                )
                .values(
                    document=body, etag=etag, published_revision=revision, published_at=at,
                    valid_from=valid_from, valid_until=valid_until,
                )
            )

    def publish_registry(self, sign: RecordSigner, *, issuer: str, now: Callable[[], dt.datetime], batch: int = 500) -> int:
        """Sign the registry record of every issued credential that has none (new, or whose record
        changed), ``batch`` at a time; returns how many were signed. Resumable like :meth:`publish`:
        what a killed run signed is stored, the rest is signed by the next call."""
        from shahada.issuer.archive.store import ISSUED, CredentialRow
        from shahada.issuer.rectification import Supersession  # rectification builds on this module

        signed = 0
        after = ""  # the pages go on from the last id seen: restarting from the first each time read every recorded row again
        while True:
            with self._sessions() as session:
                rows = session.execute(
                    select(CredentialRow.id, CredentialRow.record_digest)
                    .outerjoin(RegistryRecordRow, RegistryRecordRow.credential_id == CredentialRow.id)
                    .where(CredentialRow.id > after, CredentialRow.status == ISSUED, RegistryRecordRow.credential_id.is_(None))
                    .order_by(CredentialRow.id)
                    .limit(batch)
                ).all()
                ids = [cid for cid, _ in rows]
                entries: dict[str, list[dict[str, str]]] = {cid: [] for cid in ids}
                for cid, purpose, number, bit in session.execute(
                    select(StatusEntryRow.credential_id, StatusEntryRow.purpose, StatusEntryRow.list_number, StatusEntryRow.bit)
                    .where(StatusEntryRow.credential_id.in_(ids))
                    .order_by(StatusEntryRow.credential_id, StatusEntryRow.purpose)
                ):
                    entries[cid].append(status_entry(self.origin, purpose, number, bit))  # type: ignore[arg-type]
                replaced = {
                    old: new
                    for old, new in session.execute(
                        select(Supersession.old_id, Supersession.new_id).where(Supersession.old_id.in_(ids), Supersession.applied.is_(True))
                    )
                }
            if not rows:
                return signed
            records: list[dict[str, Any]] = []
            for cid, digest in rows:
                record: dict[str, Any] = {
                    "type": RECORD_TYPE, "issuer": issuer, "id": cid, "recordDigest": digest, "credentialStatus": entries[cid],
                }
                if cid in replaced:
                    record["supersededBy"] = replaced[cid]
                records.append(record)
            signatures = sign(records)
            with self._sessions.begin() as session:
                self._insert_ignore(
                    session, RegistryRecordRow, [{"credential_id": r["id"], "jws": j, "signed_at": now()} for r, j in zip(records, signatures, strict=True)]
                )
            signed += len(records)
            after = rows[-1][0]

    def forget_registry_record(self, session: Session, credential_id: str) -> None:
        """Drop a credential's signed record inside ``session`` (its record changed): the next
        :meth:`publish_registry` signs the new one."""
        session.execute(delete(RegistryRecordRow).where(RegistryRecordRow.credential_id == credential_id))

    def published(self, purpose: str, number: int) -> PublishedList | None:
        """The signed list as last published, or None (never published, or no such list)."""
        with self._sessions() as session:
            row = session.execute(
                select(StatusListRow.document, StatusListRow.etag).where(StatusListRow.purpose == purpose, StatusListRow.number == number)
            ).one_or_none()
        if row is None or row[0] is None:
            return None
        return PublishedList(body=row[0], etag=row[1] or "", ttl_ms=self.ttl_ms)

    def registry_entry(self, credential_id: str) -> dict[str, Any] | None:
        """The public registry's answer for one credential (see :func:`registry_entry`)."""
        return registry_entry(self, credential_id)

    def list_sizes(self) -> list[tuple[str, int, int]]:
        """(purpose, number, bytes of the signed list credential) of every published list."""
        with self._sessions() as session:
            rows = session.execute(select(StatusListRow.purpose, StatusListRow.number, StatusListRow.document)).all()
        return [(p, n, len(d.encode())) for p, n, d in rows if d is not None]


@functools.cache
def _registry_query() -> Select[str, str, str, bool, dt.datetime | None, str, str]:
    """One credential's registry answer in one query: its row, each status entry (a row each), its
    applied supersession and its signed record (outer joins); built once, a bound parameter."""
    from shahada.issuer.archive.store import CredentialRow
    from shahada.issuer.rectification import Supersession  # rectification builds on this module

    return (
        select(
            CredentialRow.status, CredentialRow.record_digest, StatusEntryRow.purpose, StatusEntryRow.value, StatusEntryRow.changed_at,
            Supersession.new_id, RegistryRecordRow.jws,
        )
        .select_from(CredentialRow)
        .outerjoin(StatusEntryRow, StatusEntryRow.credential_id == CredentialRow.id)
        .outerjoin(Supersession, and_(Supersession.old_id == CredentialRow.id, Supersession.applied.is_(True)))
        .outerjoin(RegistryRecordRow, RegistryRecordRow.credential_id == CredentialRow.id)
        .where(CredentialRow.id == bindparam("credential_id"))
    )


def registry_entry(engine_store: StatusStore, credential_id: str) -> dict[str, Any] | None:
    """What the public registry says of one issued credential: status and record digest. One
    plain query (no ORM session): a served verifier asks this for every seal."""
    from shahada.issuer.archive.store import ISSUED

    with engine_store.engine.connect() as connection:
        rows = connection.execute(_registry_query(), {"credential_id": credential_id}).all()
    if not rows or rows[0][0] != ISSUED:
        return None
    since = {purpose: changed for _, _, purpose, value, changed, _, _ in rows if purpose is not None and value}
    _, digest, _, _, _, replacement, signed = rows[0]
    purpose = "revocation" if "revocation" in since else "suspension" if "suspension" in since else None
    state = {"revocation": "revoked", "suspension": "suspended", None: "valid"}[purpose]
    entry: dict[str, Any] = {"id": credential_id, "status": state, "recordDigest": digest}
    changed_at = since.get(purpose) if purpose is not None else None
    if changed_at is not None:
        entry["since"] = changed_at.astimezone(dt.UTC).date().isoformat()  # the day, never the reason
    if replacement is not None:
        entry["supersededBy"] = replacement
    if signed is not None:
        entry["record"] = signed  # what a verifier relies on: the other members are a readable summary
    return entry
