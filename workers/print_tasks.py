"""The print queue's task: one batch of archive ids printed by a worker
(:func:`shahada.print_session.print_listed`).

The worker's threads seal through the installation's agent (:func:`shahada.workers.tasks.installation`)
and hand the rendering to a pool of rendering processes of the worker's own (one per core, each
with one Typst renderer: the GIL would keep threads on one core), created on the first batch.
Idempotent against the archive and the output directory: a redelivered batch (a worker killed
mid-batch, a coordinator run again) renders only what has no PDF yet and writes each PDF once.

A batch that cannot be printed for a reason a retry does not cure (a document the template or the
seal refuses, an unwritable output) is recorded under ``OUT/.print-failures/<batch>.json`` (its ids,
the error's code and message) and acknowledged; the coordinator reports it and exits with 1. An
agent or database that does not answer is retried with backoff.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Final

from celery.signals import worker_shutdown

from shahada.agent.errors import AgentError
from shahada.common.errors import ShahadaError
from shahada.common.files import write_private
from shahada.config import Settings, load_settings
from shahada.issuer.seal import AgentSealer
from shahada.print_session import print_listed
from shahada.printing.batch import Batch, render_batch, render_pool
from shahada.printing.errors import TemplateError
from shahada.workers.app import app, retry_options
from shahada.workers.tasks import RETRYABLE, installation

FAILURES: Final = ".print-failures"  # under the output directory: one JSON file per failed batch


@functools.cache
def worker_settings() -> Settings:
    return load_settings()


_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def rendering_pool() -> ProcessPoolExecutor:
    """This worker's rendering processes, started on its first print batch."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = render_pool(os.cpu_count() or 1, worker_settings().printing)
        return _pool


@worker_shutdown.connect
def _stop_pool(**_: Any) -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
            _pool = None


def _discard_pool(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def _render_once(batch: Batch, seals: Mapping[str, str]) -> tuple[int, int]:
    pool = rendering_pool()
    try:
        return pool.submit(render_batch, batch, seals).result()
    except BrokenProcessPool:
        _discard_pool(pool)  # the next call starts a new pool
        raise


def _render(batch: Batch, seals: Mapping[str, str]) -> tuple[int, int]:
    """The batch rendered in this worker's pool. A rendering process that died (out of memory,
    killed) broke the pool: it is replaced and the batch rendered once more; dying again, the
    batch is refused (print.template, recorded as a failed batch) and the worker keeps printing."""
    try:
        return _render_once(batch, seals)
    except BrokenProcessPool:
        pass
    try:
        return _render_once(batch, seals)
    except BrokenProcessPool as err:
        raise TemplateError(f"the rendering process died twice on the {batch.kind} batch {batch.academy}-{batch.index} (memory, or killed)") from err


def failure_path(out: Path, name: str) -> Path:
    return out / FAILURES / f"{name}.json"


def record_failure(out: Path, name: str, ids: list[str], code: str, message: str) -> Path:
    """``OUT/.print-failures/<name>.json``: the batch's ids and why it was not printed."""
    path = failure_path(out, name)
    record = {"batch": name, "ids": ids, "code": code, "error": message, "at": dt.datetime.now(dt.UTC).isoformat()}
    write_private(path, (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


@app.task(name="shahada.print", autoretry_for=RETRYABLE, **retry_options())
def print_batch(ids: list[str], out: str, name: str) -> int:
    """Print the archived credentials ``ids`` under ``out``; returns how many PDFs this task wrote."""
    worker = installation()
    settings = worker_settings()
    sealer = AgentSealer(worker.signer.client, worker.signer.verification_method)
    try:
        return print_listed(worker.archive, sealer, Path(out), ids, base_url=settings.verify_base_url, render=_render)
    except AgentError:
        raise  # retried
    except ShahadaError as err:
        record_failure(Path(out), name, ids, err.code, str(err))
        return 0
