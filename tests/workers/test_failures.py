"""Exactly once whatever fails (issue 14): a session issued by two ``shahada worker`` processes, each
with its own ACA-Py agent on one PostgreSQL wallet, through a Redis of the test's own (its own port
and directory, ``appendonly yes``) while, one after the other, Redis is killed and started again,
a worker is killed with SIGKILL, and the other worker's agent is killed with SIGKILL mid-batch.
The coordinator keeps following the archive (and enqueues again what a lost broker dropped); at
the end every credential is signed, archived and status-allocated exactly once, with no index
skipped or given twice."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.reference import bundled_reference
from tests.common.test_shared import RedisServer
from tests.conftest import drop_database
from tests.workers.test_distributed import SHAHADA, Progress, check_exactly_once, count, environment, stop, worker

pytestmark = [pytest.mark.agent, pytest.mark.postgres]


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[RedisServer]:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory, appendonly=True)
    yield server
    server.stop()


def agent_of(process: subprocess.Popen[bytes]) -> int:
    """The pid of the ACA-Py agent a worker started (its child running aca-py)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError, ValueError):
            continue
        if parent == process.pid and b"aca-py" in command:
            return int(entry.name)
    raise AssertionError(f"worker {process.pid} has no agent")


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_redis_a_worker_and_an_agent_killed_mid_session_leave_every_credential_issued_once(
    tmp_path: Path, postgres_url: str, broker: RedisServer
) -> None:
    wallet = f"shahada_wallet_{uuid.uuid4().hex[:10]}"
    env = environment(
        tmp_path / "home", postgres_url, f"failures-{uuid.uuid4().hex[:6]}:",
        SHAHADA_WALLET_POSTGRES="127.0.0.1:5432", SHAHADA_WALLET_PG_USER="postgres", SHAHADA_WALLET_NAME=wallet,
        SHAHADA_WORKER_RETRY_MAX_DELAY="4",
    )
    env["SHAHADA_BROKER_URL"] = broker.url
    pv = tmp_path / "pv.csv"
    candidates = 220
    write_csv(generate_records(candidates, seed=16, reference=bundled_reference(), year=2025), pv)
    out = tmp_path / "out"
    workers = [worker(env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
    progress = Progress(postgres_url)
    issued, total = progress.issued, progress.total
    try:
        wait_for(lambda: all(any((tmp_path / "home" / "agents").glob(f"worker-{w.pid}")) for w in workers), "the workers' agents")
        coordinator = subprocess.Popen(
            [SHAHADA, "issue", str(pv), "--session", "2025", "--out", str(out), "--distributed", "--batch-size", "8", "--requeue-after", "20"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        running = lambda: coordinator.poll() is None  # noqa: E731

        def ended(when: str) -> str:
            """Why the coordinator ended early: its own output and the workers' logs."""
            _, err = coordinator.communicate(timeout=60)
            logs = "".join(f"\n--- worker-{n}.log:\n" + (tmp_path / f"worker-{n}.log").read_text()[-1500:] for n in (1, 2))
            return f"the run ended {when} (exit {coordinator.returncode}): {err.decode()[-2000:]}{logs}"
        wait_for(lambda: issued() >= 40 or not running(), "the first batches")
        assert running() and issued() < total(), ended("before anything could be killed")
        broker.kill()  # the broker dies with its messages in hand (appendonly: most survive)
        time.sleep(2)
        broker.start()
        mark = issued()
        wait_for(lambda: issued() >= mark + 40 or not running(), "progress after Redis came back")
        assert running() and issued() < total(), ended("before a worker could be killed")
        os.killpg(workers[0].pid, signal.SIGKILL)  # a worker and its agent, batches in hand
        workers[0].wait(10)
        mark = issued()
        wait_for(lambda: issued() >= mark + 16 or not running(), "progress after the worker was killed")
        assert running() and issued() < total(), ended("before an agent could be killed")
        os.kill(agent_of(workers[1]), signal.SIGKILL)  # the other worker's agent, mid-batch: the worker starts another
        stdout, stderr = coordinator.communicate(timeout=900)
        assert coordinator.returncode == 0, stderr.decode()[-3000:]
        assert workers[1].poll() is None, "the worker whose agent was killed must carry on"
        check_exactly_once(postgres_url, out, env, candidates=candidates)
        # no status index skipped or given twice: each purpose's counter is exactly its entries
        for purpose in ("revocation", "suspension"):
            entries = count(postgres_url, f"SELECT count(*) FROM status_entries WHERE purpose = '{purpose}'")
            assert entries == total()
            assert count(postgres_url, f"SELECT next FROM status_counters WHERE purpose = '{purpose}'") == entries
        assert count(postgres_url, "SELECT count(*) FROM import_failures") == 0
        # no agent_admin_url: the coordinator and each worker started an agent on the one wallet, and
        # each worker signed through its own (moved here from test_distributed, whose run without
        # failures this test covers)
        assert len(sorted((tmp_path / "home" / "agents").iterdir())) == 2
        stop(workers)
        assert "is gone: starting another on the shared wallet" in (tmp_path / "worker-2.log").read_text()  # its agent was replaced
    finally:
        progress.close()
        stop(workers)
        drop_database(wallet)
