"""Distributed issuance with real processes: Redis, a PostgreSQL archive, the session's agent, two
``shahada worker`` processes and ``shahada issue --distributed``; one worker is killed with SIGKILL
mid-run, and every credential must still be signed, archived and status-allocated exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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

pytestmark = [pytest.mark.agent, pytest.mark.postgres]

SHAHADA = str(Path(sys.executable).with_name("shahada"))
REDIS_DB = 13  # this suite's own Redis database; each run also has its own key prefix


@pytest.fixture
def env(ministry: Any, tmp_path: Path, postgres_url: str) -> Iterator[dict[str, str]]:
    home = tmp_path / "home"
    prefix = f"shahada-test-{uuid.uuid4().hex[:8]}:"
    base = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    base.update(
        SHAHADA_HOME=str(home), SHAHADA_OPERATOR="distributed-test", SHAHADA_ARCHIVE_URL=postgres_url,
        SHAHADA_BROKER_URL=f"redis://127.0.0.1:6379/{REDIS_DB}", SHAHADA_BROKER_PREFIX=prefix, SHAHADA_BROKER_VISIBILITY="5",
        **share_agent(ministry, home),
    )
    yield base
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


def worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([SHAHADA, "worker", "--concurrency", "2", "--loglevel", "WARNING"], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def count(url: str, statement: str) -> int:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sqlalchemy.text(statement)).scalar() or 0)
    except sqlalchemy.exc.ProgrammingError:  # the coordinator has not created the tables yet
        return 0
    finally:
        engine.dispose()


def test_two_workers_one_killed_every_credential_exactly_once(env: dict[str, str], tmp_path: Path) -> None:
    url = env["SHAHADA_ARCHIVE_URL"]
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(400, seed=14, reference=bundled_reference(), year=2025), pv)
    workers = [worker(env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
    out = tmp_path / "out"
    try:
        coordinator = subprocess.Popen(
            [SHAHADA, "issue", str(pv), "--session", "2025", "--out", str(out), "--distributed", "--batch-size", "8"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 300
        total = 0
        while time.monotonic() < deadline:  # kill worker 1 once the run is under way
            issued = count(url, "SELECT count(*) FROM credentials WHERE status = 'issued'")
            total = count(url, "SELECT count(*) FROM credentials")
            if issued >= 40 or coordinator.poll() is not None:
                break
            time.sleep(0.05)
        assert coordinator.poll() is None, "the run ended before a worker could be killed"
        assert issued < total, "the run ended before a worker could be killed"
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        stdout, stderr = coordinator.communicate(timeout=300)
    finally:
        for process in workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in workers:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    assert coordinator.returncode == 0, stderr.decode()
    assert "signing: " in stderr.decode()  # live progress, read from the archive
    total = count(url, "SELECT count(*) FROM credentials")
    assert total > 400
    assert count(url, "SELECT count(*) FROM credentials WHERE status = 'issued'") == total
    assert count(url, "SELECT count(*) FROM credentials WHERE document NOT LIKE '%\"proof\"%'") == 0
    # status: one entry per credential and purpose, no index given twice
    assert count(url, "SELECT count(DISTINCT credential_id) FROM status_entries WHERE purpose = 'revocation'") == total
    assert count(url, "SELECT count(*) FROM (SELECT purpose, list_number, bit FROM status_entries GROUP BY 1, 2, 3 HAVING count(*) > 1) d") == 0
    # stored exactly once: each credential is in exactly one committed batch's audit entry
    assert count(url, (
        "SELECT count(*) FROM (SELECT key FROM audit_log, jsonb_object_keys((details::jsonb)->'documents') AS key "
        "WHERE action = 'credentials.issue' GROUP BY key HAVING count(*) = 1) once"
    )) == total
    assert count(url, "SELECT count(*) FROM audit_log a, jsonb_object_keys((a.details::jsonb)->'documents') k WHERE a.action = 'credentials.issue'") == total
    files = sorted((out / "credentials").glob("*.json"))
    assert len(files) == total
    for file in files[:: max(1, len(files) // 3)][:3]:  # a sample, through Shahada's verifier, status included
        verified = subprocess.run([SHAHADA, "verify", str(file)], env=env, capture_output=True, timeout=120)
        assert verified.returncode == 0, verified.stdout.decode() + verified.stderr.decode()
