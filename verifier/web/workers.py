"""The verifier service's expensive work on foreign input, as tasks for worker processes
(:class:`shahada.common.isolation.WorkerPool`): the ``signature`` check (JSON-LD expansion, RDFC-1.0
or JCS, Ed25519) and reading a photo's or a PDF's QR codes (Pillow, PDFium, zxing-cpp).

Each worker gets the service's pinned loader once (:func:`start_worker`); a task's arguments and
result are plain data. What a worker raises (``scan.*``) reaches the service unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shahada.common.isolation import Deadline, WorkerPool
from shahada.proofs import SUITES
from shahada.proofs.canonical import DocumentLoader
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.checks import ProofChoice, check_signature
from shahada.verifier.result import Check
from shahada.verifier.scan import read_qr_texts

__all__ = ["IsolatedSignatureCheck", "scan_task", "signature_task", "start_worker"]

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
