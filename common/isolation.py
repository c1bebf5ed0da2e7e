"""Expensive work on foreign input, done in worker processes that can be killed.

A thread cannot be cancelled: a request stuck in RDF canonicalization or in PDFium holds its
thread, its CPU and its memory until the work ends, however long that is. :class:`WorkerPool`
runs such work in a small pool of worker processes (pebble's ``ProcessPool``), each with

* a memory ceiling (``RLIMIT_AS``: an allocation past it fails, or the worker dies),
* a CPU ceiling for each task (``RLIMIT_CPU``, raised by the task's allowance before it starts:
  past it the kernel kills the worker),
* a wall-clock timeout for each task, past which the pool kills the worker and starts a new one,
* a bounded admission: at most ``processes`` tasks run, callers wait for a free worker in arrival
  order and no longer than ``max_wait`` (and their :class:`Deadline`), and nothing queues behind a
  stuck task unseen.

Workers are forked from a fork server (a fresh interpreter, not the threaded service) when the
first task arrives, each after ``max_tasks`` tasks is replaced (its CPU count starts again). Errors::

    ShahadaError
    └── WorkError              work.failed       the worker died (memory, CPU, a crash)   422
        ├── WorkTimeoutError   work.timeout      the task ran past its timeout           422
        └── WorkBusyError      service.busy      no worker free before the deadline;     503
                                                 or the pool is stopping
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Final, Self

from pebble import ProcessExpired, ProcessFuture, ProcessPool

from shahada.common.errors import ShahadaError

__all__ = ["Deadline", "WorkBusyError", "WorkError", "WorkLimits", "WorkTimeoutError", "WorkerPool"]

# Workers are forked from a fork server: a fresh interpreter started once per process that uses a
# pool (not a fork of the threaded service: it holds none of its memory, secrets included), which has
# imported the pools' task modules (``preload``): a worker starts in milliseconds instead of
# importing them again (0.2-0.7 s of CPU each with ``spawn``), and a killed one is replaced as fast.
_FORKSERVER: Final = multiprocessing.get_context("forkserver")
_PRELOAD: set[str] = {"shahada.common.isolation"}
_PRELOAD_LOCK: Final = threading.Lock()


def _preload(modules: Sequence[str]) -> None:
    """Have the fork server import ``modules`` (when it is not started yet; once started, each
    worker imports what it lacks itself)."""
    with _PRELOAD_LOCK:
        if not set(modules) <= _PRELOAD:
            _PRELOAD.update(modules)
            _FORKSERVER.set_forkserver_preload(sorted(_PRELOAD))


# Seconds a task may wait, beyond its own timeout, for a worker being started (a new interpreter
# importing the canonicalizer and the schemas: ~1-3 s on a quiet machine, over 10 s seen at load
# 16-20, where 5 s answered genuine requests 503 service.busy). Bounded, so a pool that cannot
# start still answers.
_RESPAWN_GRACE: Final = 30.0


class WorkError(ShahadaError):
    code = "work.failed"
    http_status = 422


class WorkTimeoutError(WorkError):
    code = "work.timeout"
    http_status = 422


class WorkBusyError(WorkError):
    code = "service.busy"
    http_status = 503


@dataclass(frozen=True, slots=True)
class Deadline:
    """A point in time (``time.monotonic``) by which a request must be answered."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())


@dataclass(frozen=True, slots=True)
class WorkLimits:
    """Attributes:
    processes: worker processes (tasks running at once).
    timeout: wall-clock seconds one task may run before its worker is killed.
    cpu_seconds: CPU seconds one task may use (``RLIMIT_CPU`` of the worker).
    memory_bytes: address space of a worker (``RLIMIT_AS``).
    max_tasks: tasks a worker runs before it is replaced (a new worker takes a second or more
        to start: rarely).
    max_wait: seconds a task may wait for a free worker before ``service.busy`` (a request
        thread waiting longer would be starved for the same reason).
    nice: added to the workers' scheduling niceness: slow work (PDFs) yields the CPU to the
        rest of the service.
    """

    processes: int = 2
    timeout: float = 5.0
    cpu_seconds: int = 5
    memory_bytes: int = 1 << 30
    max_tasks: int = 10_000
    max_wait: float = 1.0
    nice: int = 0


def _limit_worker(memory_bytes: int, nice: int, initializer: Callable[..., None] | None, initargs: Sequence[Any]) -> None:
    """Runs first in each worker: cap its address space, lower its priority, then the caller's
    initializer."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    if nice:
        os.nice(nice)
    if initializer is not None:
        initializer(*initargs)


def _run_limited[T](cpu_seconds: int, function: Callable[..., T], args: Sequence[Any]) -> T:
    """Runs each task in its worker: the CPU ceiling becomes what the worker used so far plus the
    task's allowance (``RLIMIT_CPU`` counts the whole process)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    return function(*args)


class _FairSlots:
    """A counting semaphore that serves waiters in arrival order (``threading.Semaphore`` wakes an
    arbitrary one): under a flood of hostile tasks a genuine one waits its turn, not its luck."""

    def __init__(self, count: int) -> None:
        self._free = count
        self._waiting: deque[object] = deque()
        self._changed = threading.Condition()

    def acquire(self, timeout: float) -> bool:
        me = object()
        end = time.monotonic() + timeout
        with self._changed:
            self._waiting.append(me)
            while not (self._free > 0 and self._waiting[0] is me):
                left = end - time.monotonic()
                if left <= 0:
                    self._waiting.remove(me)
                    self._changed.notify_all()
                    return False
                self._changed.wait(left)
            self._waiting.popleft()
            self._free -= 1
            self._changed.notify_all()
            return True

    def release(self) -> None:
        with self._changed:
            self._free += 1
            self._changed.notify_all()


