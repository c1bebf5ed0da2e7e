"""The printing operation: every issued document of a session (or of one academy) as PDF.

It joins two sibling layers, the archive and sealing (``shahada.issuer``) and the renderer
(``shahada.printing``), so it lives in the installation layer; the CLI (``shahada print``), the
tests and the benchmark all call :func:`print_session`.

Besides the PDFs it records each printed document in the archive (``printed_documents``: what
``shahada session status`` counts as printed) and writes the **print index**, a CSV mapping each
document number to its candidate and file (see :data:`INDEX_COLUMNS`).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from shahada.common.files import remove_orphans
from shahada.issuer.archive.store import ISSUED, Archive
from shahada.issuer.seal import Sealer, seal_archived
from shahada.printing.batch import DEFAULT_BATCH_SIZE, Batch, PrintItem, PrintReport, document_path, print_documents
from shahada.printing.settings import PrintSettings

INDEX_COLUMNS: Final = (
    "document_number", "kind", "session", "academy", "massar",
    "family_name_fr", "given_name_fr", "family_name_ar", "given_name_ar", "file",
)  # fmt: skip


def index_path(out: Path, *, year: int, academy: str | None, kind: str | None) -> Path:
    """``OUT/print-index-<year>[-<academy>][-<kind>].csv``: one index per selection printed."""
    return out / f"print-index-{year}{f'-{academy}' if academy else ''}{f'-{kind}' if kind else ''}.csv"


def _text(values: Any, language: str) -> str:
    for value in values if isinstance(values, list) else ():
        if isinstance(value, dict) and value.get("@language") == language:
            return str(value.get("@value", ""))
    return ""


def index_row(credential: Mapping[str, Any], out: Path) -> list[str]:
    """The print index's row of one credential (see :data:`INDEX_COLUMNS`)."""
    subject = credential["credentialSubject"]
    path = document_path(out, credential)
    session = subject.get("session", {})
    return [
        str(subject["documentNumber"]), path.parent.parent.name, f"{session.get('year', '')} {session.get('code', '')}".strip(),
        str(subject["academy"]["code"]), str(subject.get("massarCode", "")),
        _text(subject.get("familyName"), "fr"), _text(subject.get("givenName"), "fr"),
        _text(subject.get("familyName"), "ar"), _text(subject.get("givenName"), "ar"),
        path.relative_to(out).as_posix(),
    ]


Render = Callable[[Batch, Mapping[str, str]], tuple[int, int]]  # shahada.printing.batch.render_batch, e.g. in a process pool


def print_listed(
    archive: Archive,
    sealer: Sealer,
    out: Path,
    ids: Sequence[str],
    *,
    base_url: str,
    render: Render,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> int:
    """Print the issued credentials ``ids`` under ``out`` (a distributed print task's batch) and
    record them printed. Idempotent: a document whose PDF exists is neither sealed nor rendered
    again, and a PDF is written once, never replaced (two workers handed the same batch write each
    file once between them). A credential whose holder binding is not in the archive yet has it
    computed and stored before it is sealed. Returns how many PDFs this call wrote.

    Raises:
        SealFormatError, PrintingError: a document cannot be sealed or printed (nothing of the
            batch is recorded printed).
        AgentError: the agent could not seal.
    """
    stored = [c for c in archive.stored_many(list(ids)) if c.status == ISSUED]
    items = tuple(PrintItem(document_path(out, c.document), c.document) for c in stored)
    batch = Batch(kind="listed", academy="", index=0, items=items, path=None)
    todo = batch.todo()
    written = 0
    if todo:
        bindings = {c.id: c.holder_binding for c in stored}
        archived = [(i.credential, bindings[str(i.credential["id"])]) for i in todo]
        texts = seal_archived(archived, sealer, base_url=base_url, store=archive.store_holder_bindings)
        written, _ = render(batch, {str(i.credential["id"]): t for i, t in zip(todo, texts, strict=True)})
    archive.record_printed([(str(i.credential["id"]), str(i.path.resolve())) for i in items], at=clock())
    return written


def write_print_index(archive: Archive, out: Path, *, year: int, academy: str | None = None, kind: str | None = None) -> Path:
    """The print index of a selection (:func:`index_path`), written atomically from the archive
    (what ``shahada print --distributed`` writes once every document is printed)."""
    target = index_path(out, year=year, academy=academy, kind=kind)
    with _index_writer(target, out) as add:
        for credential in archive.credentials(session_year=year, academy=academy, kind=kind):
            add(credential.document)
    return target


@contextmanager
def _index_writer(target: Path, out: Path) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """The print index at ``target``: yields ``add(document)``, which writes the document's row. On
    leaving without an error the index replaces the previous one whole (an interrupted run leaves
    the previous index, or none), and what processes killed while writing a PDF left beside the
    rows' files is removed (:func:`shahada.common.files.remove_orphans`)."""
    partial = target.with_name(target.name + ".partial")
    directories: set[Path] = set()
    with partial.open("w", encoding="utf-8-sig", newline="") as index:  # the BOM: spreadsheets then read the Arabic as UTF-8
        writer = csv.writer(index, delimiter=";", lineterminator="\r\n")
        writer.writerow(INDEX_COLUMNS)

        def add(document: Mapping[str, Any]) -> None:
            row = index_row(document, out)
            writer.writerow(row)
            directories.add((out / row[-1]).parent)  # the row's file

        yield add
        index.flush()
        os.fsync(index.fileno())
    os.replace(partial, target)
    for directory in sorted(directories):
        if directory.is_dir():
            remove_orphans(directory)


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
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    settings: PrintSettings | None = None,
) -> PrintReport:
    """Seal (through ``sealer``) and render every issued credential of ``year`` — only ``academy``'s
    and only ``kind`` (``diploma``, ``transcript``) when given — under ``out``; resumable: what is
    already printed is skipped. Each finished batch is recorded as printed in the archive; the
    print index of the selection (:func:`index_path`) is written once every document is printed
    (atomically: an interrupted run leaves the previous index, or none). Seals use the holder
    bindings the archive stored; a document without one yet (issued before bindings were stored,
    or whose binding is computed after signing) has it computed and stored before it is sealed. ``settings``: the
    installation's emblem and signatory (default: the neutral ones).

    Raises:
        SealingError, AgentError: a document could not be sealed; what was written stays.
    """

    holders: dict[str, bytes | None] = {}  # the stored holder bindings of the documents read, until sealed

    def seal(credentials: list[Any]) -> list[str]:  # a binding not stored yet is computed and stored first
        return seal_archived([(c, holders.get(str(c["id"]))) for c in credentials], sealer, base_url=base_url, store=archive.store_holder_bindings)

    def printed(batch: Batch) -> None:
        for item in batch.items:
            holders.pop(str(item.credential["id"]), None)
        archive.record_printed([(str(i.credential["id"]), str(i.path.resolve())) for i in batch.items], at=clock())

    out.mkdir(parents=True, exist_ok=True)
    target = index_path(out, year=year, academy=academy, kind=kind)
    total = archive.count(status=ISSUED, session_year=year, academy=academy, kind=kind)
    stored = archive.credentials(session_year=year, academy=academy, kind=kind)
    with _index_writer(target, out) as add:

        def documents() -> Iterator[Mapping[str, Any]]:
            for credential in stored:
                add(credential.document)
                holders[credential.id] = credential.holder_binding
                yield credential.document

        report = print_documents(
            documents(), out, seal=seal, total=total, jobs=jobs, batch_size=batch_size, batch_pdf=batch_pdf, progress=progress, on_done=printed,
            settings=settings,
        )
    report.index = target
    return report
