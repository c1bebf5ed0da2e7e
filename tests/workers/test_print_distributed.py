"""Distributed printing with real processes: Redis, a PostgreSQL archive, the session's agent, two
``shahada worker --queues print`` processes and ``shahada print --distributed``. One worker is
killed with SIGKILL mid-run and one document cannot be printed (its batch is recorded as failed,
the run exits 1); corrected and run again, every issued document has exactly one PDF, written once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy

from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.reference import bundled_reference
from tests.support.cli import share_agent
from tests.workers.test_distributed import REDIS_DB, SHAHADA, count, environment, stop

pytestmark = [pytest.mark.agent, pytest.mark.postgres]


@pytest.fixture
def env(ministry: Any, tmp_path: Path, postgres_url: str) -> Iterator[dict[str, str]]:
    """Coordinator and workers on the session's agent, with a Redis key prefix of this test's own."""
    prefix = f"shahada-test-print-{uuid.uuid4().hex[:8]}:"
    home = tmp_path / "home"
    yield environment(home, postgres_url, prefix, **share_agent(ministry, home))
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


def print_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [SHAHADA, "worker", "--queues", "print", "--concurrency", "2", "--loglevel", "WARNING"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def _document(url: str, cid: str) -> dict[str, Any]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return dict(json.loads(conn.execute(sqlalchemy.text("SELECT document FROM credentials WHERE id = :id"), {"id": cid}).scalar_one()))
    finally:
        engine.dispose()


def _store(url: str, cid: str, document: dict[str, Any]) -> None:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("UPDATE credentials SET document = :d WHERE id = :id"), {"d": json.dumps(document, ensure_ascii=False), "id": cid})
    finally:
        engine.dispose()


def _pdfs(out: Path) -> dict[Path, int]:
    """Every PDF under OUT (the batch folders aside) and its inode."""
    return {p: p.stat().st_ino for kind in ("diploma", "transcript") for p in (out / kind).glob("*/*.pdf")}


def test_a_killed_print_worker_and_a_failed_batch_leave_every_pdf_written_once(env: dict[str, str], tmp_path: Path) -> None:
    url = env["SHAHADA_ARCHIVE_URL"]
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(70, seed=16, reference=bundled_reference(), year=2025), pv)
    issued = subprocess.run([SHAHADA, "issue", str(pv), "--session", "2025", "--out", str(tmp_path / "issued")], env=env, capture_output=True, timeout=300)
    assert issued.returncode == 0, issued.stderr.decode()
    total = count(url, "SELECT count(*) FROM credentials WHERE status = 'issued'")
    assert total > 60
    # one document the seal refuses (no family name): its batch cannot be printed
    broken_id = _ids(url)[total // 2]
    original = _document(url, broken_id)
    broken = json.loads(json.dumps(original))
    del broken["credentialSubject"]["familyName"]
    _store(url, broken_id, broken)

    out = tmp_path / "print"
    command = [SHAHADA, "print", "--session", "2025", "--out", str(out), "--distributed", "--batch-size", "4", "--requeue-after", "8"]
    workers = [print_worker(env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
    try:
        coordinator = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300
        seen: dict[Path, int] = {}
        while time.monotonic() < deadline:  # kill worker 1 once the run is under way
            seen = _pdfs(out) if out.exists() else {}
            if len(seen) >= 12 or coordinator.poll() is not None:
                break
            time.sleep(0.05)
        assert coordinator.poll() is None and len(seen) < total - 4, "the run ended before a worker could be killed"
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        first_out, first_err = coordinator.communicate(timeout=600)
        # the failed batch: exit 1, reported, recorded with its ids; everything else printed
        assert coordinator.returncode == 1, first_err.decode()
        assert "error [print.failed]: 4 documents not printed" in first_err.decode() and broken_id in first_err.decode()
        assert "printing: " in first_err.decode()  # live progress, read from the archive
        records = [json.loads(p.read_text(encoding="utf-8")) for p in (out / ".print-failures").glob("*.json")]
        assert len(records) == 1 and broken_id in records[0]["ids"] and records[0]["code"] == "seal.malformed"
        assert len(_pdfs(out)) == total - 4
        assert not list(out.glob("print-index-*.csv"))  # no index while documents are missing

        _store(url, broken_id, original)  # corrected: run again, it prints what is left
        again = subprocess.run(command, env=env, capture_output=True, timeout=600)
    finally:
        stop(workers)
    assert again.returncode == 0, again.stderr.decode()
    assert "enqueued now: 4 in 1 batches" in again.stdout.decode()
    assert not (out / ".print-failures").exists() or not list((out / ".print-failures").iterdir())
    final = _pdfs(out)
    assert len(final) == total  # one PDF each
    for path, inode in seen.items():
        assert final[path] == inode, path  # written once: never replaced after the worker was killed
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert count(url, "SELECT count(*) FROM printed_documents") == total
    assert count(url, "SELECT count(DISTINCT path) FROM printed_documents") == total
    assert count(url, "SELECT count(*) FROM credentials WHERE holder_binding IS NULL") == 0
    index = (out / "print-index-2025.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(index) == total + 1
    sample = sorted(final)[len(final) // 2]  # through Shahada's verifier: its QR code read from the PDF, the seal checked
    verified = subprocess.run([SHAHADA, "verify", str(sample)], env=env, capture_output=True, timeout=120)
    assert verified.returncode == 0, verified.stdout.decode() + verified.stderr.decode()

def _ids(url: str) -> list[str]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return [str(r[0]) for r in conn.execute(sqlalchemy.text("SELECT id FROM credentials WHERE status = 'issued' ORDER BY id"))]
    finally:
        engine.dispose()
