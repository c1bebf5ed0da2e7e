"""Where the verifier's OpenID4VP requests are kept between the calls of a wallet and a page.

- :class:`MemoryRequests`: in this process (one process serving the verifier);
- :class:`DatabaseRequests`: in the archive's database (table ``oid4vp_requests``, migration
  0007), so that every process of ``shahada serve verifier --processes N`` answers every call.

A request is answered once: :meth:`claim` moves it from ``pending`` to ``answering`` atomically
(a conditional UPDATE in the database), :meth:`finish` stores the verification (and the
presentation, which another process's page verifies again to show it), :meth:`release` gives it
back when the verification itself failed.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Boolean, Engine, String, Text, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from shahada.common.db import Base, UTCDateTime

__all__ = ["DatabaseRequests", "MemoryRequests", "Pending", "RequestStore"]


@dataclass
class Pending:
    nonce: str
    state: str
    transcript: bool
    created: float  # seconds since the epoch
    result: dict[str, Any] | None = None
    presentation: dict[str, Any] | None = None
    report: Any = None  # the Report, when this process verified it


class RequestStore(Protocol):
    shared: bool  # whether other processes see the requests (then nonces are not this process's challenges)

    def add(self, request_id: str, pending: Pending, *, limit: int, ttl: float) -> bool: ...
    def get(self, request_id: str, *, ttl: float) -> Pending | None: ...
    def claim(self, request_id: str) -> bool: ...
    def release(self, request_id: str) -> None: ...
    def finish(self, request_id: str, result: dict[str, Any], presentation: dict[str, Any], report: Any) -> None: ...


class MemoryRequests:
    """The requests of this process (see the module docstring)."""

    shared = False

    def __init__(self) -> None:
        self._pending: dict[str, Pending] = {}
        self._answering: set[str] = set()
        self._lock = threading.Lock()

    def add(self, request_id: str, pending: Pending, *, limit: int, ttl: float) -> bool:
        with self._lock:
            self._forget(time.time() - ttl)
            if len(self._pending) >= limit:
                return False
            self._pending[request_id] = pending
            return True

    def get(self, request_id: str, *, ttl: float) -> Pending | None:
        with self._lock:
            self._forget(time.time() - ttl)
            return self._pending.get(request_id)

    def claim(self, request_id: str) -> bool:
        with self._lock:
            found = self._pending.get(request_id)
            if found is None or found.result is not None or request_id in self._answering:
                return False
            self._answering.add(request_id)
            return True

    def release(self, request_id: str) -> None:
        with self._lock:
            self._answering.discard(request_id)

    def finish(self, request_id: str, result: dict[str, Any], presentation: dict[str, Any], report: Any) -> None:
        with self._lock:
            found = self._pending.get(request_id)
            if found is not None:
                found.result, found.presentation, found.report = result, presentation, report
            self._answering.discard(request_id)

    def _forget(self, before: float) -> None:
        for key in [k for k, p in self._pending.items() if p.created < before]:
            del self._pending[key]
            self._answering.discard(key)


class Oid4vpRequestRow(Base):
    __tablename__ = "oid4vp_requests"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), nullable=False)
    state: Mapped[str] = mapped_column(String(64), nullable=False)
    transcript: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    phase: Mapped[str] = mapped_column(String(12), nullable=False)  # pending | answering | answered
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    presentation: Mapped[str | None] = mapped_column(Text, nullable=True)


class DatabaseRequests:
    """The requests in the archive's database, seen by every process (see the module docstring)."""

    shared = True

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(self, request_id: str, pending: Pending, *, limit: int, ttl: float) -> bool:
        created = dt.datetime.fromtimestamp(pending.created, dt.UTC)
        with self._sessions.begin() as session:
            session.execute(delete(Oid4vpRequestRow).where(Oid4vpRequestRow.created_at < created - dt.timedelta(seconds=ttl)))
            if (session.scalar(select(func.count()).select_from(Oid4vpRequestRow)) or 0) >= limit:
                return False
            session.add(Oid4vpRequestRow(
                id=request_id, nonce=pending.nonce, state=pending.state, transcript=pending.transcript, created_at=created, phase="pending",
            ))
            return True

    def get(self, request_id: str, *, ttl: float) -> Pending | None:
        with self._sessions() as session:
            row = session.get(Oid4vpRequestRow, request_id)
        if row is None or row.created_at.timestamp() < time.time() - ttl:
            return None
        return Pending(
            row.nonce, row.state, row.transcript, row.created_at.timestamp(),
            result=json.loads(row.result) if row.result is not None else None,
            presentation=json.loads(row.presentation) if row.presentation is not None else None,
        )

    def claim(self, request_id: str) -> bool:
        return self._move(request_id, "pending", "answering")

    def release(self, request_id: str) -> None:
        self._move(request_id, "answering", "pending")

    def finish(self, request_id: str, result: dict[str, Any], presentation: dict[str, Any], report: Any) -> None:
        with self._sessions.begin() as session:
            session.execute(update(Oid4vpRequestRow).where(Oid4vpRequestRow.id == request_id).values(
                phase="answered", result=json.dumps(result, ensure_ascii=False), presentation=json.dumps(presentation, ensure_ascii=False),
            ))

    def _move(self, request_id: str, before: str, after: str) -> bool:
        with self._sessions.begin() as session:
            moved = session.execute(
                update(Oid4vpRequestRow).where(Oid4vpRequestRow.id == request_id, Oid4vpRequestRow.phase == before).values(phase=after)
            )
            return bool(moved.rowcount)  # type: ignore[attr-defined]
