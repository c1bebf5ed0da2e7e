"""The Celery application: broker from the environment, no result backend (the archive is the state).

``SHAHADA_BROKER_URL`` (default ``redis://127.0.0.1:6379/0``), ``SHAHADA_BROKER_PREFIX`` (a key
prefix of the installation's own, so that several installations or test runs share one Redis),
``SHAHADA_BROKER_VISIBILITY`` (seconds after which a message taken by a worker that died unacked
is handed to another worker; default 300, far above a batch's few seconds).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from celery import Celery

from shahada.workers import QUEUES

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"

def broker_options(env: Mapping[str, str]) -> dict[str, object]:
    options: dict[str, object] = {"visibility_timeout": float(env.get("SHAHADA_BROKER_VISIBILITY") or 300)}
    prefix = env.get("SHAHADA_BROKER_PREFIX")
    if prefix:
        options["global_keyprefix"] = prefix
    return options


def make_app(env: Mapping[str, str] | None = None) -> Celery:
    env = os.environ if env is None else env
    app = Celery("shahada", broker=env.get("SHAHADA_BROKER_URL") or DEFAULT_BROKER, include=["shahada.workers.tasks", "shahada.workers.print_tasks"])
    app.conf.update(
        broker_transport_options=broker_options(env),
        broker_connection_retry_on_startup=True,
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
