"""Verification traffic: how many verifications of each kind ended in each verdict, per UTC day,
and why those that failed failed — counts only, for the staff console's dashboard.

A count is keyed by (day, kind, verdict, code): ``kind`` is what was verified (``credential``,
``presentation``, ``seal``, ``pdf``, ``photo``, ``share``, ``lookup``), ``verdict`` the one verdict
(:mod:`shahada.verifier.verdict`; a look-up's status; ``error`` for a request refused with an error
code), ``code`` the first failed check's stable code ("" when nothing failed). No document, no
number, no name, no address, no time finer than the day: nothing that tells who verified what.

:class:`Traffic` counts in memory (a dict under a lock: a request pays one dictionary update, and
:meth:`Traffic.record` never raises). With a ``sink`` — :func:`database_sink`, the archive's
``verification_counts`` table (migration 0007) — a daemon thread writes the pending counts every
``interval`` seconds in one transaction (adding them to the stored ones), and :meth:`Traffic.close`
writes the last ones; a failed write keeps them for the next try (at most ``max_keys`` keys, so a
database that is away for long costs bounded memory and loses counts rather than requests).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Final, NamedTuple

from sqlalchemy import Date, Integer, String, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from shahada.common.db import Base

__all__ = ["KINDS", "CountKey", "Traffic", "TrafficSink", "VerificationCount", "database_sink"]

LOGGER = logging.getLogger(__name__)
KINDS: Final = ("credential", "presentation", "seal", "pdf", "photo", "share", "lookup")
MAX_KEYS: Final = 10_000
FLUSH_SECONDS: Final = 10.0


class VerificationCount(Base):
    """Counts of verifications per day, kind, verdict and failure code (migration 0007)."""

    __tablename__ = "verification_counts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class CountKey(NamedTuple):
    day: dt.date
    kind: str
    verdict: str
    code: str


TrafficSink = Callable[[Mapping[CountKey, int]], None]


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class Traffic:
    """Counts of verifications, in memory, written to ``sink`` in batches (see the module
    docstring). ``totals()`` is everything counted since the start, for the metrics endpoint."""

    def __init__(
        self, *, sink: TrafficSink | None = None, interval: float = FLUSH_SECONDS, max_keys: int = MAX_KEYS, today: Callable[[], dt.date] = _utc_today
    ) -> None:
        self.sink = sink
        self.interval = interval
        self.max_keys = max_keys
        self.today = today
        self.started = dt.datetime.now(dt.UTC)
        self._lock = threading.Lock()
        self._pending: dict[CountKey, int] = {}
        self._totals: dict[CountKey, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, kind: str, verdict: str, code: str = "") -> None:
        """Count one verification. Never raises: counting must not fail a request."""
        try:
            key = CountKey(self.today(), kind[:16], verdict[:16], code[:64])
            with self._lock:
                for counts in (self._totals, self._pending) if self.sink is not None else (self._totals,):
                    if key in counts or len(counts) < self.max_keys:
                        counts[key] = counts.get(key, 0) + 1
                if self.sink is not None and self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="shahada-traffic", daemon=True)
                    self._thread.start()
        except Exception:  # a counter is never worth a failed verification
            LOGGER.exception("verification not counted")

    def totals(self) -> dict[CountKey, int]:
        with self._lock:
            return dict(self._totals)

    def flush(self) -> bool:
        """Write the pending counts to the sink; False (and the counts kept) if it failed."""
        if self.sink is None:
            return True
        with self._lock:
            batch, self._pending = self._pending, {}
        if not batch:
            return True
        try:
            self.sink(batch)
        except Exception:
            LOGGER.warning("verification counts not written; kept for the next try", exc_info=True)
            with self._lock:
                for key, n in batch.items():
                    if key in self._pending or len(self._pending) < self.max_keys:
                        self._pending[key] = self._pending.get(key, 0) + n
            return False
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush()

    def close(self) -> None:
        """Stop the writer and write what is pending."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=self.interval + 5)
        self.flush()


def database_sink(engine: Engine) -> TrafficSink:
    """Adds a batch of counts to ``verification_counts`` in one transaction (an upsert on
    PostgreSQL and SQLite, a read-then-write elsewhere)."""

    def write(batch: Mapping[CountKey, int]) -> None:
        rows = [{"day": k.day, "kind": k.kind, "verdict": k.verdict, "code": k.code, "count": n} for k, n in batch.items()]
        with Session(engine) as session, session.begin():
            name = engine.dialect.name
            if name in ("postgresql", "sqlite"):
                insert = postgresql.insert(VerificationCount) if name == "postgresql" else sqlite.insert(VerificationCount)
                statement = insert.on_conflict_do_update(
                    index_elements=["day", "kind", "verdict", "code"], set_={"count": VerificationCount.count + insert.excluded["count"]}
                )
                session.execute(statement, rows)
                return
            for row in rows:
                _add_one(session, row)

    return write


def _add_one(session: Session, row: Mapping[str, object]) -> None:
    keys = [VerificationCount.day == row["day"], VerificationCount.kind == row["kind"], VerificationCount.verdict == row["verdict"], VerificationCount.code == row["code"]]
    if session.execute(select(VerificationCount.count).where(*keys)).first() is None:
        session.add(VerificationCount(**row))
    else:
        session.execute(update(VerificationCount).where(*keys).values(count=VerificationCount.count + row["count"]))


def as_rows(counts: Mapping[CountKey, int]) -> Iterable[dict[str, object]]:
    """Counts as JSON rows, by day then kind."""
    for key in sorted(counts):
        yield {"day": key.day.isoformat(), "kind": key.kind, "verdict": key.verdict, "code": key.code, "count": counts[key]}
