"""The paper seals' holder bindings computed after signing (``shahada.issuer.bindings``): signing
stores none, ``fill_bindings`` stores each exactly once (threads, committed batches), resumes after
an interruption with what is missing, and the seals are the bytes the scrypt at printing gave."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from shahada.database import open_archive
from shahada.issuer.archive.store import Archive, PlannedCredential
from shahada.issuer.bindings import fill_bindings
from shahada.issuer.issuance import sign_pending
from shahada.issuer.seal import seal_credentials
from shahada.schemas.seal import credential_holder_binding
from tests.printing.conftest import documents
from tests.support.local_sealer import PRODUCTION_BASE, LocalSealer

NOW = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


class ProofSigner:
    """Adds a placeholder proof (the archive's logic is under test, not the signature)."""

    batch = False

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        return {**credential, "proof": {"type": "DataIntegrityProof", "proofValue": "z"}}


class Interrupted(Exception):
    pass


def _signed_archive(tmp_path: Path, credentials: Sequence[dict[str, Any]], *, bindings: bool) -> tuple[Archive, int]:
    archive = open_archive(f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    planned = [
        PlannedCredential(
            id=c["id"], kind="transcript" if "BaccalaureateTranscript" in c["type"] else "diploma", session_kind="normale",
            massar=c["credentialSubject"]["massarCode"], academy=c["credentialSubject"]["academy"]["code"],
            document_number=c["credentialSubject"]["documentNumber"], record_digest="0" * 64, document=c,
        )
        for c in credentials
    ]
    year = int(credentials[0]["credentialSubject"]["session"]["year"])
    info = archive.record_import(
        session_year=year, filename="pv.csv", file_sha256="b" * 64, operator="op", imported_at=NOW, record_count=len(planned), credentials=planned
    )
    sign_pending(archive, info.id, ProofSigner(), clock=lambda: NOW, batch_size=2)
    if bindings:  # as issue_pv does after signing
        fill_bindings(archive, import_id=info.id)
    return archive, info.id


def _stored(archive: Archive, ids: Sequence[str]) -> dict[str, bytes | None]:
    found = {}
    for cid in ids:
        stored = archive.get(cid)
        assert stored is not None and stored.status == "issued"
        found[cid] = stored.holder_binding
    return found


def test_signing_stores_none_and_fill_stores_each_once(tmp_path: Path, scrypts: list[str]) -> None:
    credentials = list(documents().values())
    ids = sorted(c["id"] for c in credentials)
    archive, import_id = _signed_archive(tmp_path, credentials, bindings=False)
    assert scrypts == [] and set(_stored(archive, ids).values()) == {None}  # out of the signing path
    assert archive.missing_holder_bindings(import_id=import_id) == ids
    seen: list[tuple[int, int]] = []
    assert fill_bindings(archive, import_id=import_id, threads=3, batch_size=2, progress=lambda d, t: seen.append((d, t))) == len(ids)
    assert sorted(scrypts) == ids  # each computed exactly once
    assert _stored(archive, ids) == {c["id"]: credential_holder_binding(c) for c in credentials}
    assert seen[0] == (0, len(ids)) and seen[-1] == (len(ids), len(ids))
    scrypts.clear()
    assert fill_bindings(archive, threads=2) == 0 and scrypts == []  # idempotent: nothing is computed again
    archive.close()


def test_an_interrupted_fill_resumes_with_what_is_missing(tmp_path: Path, scrypts: list[str]) -> None:
    credentials = list(documents().values())
    ids = sorted(c["id"] for c in credentials)
    assert len(ids) >= 4
    archive, import_id = _signed_archive(tmp_path, credentials, bindings=False)

    def stop_after_first_batch(done: int, _total: int) -> None:
        if done:
            raise Interrupted

    with pytest.raises(Interrupted):
        fill_bindings(archive, import_id=import_id, threads=2, batch_size=2, progress=stop_after_first_batch)
    missing = archive.missing_holder_bindings(import_id=import_id)
    assert missing == ids[2:]  # the first batch was committed, nothing after it
    scrypts.clear()
    assert fill_bindings(archive, import_id=import_id, threads=2, batch_size=2) == len(missing)
    assert sorted(scrypts) == missing  # the stored ones are not computed again
    assert _stored(archive, ids) == {c["id"]: credential_holder_binding(c) for c in credentials}
    archive.close()


def test_the_seals_are_the_bytes_of_the_bindings_computed_beside_signing(tmp_path: Path) -> None:
    credentials = list(documents().values())
    archive, _ = _signed_archive(tmp_path, credentials, bindings=True)  # filled after signing, as issue_pv does
    sealer = LocalSealer()
    stored = _stored(archive, [c["id"] for c in credentials])
    known = {cid: binding for cid, binding in stored.items() if binding is not None}
    assert len(known) == len(credentials)
    assert seal_credentials(credentials, sealer, base_url=PRODUCTION_BASE, holders=known) == seal_credentials(
        credentials, sealer, base_url=PRODUCTION_BASE
    )
    archive.close()


def test_fill_is_limited_to_its_import_and_never_replaces_a_binding(tmp_path: Path) -> None:
    credentials = list(documents().values())
    archive, import_id = _signed_archive(tmp_path, credentials, bindings=False)
    first = credentials[0]["id"]
    assert archive.store_holder_bindings({first: b"\x01\x02\x03\x04"}) == 1
    assert fill_bindings(archive, import_id=import_id + 1) == 0  # another import: nothing of this one
    assert fill_bindings(archive, import_id=import_id, threads=1) == len(credentials) - 1
    assert _stored(archive, [first])[first] == b"\x01\x02\x03\x04"
    archive.close()
