"""The workers' tasks. Each worker process opens the installation once, on its first task — the
archive and an agent: the one ``agent_admin_url`` points at, or its own started on the shared
PostgreSQL wallet (``wallet_postgres``: the ministry key exists once, in that wallet) — and signs
batches with :func:`shahada.issuer.issuance.sign_listed`, idempotent against the archive."""

from __future__ import annotations

import logging
import os
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import requests
from celery import Task
from celery.signals import worker_shutdown
from sqlalchemy.exc import OperationalError

from shahada.agent.errors import AgentError
from shahada.agent.process import AgentProcess
from shahada.common.errors import ConfigError
from shahada.config import Settings, load_settings
from shahada.database import open_archive
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.failures import mark_failed
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive
from shahada.issuer.issuance import AgentSigner, sign_listed
from shahada.issuer.usecases import utc_now
from shahada.ministry import ministry_identity, open_agent
from shahada.status_setup import status_store
from shahada.tls import ensure_local_tls
from shahada.workers.app import app, retry_options

LOGGER = logging.getLogger("shahada.workers")


@dataclass
class WorkerInstallation:
    """What a signing worker holds: the archive, an agent signer and what stops them; the status
    store (None for a did:key ministry) and the ministry's DID, for publish tasks."""

    archive: Archive
    signer: AgentSigner
    audit: AuditLog
    stack: ExitStack
    status: StatusStore | None = None
    issuer_did: str = ""
    agent: AgentProcess | None = None  # the worker's own agent (None: the one agent_admin_url points at)

    def healthy(self) -> bool:
        """False once the worker's own agent has died (killed, crashed): it is started again."""
        return self.agent is None or self.agent.running


def check_agent_settings(settings: Settings) -> None:
    """Raises ConfigError ``config.worker_agent`` when a worker would have no agent to share:
    neither ``agent_admin_url`` nor ``wallet_postgres`` (agents on separate SQLite wallets would
    each hold a different key)."""
    if not settings.agent_admin_url and settings.wallet_postgres is None:
        raise ConfigError(
            "a worker signs through the agent agent_admin_url points at, or its own agent on the shared wallet_postgres: set one",
            code="config.worker_agent",
        )


def open_worker(settings: Settings) -> WorkerInstallation:
    """The archive and the agent of a signing worker (:func:`check_agent_settings` first)."""
    check_agent_settings(settings)
    stack = ExitStack()
    try:
        tls = ensure_local_tls(settings.tls_dir)
        agent, client = open_agent(settings, tls, stack, work_dir=settings.home / "agents" / f"worker-{os.getpid()}", didcomm=False)
        identity = ministry_identity(settings, client)
        archive = open_archive(settings.archive_url)
        stack.callback(archive.close)
    except BaseException:
        stack.close()
        raise
    signer = AgentSigner(client, identity.verification_method, settings.proof_type)
    return WorkerInstallation(archive, signer, AuditLog(archive.engine), stack, status_store(settings, archive), identity.did, agent)


_lock = threading.Lock()
_opened: WorkerInstallation | None = None


def installation() -> WorkerInstallation:
    """This worker process's archive and agent, opened once (``shahada worker`` opens it at start),
    and again when its own agent has died (SIGKILL, a crash): the batch in hand fails, is retried,
    and signs through the new agent on the same wallet."""
    global _opened
    with _lock:
        if _opened is not None and not _opened.healthy():
            LOGGER.warning("the worker's agent (pid %s) is gone: starting another on the shared wallet", _opened.agent.pid if _opened.agent else None)
            dead, _opened = _opened, None
            dead.stack.close()
        if _opened is None:
            _opened = open_worker(load_settings())
        return _opened


@worker_shutdown.connect
def _close(**_: Any) -> None:
    global _opened
    with _lock:
        if _opened is not None:
            _opened.stack.close()
            _opened = None


RETRYABLE = (AgentError, OperationalError, requests.ConnectionError)  # the agent, the archive or the network: worth another try


class SigningTask(Task):  # type: ignore[misc]  # Celery's Task is untyped
    """A signing batch that failed for good (no retry left, or an error no retry mends) marks its
    import failed in the archive, audited (:mod:`shahada.issuer.archive.failures`): the coordinator
    stops with the reason, and its next run retries the batch."""

    def on_failure(self, exc: BaseException, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any], einfo: Any) -> None:
        import_id, ids, operator = args
        reason = f"{type(exc).__name__}: {exc}"
        try:
            worker = installation()
            mark_failed(worker.archive.engine, import_id, ids, reason=reason, at=utc_now(), operator=operator, audit=worker.audit)
        except Exception:  # the archive is out of reach too: the coordinator's stall timer requeues the batch
            LOGGER.exception("batch of import %s failed (%s) and could not be marked failed", import_id, reason)


@app.task(name="shahada.sign", base=SigningTask, autoretry_for=RETRYABLE, **retry_options())
def sign(import_id: int, ids: list[str], operator: str) -> int:
    """Sign those of ``ids`` still pending; returns how many this task stored."""
    worker = installation()
    return sign_listed(worker.archive, import_id, ids, worker.signer, clock=utc_now, audit=worker.audit, operator=operator)
