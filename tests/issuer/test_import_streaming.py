"""An import keeps no credential for the whole run (issue 13): the archive writes the credentials as
they come, a chunk at a time, in its one transaction; a plan keeps counts and changes, and builds its
new credentials again from the file when they are read. On SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from shahada.database import open_archive
from shahada.issuer import rectification
from shahada.issuer.archive import store
from shahada.issuer.archive.audit import AuditLog, records_sha256, sorted_records_sha256
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive, PlannedCredential
from shahada.issuer.errors import ArchiveError
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.rectification import NewCredentials, record_plan
from shahada.issuer.usecases import plan_issue
from shahada.schemas.reference import bundled_reference
from tests.support.archives import migrated_sqlite

NOW = dt.datetime(2025, 7, 10, 12, 0, tzinfo=dt.UTC)
SECRET = b"streaming-id-secret-" * 2
DID = "did:web:diplomes.men.gov.ma"
SUITE = "eddsa-rdfc-2022"


def planned(ids: list[str]) -> list[PlannedCredential]:
    return [
        PlannedCredential(
            id=cid, kind="transcript", session_kind="normale", massar=f"R{i:09d}", academy="RSK", document_number=f"BAC-S-{i:05d}",
            record_digest=f"{i:064x}", document={"id": cid, "name": "é ع"},
        )
        for i, cid in enumerate(ids)
    ]


@pytest.fixture(params=["sqlite", "postgres"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Archive:
    url = migrated_sqlite(tmp_path / "archive.sqlite3") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    arch = open_archive(url)
    request.addfinalizer(arch.close)
    return arch


def _record(archive: Archive, credentials: object, **extra: object) -> store.ImportInfo:
    return archive.record_import(
        session_year=2025, filename="pv.csv", file_sha256="c" * 64, operator="op", imported_at=NOW, record_count=0,
        credentials=credentials, **extra,  # type: ignore[arg-type]
    )


def test_an_import_reads_its_credentials_a_chunk_at_a_time(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "IMPORT_CHUNK", 10)
    produced = 0
    seen: list[tuple[int, int]] = []  # (credentials produced so far, chunk size) when each chunk is written

    def stream() -> Iterator[PlannedCredential]:
        nonlocal produced
        for credential in planned([f"urn:uuid:s-{i:05d}" for i in range(35)]):
            produced += 1
            yield credential

    def prepare(session: Session, chunk: list[PlannedCredential]) -> list[PlannedCredential]:
        seen.append((produced, len(chunk)))
        return chunk

    info = _record(archive, stream(), prepare=prepare)
    assert seen == [(10, 10), (20, 10), (30, 10), (35, 5)]  # a list made first would show 35 every time
    assert info.credential_count == 35 and archive.count(import_id=info.id, status="pending") == 35


def test_a_stream_that_fails_half_way_stores_nothing(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "IMPORT_CHUNK", 10)

    def broken() -> Iterator[PlannedCredential]:
        yield from planned([f"urn:uuid:b-{i:05d}" for i in range(25)])
        raise ArchiveError("the file changed", code="archive.import")

    with pytest.raises(ArchiveError):
        _record(archive, broken())
    assert archive.find_import(2025, "c" * 64) is None
    assert archive.count() == 0


def test_the_import_digests_are_read_back_in_python_order(archive: Archive) -> None:
    """The pv.import audit entry hashes the rows read back: the same value as the sorted list in
    Python, whatever the database's collation (case, punctuation)."""
    ids = ["urn:uuid:b-1", "urn:uuid:B-2", "urn:uuid:a_3", "urn:uuid:a-4", "urn:uuid:Z", "urn:uuid:10", "urn:uuid:9"]
    credentials = planned(ids)
    info = _record(archive, iter(credentials))
    with Session(archive.engine) as session:
        read = list(archive.import_digests(session, info.id))
    assert read == sorted((c.id, c.record_digest) for c in credentials)
    assert sorted_records_sha256(read) == records_sha256([(c.id, c.record_digest) for c in credentials])


def _pv(path: Path, rows: int, seed: int) -> Path:
    write_csv(generate_records(rows, seed=seed, reference=bundled_reference(), year=2025), path)
    return path


def _plan(archive: Archive, pv: Path) -> rectification.PVPlan:
    return plan_issue(pv, archive=archive, year=2025, issuer_did=DID, secret=SECRET, proof_type=SUITE, now=NOW)


