"""The paper seal's holder binding computed once, at issuance, and stored in the archive
(migration 0008): the seal is the same byte for byte, printing and the verifier read the stored
binding instead of running the scrypt, and credentials archived before it get theirs once."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from shahada.issuer.archive.store import Archive, CredentialRow, PlannedCredential
from shahada.issuer.bindings import fill_bindings
from shahada.issuer.issuance import sign_pending
from shahada.issuer.seal import seal_archived, seal_credentials
from shahada.paper import ArchiveReader
from shahada.print_session import print_session
from shahada.schemas.seal import SealContent, credential_holder_binding, holder_binding
from shahada.schemas.seal.errors import SealFormatError
from shahada.verifier.seal import ArchivedDocument, ArchivedSeals, verify_seal
from tests.printing.conftest import documents
from tests.support.archives import fresh_archive
from tests.support.local_sealer import MINISTRY_DID, PRODUCTION_BASE, LocalSealer

NOW = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


class ProofSigner:
    """Adds a placeholder proof (the archive's logic is under test, not the signature)."""

    batch = False

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        return {**credential, "proof": {"type": "DataIntegrityProof", "proofValue": "z"}}


def _issued_archive(tmp_path: Path, credentials: Sequence[dict[str, Any]]) -> Archive:
    archive = fresh_archive(tmp_path / "archive.sqlite3")
    planned = [
        PlannedCredential(
            id=c["id"],
            kind="transcript" if "BaccalaureateTranscript" in c["type"] else "diploma",
            session_kind="normale",
            massar=c["credentialSubject"]["massarCode"],
            academy=c["credentialSubject"]["academy"]["code"],
            document_number=c["credentialSubject"]["documentNumber"],
            record_digest="0" * 64,
            document=c,
        )
        for c in credentials
    ]
    year = int(credentials[0]["credentialSubject"]["session"]["year"])
    info = archive.record_import(
        session_year=year, filename="pv.csv", file_sha256="a" * 64, operator="op", imported_at=NOW, record_count=len(planned), credentials=planned
    )
    sign_pending(archive, info.id, ProofSigner(), clock=lambda: NOW, batch_size=2)
    fill_bindings(archive, import_id=info.id)  # as issue_pv does after signing
    return archive


def test_a_seal_made_with_the_stored_binding_is_the_seal_made_the_old_way() -> None:
    sealer = LocalSealer()
    credentials = list(documents().values())
    old = seal_credentials(credentials, sealer, base_url=PRODUCTION_BASE)
    stored = {c["id"]: credential_holder_binding(c) for c in credentials}
    assert seal_credentials(credentials, sealer, base_url=PRODUCTION_BASE, holders=stored) == old
    for credential in credentials:
        assert stored[credential["id"]] == holder_binding(credential["credentialSubject"]["massarCode"], credential["id"])


def test_a_binding_missing_from_the_archive_is_computed_and_stored_before_sealing() -> None:
    """A print worker may see a credential whose binding is not stored yet (computed after
    signing): it computes it, hands it to the archive before sealing, and seals the same bytes."""
    sealer = LocalSealer()
    credentials = list(documents().values())
    old = seal_credentials(credentials, sealer, base_url=PRODUCTION_BASE)
    given = [(c, credential_holder_binding(c) if i % 2 else None) for i, c in enumerate(credentials)]
    stored: list[dict[str, bytes]] = []
    assert seal_archived(given, sealer, base_url=PRODUCTION_BASE, store=lambda b: stored.append(dict(b))) == old
    assert stored == [{c["id"]: credential_holder_binding(c) for c, binding in given if binding is None}]
    stored.clear()
    seal_archived([(c, credential_holder_binding(c)) for c in credentials], sealer, base_url=PRODUCTION_BASE, store=lambda b: stored.append(dict(b)))
    assert stored == []  # all stored: nothing computed, nothing stored


def test_a_stored_binding_of_another_length_is_refused() -> None:
    credential = documents()["diploma-long-names"]
    with pytest.raises(SealFormatError):
        SealContent.from_credential(credential, holder=b"\x00\x01\x02")


def test_issuance_stores_each_binding_and_printing_reads_it(tmp_path: Path, scrypts: list[str]) -> None:
    credentials = list(documents().values())
    archive = _issued_archive(tmp_path, credentials)
    assert sorted(scrypts) == sorted(c["id"] for c in credentials)  # once each, at issuance
    for credential in credentials:
        stored = archive.get(credential["id"])
        assert stored is not None and stored.holder_binding == credential_holder_binding(credential)
    scrypts.clear()
    year = int(credentials[0]["credentialSubject"]["session"]["year"])
    sealer = LocalSealer()
    report = print_session(archive, sealer, tmp_path / "out", year=year, base_url=PRODUCTION_BASE, jobs=1)
    assert report.documents == len(credentials) and scrypts == []
    archive.close()


def test_credentials_issued_before_the_column_get_their_binding_once(tmp_path: Path, scrypts: list[str]) -> None:
    credentials = list(documents().values())
    archive = _issued_archive(tmp_path, credentials)
    with archive._sessions.begin() as session:  # as migration 0008 leaves the rows issued before it
        session.execute(update(CredentialRow).values(holder_binding=None))
    scrypts.clear()
    year = int(credentials[0]["credentialSubject"]["session"]["year"])
    print_session(archive, LocalSealer(), tmp_path / "out", year=year, base_url=PRODUCTION_BASE, jobs=1)
    assert sorted(scrypts) == sorted(c["id"] for c in credentials)
    for credential in credentials:
        stored = archive.get(credential["id"])
        assert stored is not None and stored.holder_binding == credential_holder_binding(credential)
    scrypts.clear()
    print_session(archive, LocalSealer(), tmp_path / "again", year=year, base_url=PRODUCTION_BASE, jobs=1)
    assert scrypts == []
    assert archive.store_holder_bindings({credentials[0]["id"]: b"\xff" * 4}) == 0  # a stored binding is never replaced
    archive.close()


def _archive_check(seal: str, sealer: LocalSealer, lookup: Any) -> str:
    result = verify_seal(seal, trusted_issuers=frozenset({MINISTRY_DID}), resolver=sealer.resolver(), archive=lookup, archived_seals=ArchivedSeals())
    return next(c.code for c in result.checks if c.name == "archive")


def test_the_verifier_compares_the_seal_with_the_stored_binding(tmp_path: Path, scrypts: list[str]) -> None:
    credentials = list(documents().values())
    archive = _issued_archive(tmp_path, credentials)
    sealer = LocalSealer()
    seals = seal_credentials(credentials, sealer, base_url=PRODUCTION_BASE)
    reader = ArchiveReader(archive)
    scrypts.clear()
    for seal in seals:
        assert _archive_check(seal, sealer, reader.seal) == "ok"
    assert scrypts == []  # read, not computed
    credential = credentials[0]
    other = copy.deepcopy(credential)
    other["credentialSubject"]["massarCode"] = "Z999999999"
    forged = seal_credentials([other], sealer, base_url=PRODUCTION_BASE)[0]  # another holder, same fields otherwise
    assert _archive_check(forged, sealer, reader.seal) == "archive.mismatch"
    wrong = ArchivedDocument(credential, bytes(b ^ 0xFF for b in credential_holder_binding(credential)))
    assert _archive_check(seals[0], sealer, lambda _id: wrong) == "archive.mismatch"  # the stored binding is what is compared
    none_stored = ArchivedDocument(credential, None)  # archived before 0008: computed, as before
    scrypts.clear()
    assert _archive_check(seals[0], sealer, lambda _id: none_stored) == "ok" and scrypts == [credential["id"]]
    archive.close()
