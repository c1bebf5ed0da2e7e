"""A lock per status list, so that one publisher at a time re-signs a given list (issue 14: "never
two signers racing on one list"), whichever process or machine it runs on.

- PostgreSQL: a session-level advisory lock (``pg_advisory_lock``) on a connection of its own,
  keyed by the list; released when the publication is stored, or by the server when the
  publisher's connection dies (a killed worker never leaves a list locked).
- SQLite (one machine, the embedded path): a lock in this process per database and list; several
  processes on one SQLite file are not a supported deployment of distributed publication.

Holding the lock is not enough by itself: a publisher must re-read the list once it holds it
(another may have published it meanwhile), which :meth:`shahada.issuer.archive.status.StatusStore.publish` does.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine

_local: dict[tuple[str, str, int], threading.Lock] = {}
_local_guard = threading.Lock()


def advisory_key(purpose: str, number: int) -> int:
    """The list's advisory lock key: a signed 64-bit integer from a hash of its name (its own
    namespace, so that other users of advisory locks on the database do not collide)."""
    digest = hashlib.sha256(f"shahada-status-list|{purpose}|{number}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _local_lock(engine: Engine, purpose: str, number: int) -> threading.Lock:
    key = (engine.url.render_as_string(hide_password=True), purpose, number)
    with _local_guard:
        lock = _local.get(key)
        if lock is None:
            lock = _local[key] = threading.Lock()
        return lock


@contextmanager
def list_lock(engine: Engine, purpose: str, number: int) -> Iterator[None]:
    """Hold the lock of status list ``purpose``/``number`` of the archive ``engine`` (blocking)."""
    if engine.dialect.name != "postgresql":
        with _local_lock(engine, purpose, number):
            yield
        return
    key = advisory_key(purpose, number)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()  # no transaction left open while the list is signed
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()