def _ready() -> None:
    """A task that does nothing: scheduling it makes a worker start."""


def _stop_pool(pool: ProcessPool, timeout: float = 2.0) -> None:
    pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
    pool.join(timeout)


class WorkerPool:
    """A pool of limited worker processes (see the module docstring).

    Args:
        limits: the pool's size and each task's limits.
        initializer, initargs: run once in each worker (e.g. to build a document loader there);
            both must be picklable (a module-level function, plain data).
        preload: modules the fork server imports for the workers (those of the tasks and the
            initializer), so that a worker does not import them itself.
    """

    def __init__(
        self, limits: WorkLimits = WorkLimits(), *, initializer: Callable[..., None] | None = None, initargs: Sequence[Any] = (), preload: Sequence[str] = ()
    ) -> None:
        if limits.processes < 1:
            raise ValueError("a worker pool needs at least one process")
        self.limits = limits
        self._initializer = initializer
        self._initargs = tuple(initargs)
        self._preload = tuple(preload)
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()
        self._slots = _FairSlots(limits.processes)
        self._stopped = False
        self._running: set[ProcessFuture[Any]] = set()

    def _started(self) -> ProcessPool:
        with self._lock:
            if self._stopped:
                raise WorkBusyError("the service is stopping")
            if self._pool is None:
                _preload(self._preload)
                self._pool = ProcessPool(
                    max_workers=self.limits.processes,
                    max_tasks=self.limits.max_tasks,
                    initializer=_limit_worker,
                    initargs=(self.limits.memory_bytes, self.limits.nice, self._initializer, self._initargs),
                    context=_FORKSERVER,
                )
                weakref.finalize(self, _stop_pool, self._pool)  # a pool nobody closed stops with its owner
            return self._pool

    def run[T](self, function: Callable[..., T], *args: Any, deadline: Deadline | None = None, what: str = "the work") -> T:
        """``function(*args)`` in a worker; its exceptions are raised here (they must pickle).

        Raises:
            WorkBusyError (service.busy): no worker free before ``deadline``, or the pool stopped.
            WorkTimeoutError (work.timeout): the task ran past the pool's timeout or the deadline.
            WorkError (work.failed): the worker died (memory or CPU ceiling, a crash).
        """
        wait = min(self.limits.max_wait, deadline.remaining()) if deadline is not None else self.limits.max_wait
        if not self._slots.acquire(timeout=wait):
            raise WorkBusyError(f"every worker is busy: {what} could not start within {wait:.1f} s; try again")
        try:
            timeout = self.limits.timeout if deadline is None else min(self.limits.timeout, deadline.remaining())
            if timeout <= 0:
                raise WorkTimeoutError(f"{what} had no time left before the request's deadline")
            future = self._started().schedule(_run_limited, args=(self.limits.cpu_seconds, function, args), timeout=timeout)
            with self._lock:
                self._running.add(future)
            try:
                # the task's own timeout starts when a worker takes it; a worker being replaced
                # (after a kill) may delay that: the wait as a whole is bounded too
                result: T = future.result(timeout=timeout + _RESPAWN_GRACE)
                return result
            except FutureTimeout as err:
                if not future.done():
                    started = future.running()
                    future.cancel()  # type: ignore[no-untyped-call]
                    if not started:
                        raise WorkBusyError(f"no worker could take {what} in time; try again") from err
                raise WorkTimeoutError(f"{what} took longer than {timeout:.1f} s and was stopped") from err
            except ProcessExpired as err:
                raise WorkError(f"{what} was stopped: it went past the memory or CPU limits (worker exit {err.exitcode})") from err
            except MemoryError as err:
                raise WorkError(f"{what} needed more memory than the {self.limits.memory_bytes >> 20} MiB allowed") from err
            except (CancelledError, RuntimeError) as err:  # cancelled by close(), or pebble's pool stopped
                if self._stopped:
                    raise WorkBusyError("the service is stopping") from err
                raise
            finally:
                with self._lock:
                    self._running.discard(future)
        finally:
            self._slots.release()

    def start(self, *, wait: float = 0.0) -> None:
        """Start the workers now rather than at the first task (a service calls this when it
        starts listening: a worker takes about a second to import what it runs); with ``wait``,
        for at most that many seconds until each has run a first task."""
        pool = self._started()
        futures = [pool.schedule(_ready) for _ in range(self.limits.processes)]
        for future in futures if wait else ():
            future.result(timeout=wait)

    def close(self, timeout: float = 2.0) -> None:
        """Stop the workers (killing running tasks: their callers get ``service.busy``)."""
        with self._lock:
            self._stopped = True
            pool, self._pool = self._pool, None
            running, self._running = set(self._running), set()
        for future in running:
            future.cancel()  # type: ignore[no-untyped-call]  # pebble stops the worker of a running task; its caller gets service.busy
        if pool is not None:
            _stop_pool(pool, timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
