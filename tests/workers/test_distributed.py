"""Distributed issuance with real processes: Redis, a PostgreSQL archive, the session's agent, two
``shahada worker`` processes and ``shahada issue --distributed``; one worker and the coordinator are
killed with SIGKILL mid-run, the coordinator is run again, and every credential must still be
signed, archived and status-allocated exactly once."""

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
from tests.support.cli import invoke, share_agent

pytestmark = [pytest.mark.agent, pytest.mark.postgres]

SHAHADA = str(Path(sys.executable).with_name("shahada"))
REDIS_DB = 13  # this suite's own Redis database; each run also has its own key prefix


def environment(home: Path, archive_url: str, prefix: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    env.update(
        SHAHADA_HOME=str(home), SHAHADA_OPERATOR="distributed-test", SHAHADA_ARCHIVE_URL=archive_url,
        SHAHADA_BROKER_URL=f"redis://127.0.0.1:6379/{REDIS_DB}", SHAHADA_BROKER_PREFIX=prefix, SHAHADA_BROKER_VISIBILITY="5", **extra,
    )
    return env


@pytest.fixture
def prefix() -> Iterator[str]:
    """This test's Redis key prefix, its keys deleted afterwards."""
    prefix = f"shahada-test-{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def env(ministry: Any, tmp_path: Path, postgres_url: str, prefix: str) -> dict[str, str]:
    """Coordinator and workers on the session's agent."""
    home = tmp_path / "home"
    return environment(home, postgres_url, prefix, **share_agent(ministry, home))


def worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([SHAHADA, "worker", "--concurrency", "2", "--loglevel", "WARNING"], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (a worker finishes its batches and stops its own agent), SIGKILL after a minute."""
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in workers:
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def count(url: str, statement: str) -> int:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sqlalchemy.text(statement)).scalar() or 0)
    except sqlalchemy.exc.ProgrammingError:  # the coordinator has not created the tables yet
        return 0
    finally:
        engine.dispose()


class Progress:
    """The run's progress read from the archive over one connection (quick enough to poll every
    20 ms: an engine made per look took long enough under load to miss a whole run)."""

    def __init__(self, url: str) -> None:
        self.engine = sqlalchemy.create_engine(url)

    def _count(self, statement: str) -> int:
        try:
            with self.engine.connect() as conn:
                return int(conn.execute(sqlalchemy.text(statement)).scalar() or 0)
        except sqlalchemy.exc.ProgrammingError:  # the coordinator has not created the tables yet
            return 0

    def issued(self) -> int:
        return self._count("SELECT count(*) FROM credentials WHERE status = 'issued'")

    def total(self) -> int:
        return self._count("SELECT count(*) FROM credentials")

    def close(self) -> None:
        self.engine.dispose()


def test_a_killed_worker_and_coordinator_leave_every_credential_issued_once(env: dict[str, str], tmp_path: Path) -> None:
    url = env["SHAHADA_ARCHIVE_URL"]
    pv = tmp_path / "pv.csv"
    write_csv(generate_records(280, seed=14, reference=bundled_reference(), year=2025), pv)
    workers = [worker(env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
    out = tmp_path / "out"
    coordinator: subprocess.Popen[bytes] | None = None
    try:
        coordinator = subprocess.Popen(
            [SHAHADA, "issue", str(pv), "--session", "2025", "--out", str(out), "--distributed", "--batch-size", "8"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        progress = Progress(url)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # kill worker 1 once the run is under way
            if progress.issued() >= 8 or coordinator.poll() is not None:
                break
            time.sleep(0.02)
        for process in workers:  # frozen where they are: the run cannot end between this look and the kill
            os.killpg(process.pid, signal.SIGSTOP)
        issued, total = progress.issued(), progress.total()
        progress.close()
        assert coordinator.poll() is None and issued < total, f"the run ended before a worker could be killed ({issued} of {total})"
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        os.killpg(workers[1].pid, signal.SIGCONT)
        coordinator.kill()  # the coordinator is lost too: run again, it resumes
        coordinator.wait(10)
        again = subprocess.run(
            [SHAHADA, "issue", str(pv), "--session", "2025", "--out", str(out), "--distributed", "--batch-size", "8"],
            env=env, capture_output=True, timeout=300,
        )
        assert again.returncode == 0, again.stderr.decode()
        assert "resumed an earlier import of this file" in again.stdout.decode()
        assert "signing: " in again.stderr.decode()  # live progress, read from the archive
        check_exactly_once(url, out, env, candidates=280)
        # the workers store no seal holder binding; the coordinator fills them all once signing is done
        assert count(url, "SELECT count(*) FROM credentials WHERE holder_binding IS NULL") == 0
        revoked_by_a_publish_task(url, out, env)
    finally:
        if coordinator is not None and coordinator.poll() is None:
            coordinator.kill()
            coordinator.wait(10)
        for process in workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGCONT)
        stop(workers)


def revoked_by_a_publish_task(url: str, out: Path, env: dict[str, str]) -> None:
    """``revoke --distributed`` stores the bit and queues its list; the surviving worker re-signs
    the list, and the verifier then finds the document revoked."""
    diploma = sorted((out / "credentials").glob("diploma-*.json"))[0]
    number = diploma.stem.removeprefix("diploma-")
    revoked = subprocess.run(
        [SHAHADA, "revoke", number, "--reason", "fraud", "--yes", "--distributed"], env=env, capture_output=True, timeout=300
    )
    assert revoked.returncode == 0, revoked.stderr.decode()
    assert "lists queued for publication: revocation/0" in revoked.stdout.decode()
    deadline = time.monotonic() + 120
    while count(url, "SELECT count(*) FROM status_lists WHERE revision > published_revision") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert count(url, "SELECT count(*) FROM status_lists WHERE revision > published_revision") == 0, "no worker published the list"
    verified = invoke(env, "verify", str(diploma))
    assert verified.returncode == 1 and "REVOKED" in verified.stdout, verified.stdout + verified.stderr


def check_exactly_once(url: str, out: Path, env: dict[str, str], *, candidates: int) -> None:
    """Every credential signed, archived, status-allocated and stored once; a sample verifies."""
    total = count(url, "SELECT count(*) FROM credentials")
    assert total > candidates
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
        verified = invoke(env, "verify", str(file))  # in this process: an interpreter less per check
        assert verified.returncode == 0, verified.stdout + verified.stderr