def test_a_plan_keeps_no_credential(tmp_path: Path) -> None:
    """What a plan holds once made is a small part of what its new credentials take, built."""
    archive = open_archive(migrated_sqlite(tmp_path / "archive.sqlite3"))
    try:
        _plan(archive, _pv(tmp_path / "warm.csv", 20, seed=3))  # reference data, schemas and statements cached first
        pv = _pv(tmp_path / "pv.csv", 300, seed=5)
        gc.collect()
        tracemalloc.start()
        try:
            start = tracemalloc.get_traced_memory()[0]
            plan = _plan(archive, pv)
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - start
            documents = [credential.document for credential in plan.new]
            gc.collect()
            built = tracemalloc.get_traced_memory()[0] - start - held
        finally:
            tracemalloc.stop()
    finally:
        archive.close()
    assert isinstance(plan.new, NewCredentials)
    assert len(documents) == len(plan.new) > 400
    assert held < built / 10, (held, built)  # kept as before, the plan would hold more than them


def test_an_import_holds_a_chunk_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The peak of storing a plan (credentials built again, status entries allocated, rows written)
    stays well under what all its credentials take, built, when chunks are small."""
    monkeypatch.setattr(rectification, "PLAN_CHUNK", 20)
    monkeypatch.setattr(store, "IMPORT_CHUNK", 40)
    archive = open_archive(migrated_sqlite(tmp_path / "archive.sqlite3"))
    try:
        status = StatusStore(archive.engine, secret=SECRET, origin="https://diplomes.men.gov.ma")
        warm = _plan(archive, _pv(tmp_path / "warm.csv", 30, seed=3))
        record_plan(warm, archive=archive, operator="op", now=NOW, status=status, audit=AuditLog(archive.engine))
        plan = _plan(archive, _pv(tmp_path / "pv.csv", 600, seed=5))
        gc.collect()
        tracemalloc.start()
        try:
            start = tracemalloc.get_traced_memory()[0]
            documents = [credential.document for credential in plan.new]
            built = tracemalloc.get_traced_memory()[0] - start
            del documents
            gc.collect()
            tracemalloc.reset_peak()
            start = tracemalloc.get_traced_memory()[0]
            info = record_plan(plan, archive=archive, operator="op", now=NOW, status=status, audit=AuditLog(archive.engine))
            peak = tracemalloc.get_traced_memory()[1] - start
        finally:
            tracemalloc.stop()
        assert info.credential_count == len(plan.new) > 800
        assert archive.count(import_id=info.id, status="pending") == info.credential_count
    finally:
        archive.close()
    # all of them at once (and their rows) would exceed it; what remains is a chunk, and the reader's
    # caches of the values it found valid (names, marks: a PV repeats them), which grow slower than its rows
    assert peak < built / 2, (peak, built)


def test_a_pv_changed_after_its_plan_stores_nothing(tmp_path: Path) -> None:
    archive = open_archive(migrated_sqlite(tmp_path / "archive.sqlite3"))
    try:
        pv = _pv(tmp_path / "pv.csv", 40, seed=9)
        plan = _plan(archive, pv)
        _pv(pv, 40, seed=10)  # another file under the same name
        with pytest.raises(ArchiveError) as raised:
            record_plan(plan, archive=archive, operator="op", now=NOW, status=None, audit=None)
        assert raised.value.code == "archive.import"
        assert archive.imports() == [] and archive.count() == 0
    finally:
        archive.close()


def test_an_import_allocates_from_counters_reserved_beforehand(archive: Archive) -> None:
    """The import's long transaction takes no counter: another allocation meanwhile (the VC API
    issuer's) gets the counters after the reserved ones at once, and the import stays within them."""
    status = StatusStore(archive.engine, secret=SECRET, origin="https://diplomes.men.gov.ma")
    reserved = status.reserve(3)
    ids = [f"urn:uuid:r-{i}" for i in range(3)]
    concurrent = archive.engine.dialect.name == "postgresql"  # SQLite has one writer at a time, whatever the counters
    meanwhile = {} if concurrent else status.allocate(["urn:uuid:other"])
    with Session(archive.engine) as session, session.begin():
        attached = status.attach_in(session, planned(ids[:2]), reserved)
        if concurrent:  # another connection, while the import's transaction is open: it does not wait for it
            meanwhile = status.allocate(["urn:uuid:other"])
        attached += status.attach_in(session, planned(ids[2:]), reserved)
        with pytest.raises(ArchiveError):
            status.attach_in(session, planned(["urn:uuid:r-3"]), reserved)
    for purpose in ("revocation", "suspension"):
        assert meanwhile["urn:uuid:other"][purpose] == status._position(purpose, 3)
        entries = [next(e for e in c.document["credentialStatus"] if e["statusPurpose"] == purpose) for c in attached]
        assert [int(e["statusListIndex"]) for e in entries] == [status._position(purpose, n)[1] for n in range(3)]
