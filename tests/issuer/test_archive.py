"""The archive on SQLite and on PostgreSQL: atomic imports, exactly-once signing records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shahada.database import open_archive
from shahada.issuer.archive.store import Archive, PlannedCredential
from shahada.issuer.errors import ArchiveError
from tests.support.archives import migrated_sqlite

NOW = dt.datetime(2025, 7, 10, 12, 0, tzinfo=dt.UTC)


def planned(n: int, prefix: str = "c") -> list[PlannedCredential]:
    return [
        PlannedCredential(
            id=f"urn:uuid:{prefix}-{i:05d}",
            kind="transcript",
            session_kind="normale",
            massar=f"R{i:09d}",
            academy="RSK",
            document_number=f"BAC-{prefix}-{i:05d}",
            record_digest=f"{i:064x}",
            document={"id": f"urn:uuid:{prefix}-{i:05d}", "name": "é ع"},
        )
        for i in range(n)
    ]


@pytest.fixture(params=["sqlite", "postgres"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Archive:
    if request.param == "sqlite":
        url = migrated_sqlite(tmp_path / "archive.sqlite3")
    else:
        url = request.getfixturevalue("postgres_url")
    arch = open_archive(url)
    request.addfinalizer(arch.close)
    return arch


def record(archive: Archive, creds: list[PlannedCredential], sha: str = "a" * 64):
    return archive.record_import(
        session_year=2025, filename="pv.csv", file_sha256=sha, operator="op", imported_at=NOW, record_count=len(creds), credentials=creds
    )


def test_import_then_sign_once(archive: Archive) -> None:
    info = record(archive, planned(5))
    assert archive.find_import(2025, "a" * 64) == info
    assert archive.count(import_id=info.id, status="pending") == 5
    batch = archive.pending(info.id, limit=3)
    assert [cid for cid, _ in batch] == [f"urn:uuid:c-{i:05d}" for i in range(3)]
    assert batch[0][1]["name"] == "é ع"
    assert archive.store_signed([(cid, {**doc, "proof": {}}) for cid, doc in batch], issued_at=NOW) == 3
    # a second store of the same ids (a re-run after a crash) changes nothing
    assert archive.store_signed([(cid, {**doc, "proof": {"again": 1}}) for cid, doc in batch], issued_at=NOW) == 0
    assert archive.get("urn:uuid:c-00000").document["proof"] == {}
    assert [cid for cid, _ in archive.pending(info.id, limit=10)] == ["urn:uuid:c-00003", "urn:uuid:c-00004"]
    assert len(list(archive.credentials(import_id=info.id))) == 3


def test_import_is_all_or_nothing(archive: Archive) -> None:
    record(archive, planned(3))
    clash = planned(4, prefix="d")
    clash[3] = planned(1)[0]  # an id already archived makes the whole import fail
    with pytest.raises(ArchiveError) as err:
        record(archive, clash, sha="b" * 64)
    assert err.value.code == "archive.import"
    assert archive.find_import(2025, "b" * 64) is None
    assert archive.count() == 3
    assert archive.existing_digests(["urn:uuid:c-00001", "urn:uuid:d-00000"]) == {"urn:uuid:c-00001": f"{1:064x}"}


def test_same_file_cannot_be_imported_twice(archive: Archive) -> None:
    record(archive, planned(1))
    with pytest.raises(ArchiveError):
        record(archive, planned(1, prefix="e"))
    assert archive.count() == 1


def test_a_page_of_pending_credentials_is_one_index_range_in_id_order(tmp_path: Path) -> None:
    """Signing reads an import's pending credentials a page at a time (``id > last LIMIT n``). The
    page must be a range of the index in id order: with ``(import_id, status)`` only, SQLite found
    every pending row of the import for each page and sorted them (a temporary B-tree), and a
    658,693-credential session signed at 15 credentials/s (migration 0012)."""
    import sqlalchemy

    archive = open_archive(migrated_sqlite(tmp_path / "archive.sqlite3"))
    try:
        info = record(archive, planned(50))
        statements: list[tuple[str, object]] = []

        def seen(conn: object, cursor: object, statement: str, parameters: object, context: object, executemany: bool) -> None:
            if statement.lstrip().upper().startswith("SELECT") and "credentials" in statement:
                statements.append((statement, parameters))

        sqlalchemy.event.listen(archive.engine, "before_cursor_execute", seen)
        page = archive.pending(info.id, limit=10, after="urn:uuid:c-00020")
        sqlalchemy.event.remove(archive.engine, "before_cursor_execute", seen)
        assert [cid for cid, _ in page] == [f"urn:uuid:c-{i:05d}" for i in range(21, 31)]
        [(statement, parameters)] = statements
        with archive.engine.connect() as conn:
            plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))  # type: ignore[arg-type]
        assert "USING INDEX ix_credentials_import_status (import_id=? AND status=? AND id>?)" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    finally:
        archive.close()
