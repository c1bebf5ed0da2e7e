"""A distributed batch (``sign_listed``) against the archive: it signs only its ids still pending,
stores them in one transaction, and a repeated delivery stores nothing; the coordinator enqueues
every pending id once per run. Pure logic: a signer that stamps a proof, a recording app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.store import Archive
from shahada.issuer.issuance import sign_listed
from shahada.workers.coordinator import enqueue_pending
from tests.issuer.test_archive import NOW, archive, planned, record

__all__ = ["archive"]  # the fixture (SQLite and PostgreSQL)


class Stamp:
    batch = True

    def __init__(self) -> None:
        self.signed: list[str] = []

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        return self.sign_batch([credential])[0]

    def sign_batch(self, credentials: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        self.signed += [c["id"] for c in credentials]
        return [{**c, "proof": {"by": "stamp"}} for c in credentials]


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple[Any, ...], str]] = []

    def send_task(self, name: str, *, args: tuple[Any, ...], queue: str) -> None:
        self.sent.append((name, args, queue))


def test_a_batch_signs_only_its_pending_ids_once(archive: Archive) -> None:
    info = record(archive, planned(6))
    ids = [f"urn:uuid:c-{i:05d}" for i in range(6)]
    signer, audit = Stamp(), AuditLog(archive.engine)
    assert sign_listed(archive, info.id, ids[:4], signer, clock=lambda: NOW, audit=audit, operator="w1") == 4
    # delivered again (a worker died after committing), and overlapping another batch: only the new ones
    assert sign_listed(archive, info.id, ids[:4], signer, clock=lambda: NOW, audit=audit, operator="w2") == 0
    assert sign_listed(archive, info.id, ids[2:], signer, clock=lambda: NOW, audit=audit, operator="w2") == 2
    assert signer.signed == ids  # nothing sent to the agent twice once it was stored
    assert archive.count(import_id=info.id, status="pending") == 0
    assert all(c.document["proof"] == {"by": "stamp"} for c in archive.credentials(import_id=info.id))


def test_the_coordinator_enqueues_the_pending_ids_in_batches(archive: Archive) -> None:
    info = record(archive, planned(5))
    sign_listed(archive, info.id, ["urn:uuid:c-00001"], Stamp(), clock=lambda: NOW)
    app = Recorder()
    assert enqueue_pending(app, archive, info.id, operator="op", batch_size=2) == 2  # type: ignore[arg-type]
    assert app.sent == [
        ("shahada.sign", (info.id, ["urn:uuid:c-00000", "urn:uuid:c-00002"], "op"), "sign"),
        ("shahada.sign", (info.id, ["urn:uuid:c-00003", "urn:uuid:c-00004"], "op"), "sign"),
    ]
