"""Batch printing of a session: every issued document, one PDF each, and print-ready batch PDFs.

Designed for a national session (hundreds of thousands of pages):

- documents are streamed from the archive, grouped by (kind, academy) into batches;
- the parent process seals each batch through the agent (one request for up to 500 seals) while
  worker processes (``spawn``: no fork of a threaded parent) render earlier batches, each worker
  with one :class:`~shahada.printing.pdf.Renderer` (templates, stylesheet and fonts loaded once);
- resumable: a document whose PDF exists is neither sealed nor rendered again, a batch whose PDF
  exists is skipped; every file is written atomically, so an interrupted run leaves only whole
  files and a rerun finishes the rest; a document's PDF is written once (never replaced), even by
  two workers handed the same batch (``shahada print --distributed``).

Layout of ``out``::

    diploma/<academy>/<document number>.pdf
    transcript/<academy>/<document number>.pdf
    batches/<kind>-<academy>-<index>-<digest>.pdf   (with batch_pdf; digest: of the batch's ids)
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from shahada.printing.errors import PrintingError, SealingError
from shahada.printing.pdf import Renderer, backgrounds, write_atomic, write_once
from shahada.printing.settings import PrintSettings

DEFAULT_BATCH_SIZE: Final = 100
Progress = Callable[[int, int], None]
SealBatch = Callable[[list[Mapping[str, Any]]], list[str]]  # credentials → QR texts, in order


@dataclass(frozen=True, slots=True)
class PrintItem:
    """One document to print: where its PDF goes, and its signed credential."""

    path: Path
    credential: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Batch:
    kind: str
    academy: str
    index: int
    items: tuple[PrintItem, ...]
    path: Path | None  # the batch PDF, or None when batch PDFs are not asked for

    def todo(self) -> list[PrintItem]:
        return [i for i in self.items if not i.path.exists()]

    def done(self) -> bool:
        return not self.todo() and (self.path is None or self.path.exists())


@dataclass(slots=True)
class PrintReport:
    documents: int = 0  # documents of the selection
    rendered: int = 0  # rendered in this run
    skipped: int = 0  # already printed by an earlier run
    batches: int = 0  # batch PDFs written in this run
    errors: list[str] = field(default_factory=list)
    index: Path | None = None  # the print index, when the caller wrote one


def document_path(out: Path, credential: Mapping[str, Any]) -> Path:
    kind = "diploma" if "BaccalaureateDiploma" in credential["type"] else "transcript"
    subject = credential["credentialSubject"]
    return out / kind / str(subject["academy"]["code"]) / f"{subject['documentNumber']}.pdf"


def plan_batches(credentials: Iterable[Mapping[str, Any]], out: Path, *, batch_size: int, batch_pdf: bool) -> Iterator[Batch]:
    """Group documents into batches of ``batch_size`` per (kind, academy), in the given order."""
    pending: dict[tuple[str, str], list[PrintItem]] = {}
    counters: dict[tuple[str, str], int] = {}

    def emit(key: tuple[str, str]) -> Batch:
        items = tuple(pending.pop(key))
        counters[key] = counters.get(key, 0) + 1
        digest = hashlib.sha256("\n".join(str(i.credential["id"]) for i in items).encode()).hexdigest()[:8]
        path = out / "batches" / f"{key[0]}-{key[1]}-{counters[key]:05d}-{digest}.pdf" if batch_pdf else None
        return Batch(key[0], key[1], counters[key], items, path)

    for credential in credentials:
        path = document_path(out, credential)
        key = (path.parent.parent.name, path.parent.name)
        pending.setdefault(key, []).append(PrintItem(path, credential))
        if len(pending[key]) >= batch_size:
            yield emit(key)
    for key in sorted(pending):
        yield emit(key)


# --- workers ------------------------------------------------------------------------------------

_renderer: Renderer | None = None


def _init_worker(settings: PrintSettings | None = None, drawn: Mapping[str, bytes] | None = None) -> None:
    global _renderer
    _renderer = Renderer(settings, backgrounds=drawn)


def render_pool(jobs: int, settings: PrintSettings | None = None) -> ProcessPoolExecutor:
    """``jobs`` rendering processes (``spawn``: no fork of a threaded parent), each with one
    :class:`Renderer`; the security backgrounds are drawn once, here, and handed to them."""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(settings, backgrounds()))


def render_batch(batch: Batch, seals: Mapping[str, str]) -> tuple[int, int]:
    """Render a batch (in a worker): the missing document PDFs (PDF/A) and, if asked, the batch
    PDF (all its pages typeset in one go). Returns (documents rendered, batch PDFs written)."""
    renderer = _renderer or Renderer()
    todo = batch.todo()
    files = renderer.pdf_each((i.credential, seals[str(i.credential["id"])]) for i in todo)  # 25 a compile, split
    rendered = 0
    for item, data in zip(todo, files, strict=True):
        rendered += write_once(item.path, data)  # another worker handed the same batch may have written it meanwhile
    if batch.path is not None and not batch.path.exists():
        title = f"{batch.kind} {batch.academy} {batch.index}"
        write_atomic(batch.path, renderer.pdf_many(((i.credential, seals[str(i.credential["id"])]) for i in batch.items), title=title))
        return rendered, 1
    return rendered, 0


# --- the printer --------------------------------------------------------------------------------


def print_documents(
    credentials: Iterable[Mapping[str, Any]],
    out: Path,
    *,
    seal: SealBatch,
    total: int,
    jobs: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    batch_pdf: bool = False,
    progress: Progress | None = None,
    on_done: Callable[[Batch], None] | None = None,
    settings: PrintSettings | None = None,
) -> PrintReport:
    """Print ``credentials`` (signed, archived) under ``out``; see the module docstring.

    Args:
        credentials: the documents, streamed (e.g. from ``Archive.credentials``).
        out: the output directory.
        seal: seals a list of credentials (the agent, through ``shahada.issuer.seal``).
        total: the number of documents, for progress.
        jobs: worker processes (default: the number of cores).
        batch_size: documents per batch (and per batch PDF).
        batch_pdf: also write one print-ready PDF per batch.
        progress: called with (documents done, total) as batches finish.
        on_done: called with each batch once every one of its PDFs exists (printed now or earlier),
            e.g. to record what was printed.
        settings: the installation's emblem and signatory (default: the neutral ones).

    Returns:
        What was printed, skipped and failed.

    Raises:
        SealingError: ``print.seal``, the agent could not seal a batch.
        PrintingError: a batch could not be rendered or written (its error code).
    """
    report = PrintReport()
    jobs = max(1, jobs or os.cpu_count() or 1)
    in_flight: list[tuple[Batch, Future[tuple[int, int]]]] = []
    done = 0

    def collect(block_until: int) -> None:
        nonlocal done
        while len(in_flight) > block_until:
            batch, future = in_flight.pop(0)
            rendered, written = future.result()
            report.rendered += rendered
            report.batches += written
            done += len(batch.items)
            if on_done:
                on_done(batch)
            if progress:
                progress(done, total)

    with render_pool(jobs, settings) as pool:
        try:
            for batch in plan_batches(credentials, out, batch_size=batch_size, batch_pdf=batch_pdf):
                report.documents += len(batch.items)
                if batch.done():
                    report.skipped += len(batch.items)
                    done += len(batch.items)
                    if on_done:
                        on_done(batch)
                    if progress:
                        progress(done, total)
                    continue
                report.skipped += len(batch.items) - len(batch.todo())
                to_seal = [i.credential for i in (batch.items if batch.path is not None and not batch.path.exists() else batch.todo())]
                try:
                    texts = seal(to_seal)
                except PrintingError:
                    raise
                except Exception as err:  # the agent's errors, wrapped with the batch named
                    raise SealingError(f"batch {batch.kind}-{batch.academy}-{batch.index}: sealing failed: {err}") from err
                seals = {str(c["id"]): t for c, t in zip(to_seal, texts, strict=True)}
                in_flight.append((batch, pool.submit(render_batch, batch, seals)))
                collect(2 * jobs)  # keep the workers fed while sealing ahead
            collect(0)
        except BaseException:
            for _, future in in_flight:
                future.cancel()
            raise
    return report
