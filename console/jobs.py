"""Background work of the console: a PV's issuance (:func:`shahada.issuer.usecases.issue_pv`) and
an academy's printing (the installation's ``print_session``), each in a thread of the console's
process, with live progress (done, total, rate, ETA) that pages poll.

Both use cases are resumable, so a console restarted in the middle loses nothing: the submission
stays ``issuing`` and an approver's "resume" runs ``issue_pv`` again, which signs only what is left.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shahada.common.errors import ShahadaError
from shahada.console.errors import StateError
from shahada.console.workflow import Workflow
from shahada.issuer.usecases import issue_pv

__all__ = ["JobProgress", "Jobs"]

LOGGER = logging.getLogger(__name__)
SAVE_EVERY = 1.0  # seconds between progress writes to the database


@dataclass
class JobProgress:
    """One running or finished job, as the pages show it."""

    key: str
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    first: int | None = None  # done at the first report: a resumed run's rate counts its own work
    finished: bool = False
    error: str = ""
    outcome: dict[str, Any] = field(default_factory=dict)

    def update(self, done: int, total: int) -> None:
        if self.first is None:
            self.first = done
        self.done, self.total = done, total

    @property
    def rate(self) -> float:
        """Documents per second in this run."""
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return max(self.done - (self.first or 0), 0) / elapsed

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate, None before any progress."""
        if self.total and self.done >= self.total:
            return 0.0
        return (self.total - self.done) / self.rate if self.rate > 0 else None

    def to_dict(self) -> dict[str, Any]:
        eta = self.eta
        return {
            "done": self.done, "total": self.total, "rate": round(self.rate, 2), "eta": None if eta is None else round(eta),
            "finished": self.finished, "error": self.error, **self.outcome,
        }


class Jobs:
    """The console's background jobs, one per key (``issue/<submission>``, ``print/<year>/<academy>``)."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self._lock = threading.Lock()
        self._jobs: dict[str, JobProgress] = {}
        self._threads: dict[str, threading.Thread] = {}

    def get(self, key: str) -> JobProgress | None:
        with self._lock:
            return self._jobs.get(key)

    def running(self, key: str) -> bool:
        with self._lock:
            thread = self._threads.get(key)
            return thread is not None and thread.is_alive()

    def _start(self, key: str, work: Any) -> JobProgress:
        with self._lock:
            thread = self._threads.get(key)
            if thread is not None and thread.is_alive():
                return self._jobs[key]
            job = self._jobs[key] = JobProgress(key)
            thread = self._threads[key] = threading.Thread(target=work, args=(job,), name=f"shahada-console-{key}", daemon=True)
        thread.start()
        return job

    def join(self, key: str, timeout: float | None = None) -> None:
        with self._lock:
            thread = self._threads.get(key)
        if thread is not None:
            thread.join(timeout)

    # --- issuance -------------------------------------------------------------------------------------

    def issue(self, submission_id: int, *, pv: Path, year: int, operator: str) -> JobProgress:
        """Start (or resume) a submission's issuance in the background."""
        workflow, m = self.workflow, self.workflow.ministry

        def work(job: JobProgress) -> None:
            last = [0.0]

            def progress(done: int, total: int) -> None:
                job.update(done, total)
                if time.monotonic() - last[0] >= SAVE_EVERY:
                    last[0] = time.monotonic()
                    workflow.progress(submission_id, done=done, total=total)

            try:
                outcome = issue_pv(
                    pv, archive=m.archive, year=year, signer=m.signer(), issuer_did=m.issuer_did, secret=m.secret, proof_type=m.proof_type,
                    status=m.status, operator=operator, concurrency=m.concurrency, progress=progress, clock=m.clock,
                )
            except ShahadaError as err:
                job.error = f"[{err.code}] {err.message}"
                workflow.progress(submission_id, done=job.done, total=job.total, state="failed", error=job.error)
            except Exception as err:  # a bug must not leave the submission "issuing" for ever
                LOGGER.exception("issuance of submission %s failed", submission_id)
                job.error = f"[server.error] {err}"
                workflow.progress(submission_id, done=job.done, total=job.total, state="failed", error=job.error)
            else:
                job.outcome = {"signed": outcome.signed, "credentials": outcome.info.credential_count, "superseded": outcome.superseded}
                total = max(job.total, outcome.info.credential_count)
                job.update(total, total)
                workflow.progress(submission_id, done=total, total=total, state="issued")
            finally:
                job.finished = True

        return self._start(f"issue/{submission_id}", work)

    # --- printing -------------------------------------------------------------------------------------

    def print_batch(self, year: int, academy: str, out: Path) -> JobProgress:
        """Print ``academy``'s documents of ``year`` under ``out`` in the background."""
        printer = self.workflow.ministry.printer
        if printer is None:
            raise StateError("this console prints nothing (no printer configured)", code="print.unavailable")

        def work(job: JobProgress) -> None:
            try:
                report = printer(year=year, academy=academy, out=out, progress=job.update)
                job.outcome = {"printed": int(report.documents), "errors": len(report.errors)}
            except ShahadaError as err:
                job.error = f"[{err.code}] {err.message}"
            except Exception as err:
                LOGGER.exception("printing %s %s failed", year, academy)
                job.error = f"[server.error] {err}"
            finally:
                job.finished = True

        return self._start(f"print/{year}/{academy}", work)
