"""The verifier service's expensive work on foreign input, as tasks for worker processes
(:class:`shahada.common.isolation.WorkerPool`): the ``signature`` check (JSON-LD expansion, RDFC-1.0
or JCS, Ed25519) and reading a photo's or a PDF's QR codes (Pillow, PDFium, zxing-cpp).

This module sits outside :mod:`shahada.verifier.web` on purpose: a spawned worker imports the
module of its task, and the web package would bring Flask, SQLAlchemy and the whole service into
every worker (0.65 s of CPU a worker start instead of about 0.3 s).

Each worker gets the service's pinned loader once (:func:`start_worker`); a task's arguments and
result are plain data. What a worker raises (``scan.*``) reaches the service unchanged.

:class:`VerifierWorkers` keeps two pools: signatures (fast, ~10 ms a credential) and scans (a
genuine PDF page is ~0.3 s): a PDF bomb, which holds a scan worker until its timeout, then never
delays the verification of a credential, a presentation or a QR text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shahada.common.isolation import Deadline, WorkerPool, WorkLimits
from shahada.proofs import SUITES
from shahada.proofs.canonical import DocumentLoader
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.checks import ProofChoice, check_signature
from shahada.verifier.result import Check
from shahada.verifier.scan import read_qr_texts

__all__ = ["IsolatedSignatureCheck", "VerifierWorkers", "scan_task", "signature_task", "start_worker"]

SCAN_NICE = 10  # scans (up to work_timeout of PDFium each) yield the CPU to everything else
_loader: list[PinnedDocumentLoader] = []  # this worker's loader, set once by start_worker


def start_worker(loader: PinnedDocumentLoader) -> None:
    """The pool's initializer: runs once in each worker process."""
    _loader[:] = [loader]


def signature_task(document: Mapping[str, Any], proof: Mapping[str, Any], suite: str, public_key: bytes) -> Check:
    return check_signature(document, ProofChoice(proof, SUITES[suite]), public_key, _loader[0])


def scan_task(data: bytes) -> list[str]:
    return read_qr_texts(data)


class IsolatedSignatureCheck:
    """A :class:`shahada.verifier.checks.SignatureCheck` that runs in ``pool`` within ``deadline``
    (the worker's loader stands for the one passed: both are the service's)."""

    def __init__(self, pool: WorkerPool, deadline: Deadline) -> None:
        self._pool = pool
        self._deadline = deadline

    def __call__(self, credential: Mapping[str, Any], choice: ProofChoice, public_key: bytes, loader: DocumentLoader) -> Check:
        return self._pool.run(
            signature_task, dict(credential), dict(choice.proof), choice.suite.name, public_key,
            deadline=self._deadline, what="checking the signature",
        )


@dataclass(frozen=True, slots=True)
class VerifierWorkers:
    """The verifier service's two pools (see the module docstring)."""

    signatures: WorkerPool
    scans: WorkerPool

    @classmethod
    def create(
        cls, loader: PinnedDocumentLoader, *, processes: int = 2, scan_processes: int = 1, timeout: float = 5.0, memory_mib: int = 1024, scan_nice: int = SCAN_NICE
    ) -> VerifierWorkers:
        """Pools of ``processes`` and ``scan_processes`` workers; each task killed past ``timeout``
        seconds (wall clock, and as many CPU seconds), each worker limited to ``memory_mib``. The
        scan workers run ``scan_nice`` nicer than the service (tests on a loaded machine pass 0: a
        niced worker then gets so little CPU that a genuine page misses its wall-clock timeout)."""

        def limits(count: int, nice: int) -> WorkLimits:
            return WorkLimits(processes=count, timeout=timeout, cpu_seconds=max(1, round(timeout)), memory_bytes=memory_mib << 20, nice=nice)

        return cls(
            signatures=WorkerPool(limits(processes, 0), initializer=start_worker, initargs=(loader,), preload=(__name__,)),
            scans=WorkerPool(limits(scan_processes, scan_nice), preload=(__name__,)),
        )

    def start(self, *, wait: float = 0.0) -> None:
        self.signatures.start(wait=wait)
        self.scans.start(wait=wait)

    def close(self) -> None:
        self.signatures.close()
        self.scans.close()
