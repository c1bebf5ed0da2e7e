"""The printing operation: every issued document of a session (or of one academy) as PDF.

It joins two sibling layers, the archive and sealing (``shahada.issuer``) and the renderer
(``shahada.printing``), so it lives in the installation layer; the CLI (``shahada print``), the
tests and the benchmark all call :func:`print_session`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from shahada.issuer.archive.store import ISSUED, Archive
from shahada.issuer.seal import Sealer, seal_credentials
from shahada.printing.batch import DEFAULT_BATCH_SIZE, PrintReport, print_documents
from shahada.printing.settings import PrintSettings


def print_session(
    archive: Archive,
    sealer: Sealer,
    out: Path,
    *,
    year: int,
    base_url: str,
    academy: str | None = None,
    kind: str | None = None,
    jobs: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    batch_pdf: bool = False,
    progress: Callable[[int, int], None] | None = None,
    settings: PrintSettings | None = None,
) -> PrintReport:
    """Seal (through ``sealer``) and render every issued credential of ``year`` — only ``academy``'s
    and only ``kind`` (``diploma``, ``transcript``) when given — under ``out``; resumable: what is
    already printed is skipped. ``settings``: the installation's emblem and signatory (default: the
    neutral ones).

    Raises:
        SealingError, AgentError: a document could not be sealed; what was written stays.
    """

    def seal(credentials: list[Any]) -> list[str]:
        return seal_credentials(credentials, sealer, base_url=base_url)

    total = archive.count(status=ISSUED, session_year=year, academy=academy, kind=kind)
    stored = archive.credentials(session_year=year, academy=academy, kind=kind)
    return print_documents(
        (c.document for c in stored),
        out,
        seal=seal,
        total=total,
        jobs=jobs,
        batch_size=batch_size,
        batch_pdf=batch_pdf,
        progress=progress,
        settings=settings,
    )
