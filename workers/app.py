"""The Celery application: broker from the environment, no result backend (the archive is the state).

``SHAHADA_BROKER_URL`` (default ``redis://127.0.0.1:6379/0``), ``SHAHADA_BROKER_PREFIX`` (a key
prefix of the installation's own, so that several installations or test runs share one Redis),
``SHAHADA_BROKER_VISIBILITY`` (seconds after which a message taken by a worker that died unacked
is handed to another worker; default 300, far above a batch's few seconds),
``SHAHADA_WORKER_MAX_RETRIES`` (retries of a task whose agent, archive or broker failed, with
exponential backoff and jitter; default 12) and ``SHAHADA_WORKER_RETRY_MAX_DELAY`` (the longest
wait between two, seconds; default 60): past them the batch has failed for good
(:mod:`shahada.issuer.archive.failures`). ``SHAHADA_BROKER_PATIENCE`` (seconds a command keeps
trying to hand a message to a broker that cannot be reached — a Redis restarted or failed over —
before it stops with ``worker.broker_unavailable``; default 15).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import kombu.exceptions
import redis.exceptions
from celery import Celery

from shahada.workers import QUEUES
from shahada.workers.errors import BrokerUnavailableError

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def broker_options(env: Mapping[str, str]) -> dict[str, object]:
    options: dict[str, object] = {"visibility_timeout": float(env.get("SHAHADA_BROKER_VISIBILITY") or 300)}
    prefix = env.get("SHAHADA_BROKER_PREFIX")
    if prefix:
        options["global_keyprefix"] = prefix
    return options


def retry_options(env: Mapping[str, str] | None = None) -> dict[str, object]:
    """The tasks' retry policy (Celery task options) from the environment."""
    env = os.environ if env is None else env
    return {
        "retry_backoff": True,
        "retry_backoff_max": int(env.get("SHAHADA_WORKER_RETRY_MAX_DELAY") or 60),
        "retry_jitter": True,
        "max_retries": int(env.get("SHAHADA_WORKER_MAX_RETRIES") or 12),
    }


def publish_retry_policy(patience: float) -> dict[str, float]:
    """kombu's retry policy for publishing: retries 0.5 s apart at first, then 2 s apart, as many
    as fit in ``patience`` seconds (0: one try only)."""
    waits, step, cap = 0.0, 0.5, 2.0
    retries = 0
    while waits + min(step * (retries + 1), cap) <= patience:
        retries += 1
        waits += min(step * retries, cap)
    return {"max_retries": retries, "interval_start": step, "interval_step": step, "interval_max": cap}


def make_app(env: Mapping[str, str] | None = None) -> Celery:
    env = os.environ if env is None else env
    app = Celery(
        "shahada",
        broker=env.get("SHAHADA_BROKER_URL") or DEFAULT_BROKER,
        include=["shahada.workers.tasks", "shahada.workers.publication", "shahada.workers.print_tasks"],
    )
    app.conf.update(
        broker_transport_options=broker_options(env),
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy=publish_retry_policy(float(env.get("SHAHADA_BROKER_PATIENCE") or 15)),
        task_ignore_result=True,
        task_acks_late=True,  # a message is acknowledged once its batch is committed…
        task_reject_on_worker_lost=True,  # …and handed to another worker when this one dies
        worker_prefetch_multiplier=1,  # a worker holds only the batches it is signing
        task_default_queue=QUEUES[0],
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
    )
    return app


app = make_app()


def send(app: Celery, task: str, args: Sequence[Any], *, queue: str) -> None:
    """``app.send_task``, a broker that cannot be reached (after kombu's own retries) reported as
    :class:`BrokerUnavailableError`, not a traceback: what was stored stays, and the command, run
    again once the broker is back, resumes."""
    try:
        app.send_task(task, args=tuple(args), queue=queue)
    except (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError) as err:
        raise BrokerUnavailableError(f"the broker cannot be reached ({err}); start it (SHAHADA_BROKER_URL) and run the command again: it resumes") from err
