"""Verification counts (shahada.verifier.traffic): counted in memory without ever raising, keys
bounded, written in batches to the archive's ``verification_counts`` (migration 0007) where
they add up, on SQLite and on PostgreSQL; a failed write keeps the counts for the next one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shahada.database import open_archive
from shahada.verifier.traffic import CountKey, Traffic, VerificationCount, database_sink

DAY = dt.date(2026, 7, 14)


def test_counts_by_day_kind_verdict_and_code() -> None:
    traffic = Traffic(today=lambda: DAY)
    traffic.record("seal", "valid")
    traffic.record("seal", "valid")
    traffic.record("pdf", "error", "scan.no_code")
    assert traffic.totals() == {CountKey(DAY, "seal", "valid", ""): 2, CountKey(DAY, "pdf", "error", "scan.no_code"): 1}


def test_recording_never_raises_and_keys_are_bounded() -> None:
    def broken() -> dt.date:
        raise RuntimeError("clock")

    Traffic(today=broken).record("seal", "valid")  # logged, not raised
    traffic = Traffic(today=lambda: DAY, max_keys=2)
    for code in ("a", "b", "c", "a"):
        traffic.record("credential", "invalid", code)
    assert traffic.totals() == {CountKey(DAY, "credential", "invalid", "a"): 2, CountKey(DAY, "credential", "invalid", "b"): 1}


def test_a_failed_write_keeps_the_counts_for_the_next() -> None:
    written: list[dict[CountKey, int]] = []
    failing = [True]

    def sink(batch: Mapping[CountKey, int]) -> None:
        if failing[0]:
            raise ConnectionError("database away")
        written.append(dict(batch))

    traffic = Traffic(sink=sink, today=lambda: DAY, interval=3600)
    traffic.record("share", "valid")
    assert traffic.flush() is False and written == []
    traffic.record("share", "valid")
    failing[0] = False
    traffic.close()
    assert written == [{CountKey(DAY, "share", "valid", ""): 2}]


def _stored(url: str) -> dict[tuple[str, str, str], int]:
    archive = open_archive(url)
    try:
        with Session(archive.engine) as session:
            rows = session.execute(select(VerificationCount.kind, VerificationCount.verdict, VerificationCount.code, VerificationCount.count))
            return {(k, v, c): n for k, v, c, n in rows}
    finally:
        archive.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_batches_add_up_in_the_archive(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    archive = open_archive(url)  # migrated to the newest revision: 0007 made the table
    try:
        traffic = Traffic(sink=database_sink(archive.engine), today=lambda: DAY, interval=3600)
        traffic.record("seal", "valid")
        traffic.record("credential", "invalid", "signature.invalid")
        assert traffic.flush()
        traffic.record("seal", "valid")
        traffic.close()
    finally:
        archive.close()
    assert _stored(url) == {("seal", "valid", ""): 2, ("credential", "invalid", "signature.invalid"): 1}
