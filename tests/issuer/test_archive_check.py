"""issuer/archive/check.py: ``archive verify`` in worker processes finds what it finds in one."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from shahada.cli.status_commands import ArchiveSignatures
from shahada.did.document import DIDDocument, build_did_document
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.check import Problem, check_archive
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.issuer.usecases import issue_pv
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.schemas.reference import bundled_reference
from tests.support.archives import fresh_archive
from tests.support.local_signer import LocalKey, LocalSigner

DID = "did:web:diplomes.men.gov.ma"


def test_worker_processes_find_the_same_problems_in_the_same_order(tmp_path: Path) -> None:
    key, loader = LocalKey.generate(), PinnedDocumentLoader()
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(12, seed=4, reference=bundled_reference(), year=2025), pv)
    database = tmp_path / "archive.sqlite3"
    archive = fresh_archive(database)
    try:
        issue_pv(
            pv, archive=archive, year=2025, signer=LocalSigner(key, f"{DID}#key-1", loader), issuer_did=DID, secret=b"s" * 32,
            proof_type="eddsa-rdfc-2022", status=None, operator="test", concurrency=1,
        )
        documents = {DID: DIDDocument.from_dict(build_did_document(DID, key.public_key))}
        verify = ArchiveSignatures(loader, documents, frozenset({DID}))

        def check(processes: int) -> tuple[list[Problem], list[tuple[int, int]]]:
            calls: list[tuple[int, int]] = []
            found = list(check_archive(archive, AuditLog(archive.engine), None, verify, progress=lambda d, t: calls.append((d, t)), processes=processes))
            return found, calls

        intact, calls = check(2)
        assert intact == [] and calls[-1][0] == calls[-1][1] >= 20
        with closing(sqlite3.connect(database)) as conn:
            rows = conn.execute("select id, document from credentials order by id").fetchall()
            for cid, document in rows[3:9:2]:  # a mark changed by hand in three stored credentials
                edited = json.loads(document)
                edited["credentialSubject"]["generalAverage"] = "19.99"
                conn.execute("update credentials set document = ? where id = ?", (json.dumps(edited), cid))
            conn.execute("update credentials set record_digest = 'x' where id = ?", (rows[-1][0],))
            conn.commit()
        sequential, _ = check(1)
        parallel, calls = check(2)
        assert parallel == sequential
        codes = [(p.code, p.subject) for p in parallel]
        for cid, _ in rows[3:9:2]:
            assert ("archive.document_altered", cid) in codes and ("archive.signature_invalid", cid) in codes
        assert ("archive.digest_mismatch", rows[-1][0]) in codes
        assert calls[-1] == (len(rows), len(rows))
    finally:
        archive.close()


def test_the_check_streams_plain_columns_not_orm_objects(tmp_path: Path) -> None:
    """At national size an ORM object per credential (identity map, attribute state) costs memory
    and time for nothing: the rows are read as plain columns. Fails if any credential or status
    entry is loaded as an ORM object."""
    from sqlalchemy import event

    from shahada.issuer.archive.status import StatusEntryRow
    from shahada.issuer.archive.store import CredentialRow

    key, loader = LocalKey.generate(), PinnedDocumentLoader()
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(4, seed=5, reference=bundled_reference(), year=2025), pv)
    archive = fresh_archive(tmp_path / "archive.sqlite3")
    loaded: list[object] = []

    def count(target: object, _context: object) -> None:
        loaded.append(target)

    try:
        issue_pv(
            pv, archive=archive, year=2025, signer=LocalSigner(key, f"{DID}#key-1", loader), issuer_did=DID, secret=b"s" * 32,
            proof_type="eddsa-rdfc-2022", status=None, operator="test", concurrency=1,
        )
        for row in (CredentialRow, StatusEntryRow):
            event.listen(row, "load", count)
        try:
            assert list(check_archive(archive, AuditLog(archive.engine), None, None)) == []
        finally:
            for row in (CredentialRow, StatusEntryRow):
                event.remove(row, "load", count)
        assert archive.count() >= 5 and loaded == []
    finally:
        archive.close()
