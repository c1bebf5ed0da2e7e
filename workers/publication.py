"""Status publication on the workers: one ``shahada.publish`` task per status list, on the
``publish`` queue. A task re-signs its list through the worker's agent if it is still due, under
the list's lock (:mod:`shahada.issuer.archive.locks`): two tasks for one list, or a task and an
operator's ``shahada status publish``, never sign it at once, and the second finds it published.
Idempotent like the signing tasks: a task delivered twice signs nothing the second time."""

from __future__ import annotations

from collections.abc import Sequence

import requests
from celery import Celery
from sqlalchemy.exc import OperationalError

from shahada.agent.errors import AgentError
from shahada.issuer.errors import ArchiveError
from shahada.issuer.usecases import publish_status, utc_now
from shahada.workers.app import app, retry_options, send
from shahada.workers.tasks import installation

PUBLISH_QUEUE = "publish"


def enqueue_publication(app: Celery, lists: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """One ``shahada.publish`` message per (purpose, number) list; returns the lists sent."""
    sent = sorted(set(lists))
    for purpose, number in sent:
        send(app, "shahada.publish", (purpose, number), queue=PUBLISH_QUEUE)
    return sent


@app.task(name="shahada.publish", autoretry_for=(AgentError, ArchiveError, OperationalError, requests.ConnectionError), **retry_options())
def publish(purpose: str, number: int) -> bool:
    """Re-sign list ``purpose``/``number`` if it is due; returns whether this task stored it."""
    worker = installation()
    if worker.status is None:  # a did:key ministry has no status lists
        return False
    done = publish_status(
        worker.status, worker.signer, issuer_did=worker.issuer_did, proof_type=worker.signer.proof_type, clock=utc_now, lists=[(purpose, number)]
    )
    return bool(done)
