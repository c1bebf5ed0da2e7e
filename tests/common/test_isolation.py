"""The worker pool of expensive work (``shahada.common.isolation``): real worker processes, killed
past their time, memory or CPU; a full pool refuses instead of queueing; errors raised in a worker
reach the caller with their code; closing the pool ends a stuck task at once."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from shahada.common.isolation import Deadline, WorkBusyError, WorkerPool, WorkError, WorkLimits, WorkTimeoutError
from shahada.verifier.errors import ScanError


def pid() -> int:
    return os.getpid()


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def spin() -> None:
    while True:
        pass


def allocate(size: int) -> int:
    return len(bytearray(size))


def fail() -> None:
    raise ScanError("no QR code here", code="scan.no_code")


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(WorkLimits(processes=1, timeout=2.0, cpu_seconds=1, memory_bytes=512 << 20)) as pool:
        pool.start()
        yield pool


def test_work_runs_in_another_process(pool: WorkerPool) -> None:
    assert pool.run(pid) != os.getpid()
    assert pool.run(sleep, 0.01) == "slept"


HELD_BY_THE_SERVICE: list[str] = []  # stands for what a service holds in memory once it runs (keys, requests)


def held() -> list[str]:
    return list(HELD_BY_THE_SERVICE)


def test_a_worker_holds_none_of_the_services_memory() -> None:
    """Workers are forked from a fork server, a fresh interpreter: not from the service (as a plain
    fork would), so nothing the service came to hold is in them."""
    HELD_BY_THE_SERVICE.append("a secret the service read after it started")
    try:
        with WorkerPool(WorkLimits(processes=1), preload=(__name__,)) as fresh:
            assert fresh.run(held) == []
            assert fresh.run(pid) != os.getpid()
    finally:
        HELD_BY_THE_SERVICE.clear()


def test_a_task_past_its_timeout_is_killed_and_the_next_one_runs(pool: WorkerPool) -> None:
    first = pool.run(pid)
    with pytest.raises(WorkTimeoutError) as raised:
        pool.run(sleep, 60)
    assert raised.value.code == "work.timeout" and raised.value.http_status == 422
    assert pool.run(pid) != first  # a new worker took the place of the killed one


def test_a_deadline_shorter_than_the_timeout_wins(pool: WorkerPool) -> None:
    with pytest.raises(WorkTimeoutError):
        pool.run(sleep, 60, deadline=Deadline.after(0.5))


def test_memory_and_cpu_ceilings(pool: WorkerPool) -> None:
    with pytest.raises(WorkError) as raised:
        pool.run(allocate, 1 << 30)  # twice the worker's address space
    assert raised.value.code == "work.failed"
    with pytest.raises(WorkError) as raised:  # RLIMIT_CPU (1 s) before the 2 s timeout
        pool.run(spin)
    assert raised.value.code in ("work.failed", "work.timeout")
    assert pool.run(allocate, 1 << 20) == 1 << 20


def test_errors_keep_their_code(pool: WorkerPool) -> None:
    with pytest.raises(ScanError) as raised:
        pool.run(fail)
    assert raised.value.code == "scan.no_code" and raised.value.message == "no QR code here"


def test_a_full_pool_refuses_before_the_deadline(pool: WorkerPool) -> None:
    stuck = threading.Thread(target=lambda: pytest.raises(WorkError, pool.run, sleep, 60), daemon=True)
    stuck.start()
    time.sleep(0.3)
    with pytest.raises(WorkBusyError) as raised:
        pool.run(pid, deadline=Deadline.after(0.2))
    assert raised.value.code == "service.busy" and raised.value.http_status == 503
    stuck.join(10)


def test_closing_ends_a_stuck_task() -> None:
    pool = WorkerPool(WorkLimits(processes=1, timeout=120))
    outcome: list[BaseException] = []

    def stuck() -> None:
        try:
            pool.run(sleep, 120)
        except BaseException as err:
            outcome.append(err)

    thread = threading.Thread(target=stuck)
    thread.start()
    time.sleep(2)
    started = time.monotonic()
    pool.close()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - started < 5
    assert isinstance(outcome[0], WorkBusyError), outcome
    with pytest.raises(WorkBusyError):
        pool.run(pid)
