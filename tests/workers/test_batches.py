"""A distributed batch (``sign_listed``) against the archive: it signs only its ids still pending,
stores them in one transaction, and a repeated delivery stores nothing; the coordinator enqueues
every pending id once per run. Pure logic: a signer that stamps a proof, a recording app."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

import pytest

from shahada.agent.errors import AgentError
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.failures import failure_of, mark_failed
from shahada.issuer.archive.store import Archive
from shahada.issuer.errors import IssuanceError
from shahada.issuer.issuance import sign_listed
from shahada.workers import tasks
from shahada.workers.coordinator import distributed_signing, enqueue_pending
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


class GivesUp:
    """A broker whose first run's first batch fails for good (as a worker marks it once its retries
    are spent); afterwards every batch is signed at once, as a worker would."""

    def __init__(self, archive: Archive) -> None:
        self.archive, self.runs, self.sent = archive, 0, 0

    def send_task(self, name: str, *, args: tuple[Any, ...], queue: str) -> None:
        import_id, ids, operator = args
        self.sent += 1
        if self.runs == 1 and self.sent == 1:
            mark_failed(self.archive.engine, import_id, ids, reason="AgentError: the agent refused", at=NOW, operator=operator)
        else:
            sign_listed(self.archive, import_id, ids, Stamp(), clock=lambda: NOW, operator=operator)


def test_a_batch_that_fails_for_good_stops_the_coordinator_and_a_rerun_retries_it(archive: Archive) -> None:
    info = record(archive, planned(6))
    broker = GivesUp(archive)
    broker.runs = 1
    sign_import = distributed_signing(broker, archive, operator="op", batch_size=2, poll=0)  # type: ignore[arg-type]
    with pytest.raises(IssuanceError) as stopped:
        sign_import(info)
    assert stopped.value.code == "issuance.batch_failed" and "AgentError: the agent refused" in stopped.value.message
    assert archive.count(import_id=info.id, status="pending") == 2  # the failed batch only: the others were signed
    failed = [e for e in AuditLog(archive.engine).entries() if e.action == "issuance.batch_failed"]
    assert len(failed) == 1 and failed[0].subject == f"import {info.id}"
    broker.runs = 2
    assert sign_import(info) == 2  # the rerun clears the mark and signs the failed batch's credentials
    assert archive.count(import_id=info.id, status="pending") == 0 and failure_of(archive.engine, info.id) is None


class Refusing:
    batch = False

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        raise AgentError("the agent refused", code="agent.error")


def test_a_sign_task_out_of_retries_marks_its_import_failed(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    info = record(archive, planned(2))
    ids = ["urn:uuid:c-00000", "urn:uuid:c-00001"]
    worker = tasks.WorkerInstallation(archive, Refusing(), AuditLog(archive.engine), ExitStack())  # type: ignore[arg-type]
    monkeypatch.setattr(tasks, "_opened", worker)
    monkeypatch.setattr(tasks.sign, "max_retries", 2)
    result = tasks.sign.apply(args=(info.id, ids, "op"))  # eagerly, its retries included
    assert result.failed()
    failure = failure_of(archive.engine, info.id)
    assert failure is not None and failure.reason == "AgentError: the agent refused" and failure.batch == "2 credential(s) from urn:uuid:c-00000"
    assert archive.count(import_id=info.id, status="pending") == 2
