"""What the console is given to act with: the installation's parts, so that every action goes
through the same use cases as the CLI (:mod:`shahada.issuer.usecases`) and printing through the
installation's ``print_session`` (passed in as :class:`PrintSession`, since it lives above)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive
from shahada.issuer.issuance import Progress, Signer

__all__ = ["Ministry", "PrintSession"]


class PrintSession(Protocol):
    """``shahada.print_session.print_session`` with the installation's sealer and settings bound:
    prints ``year``'s documents of ``academy`` under ``out`` (resumable); returns its report."""

    def __call__(self, *, year: int, academy: str, out: Path, progress: Progress) -> Any: ...


@dataclass(frozen=True, slots=True)
class Ministry:
    """The installation's parts the console uses."""

    archive: Archive
    status: StatusStore | None
    signer: Callable[[], Signer]
    issuer_did: str
    secret: bytes  # the installation's id secret (credential ids, document numbers)
    proof_type: str
    academies: frozenset[str]
    printer: PrintSession | None = None
    concurrency: int = 4
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
