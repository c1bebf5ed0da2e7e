"""``shahada verify`` for printed documents: a QR text or URL, a photo or scan, or a PDF.

The seal is checked offline against the ministry's DID document (in the local setup the published
``site/did.json``; otherwise resolved over HTTPS, trusted issuers only), then, when the archive is
reachable, against the archived credential. The signed fields are printed so that a person can
compare them with the paper. Exit codes as for credentials: 0 valid, 1 invalid (tampered, another
key, an untrusted issuer, not in the archive), 2 unusable input (no QR code, not a seal, truncated,
oversized), 3 a check could not be completed (the DID document could not be had).

What a file holds is foreign input: its QR codes are read (Pillow, PDFium, zxing-cpp), and a
credential's signature checked (JSON-LD, RDFC-1.0), in a worker process with CPU, memory and time
limits (:func:`cli_work_limits`, the verifier service's :class:`shahada.common.isolation.WorkerPool`),
so a PDF draw-op bomb or a poison graph costs the command at most ``--work-timeout`` seconds and
is reported as unusable input (``work.timeout``, ``work.failed``), never an endless wait.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from shahada.common.errors import ShahadaError
from shahada.common.isolation import Deadline, WorkerPool, WorkLimits

if TYPE_CHECKING:
    from shahada.issuer.archive.store import Archive
    from shahada.schemas.loader import PinnedDocumentLoader
    from shahada.verifier.checks import SignatureCheck
    from shahada.verifier.seal import ArchivedDocument

EXIT_UNUSABLE: Final = 2
_HEADLINE: Final = {
    "valid": "VALID SEAL",
    "invalid": "INVALID SEAL",
    "revoked": "REVOKED: the ministry revoked this document",
    "suspended": "SUSPENDED: the ministry suspended this document",
    "incomplete": "CANNOT VERIFY NOW: a check could not be completed (see below); try again later",
    "unusable": "UNUSABLE: not a seal of this format",
}
_SEAL_TEXT: Final = re.compile(r"(?:^|[/#=:])[A-Za-z2-7]{16,}\s*$")
_MARKS: Final = {"passed": "✓", "failed": "✗", "skipped": "·"}
WORK_TIMEOUT: Final = 30.0  # seconds of one task (a genuine PDF page takes about 0.3 s to read)
WORK_MEMORY: Final = 1 << 30  # bytes of address space of the worker
WORKER_START_WAIT: Final = 60.0  # seconds a command waits for its worker process to start


def cli_work_limits(timeout: float = WORK_TIMEOUT) -> WorkLimits:
    """One worker, killed past ``timeout`` seconds of wall clock or as many of CPU, or past 1 GiB."""
    return WorkLimits(processes=1, timeout=timeout, cpu_seconds=max(1, math.ceil(timeout)), memory_bytes=WORK_MEMORY, max_wait=timeout)


@contextmanager
def isolated_signatures(loader: PinnedDocumentLoader, timeout: float = WORK_TIMEOUT) -> Iterator[SignatureCheck]:
    """A signature check run in a limited worker process (started at the first check)."""
    from shahada.verifier.workers import IsolatedSignatureCheck, start_worker

    with WorkerPool(cli_work_limits(timeout), initializer=start_worker, initargs=(loader,), preload=("shahada.verifier.workers",)) as pool:
        yield IsolatedSignatureCheck(pool, Deadline.after(4 * timeout))


def read_qr_isolated(data: bytes, timeout: float = WORK_TIMEOUT) -> list[str]:
    """The QR texts of an image or PDF, read in a limited worker process.

    Raises:
        ScanError (scan.*): no QR code, an unreadable file; WorkError (work.timeout, work.failed).
    """
    from shahada.verifier.workers import scan_task

    with WorkerPool(cli_work_limits(timeout), preload=("shahada.verifier.workers",)) as pool:
        _start(pool)
        return pool.run(scan_task, data, what="reading the file's QR code")


def _start(pool: WorkerPool) -> None:
    """Wait until the command's one worker is up before its task's clock starts: a new interpreter
    can take longer than the task's timeout on a loaded machine, and the operator's own file would
    get ``service.busy``. A worker not up within :data:`WORKER_START_WAIT` seconds is reported so
    by ``run``."""
    try:
        pool.start(wait=WORKER_START_WAIT)
    except TimeoutError:
        pass


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a QR text too long for a file name, or holding a NUL
        return False


def is_paper(source: str) -> bool:
    """Whether ``source`` is a printed document's seal (text, URL, image, PDF) rather than a
    credential file: an existing PNG, JPEG or PDF file, a text file or argument ending with a seal."""
    from shahada.verifier.scan import is_scannable

    path = Path(source)
    if _is_file(path):
        try:
            with path.open("rb") as handle:
                head = handle.read(4096)
        except OSError:
            return False
        if is_scannable(head):
            return True
        text = head.decode("utf-8", errors="replace").strip()
        return not text.startswith(("{", "[")) and bool(_SEAL_TEXT.search(text)) and path.stat().st_size < 8192
    return bool(_SEAL_TEXT.search(source))


def seal_text_of(source: str, work_timeout: float = WORK_TIMEOUT) -> str:
    """The seal text: read from the QR code of an image or PDF (in a limited worker process), from
    a text file, or as given.

    Raises:
        ScanError: no QR code, or an unreadable file (codes ``scan.*``).
        WorkError: reading the file went past the limits (``work.timeout``, ``work.failed``).
    """
    from shahada.verifier.errors import ScanError
    from shahada.verifier.scan import MAX_FILE_BYTES, is_scannable

    path = Path(source)
    if not _is_file(path):
        return source
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScanError(f"{path} is larger than {MAX_FILE_BYTES} bytes", code="scan.too_large")
        data = path.read_bytes()
    except OSError as err:
        raise ScanError(f"cannot read {path}: {err}", code="scan.unreadable") from err
    if is_scannable(data):
        texts = read_qr_isolated(data, work_timeout)
        return next((t for t in texts if _SEAL_TEXT.search(t)), texts[0])
    return data.decode("utf-8", errors="replace").strip()


class ArchiveReader:
    """Look-ups of issued credentials in an open archive: ``reader(id)`` the signed document (an
    ``ArchiveLookup``), ``reader.seal(id)`` with its seal's stored holder binding."""

    def __init__(self, archive: Any) -> None:
        self.archive = archive

    def __call__(self, credential_id: str) -> Mapping[str, Any] | None:
        found = self.seal(credential_id)
        return found.document if found is not None else None

    def seal(self, credential_id: str) -> ArchivedDocument | None:
        from shahada.issuer.archive.store import ISSUED
        from shahada.verifier.seal import ArchivedDocument

        stored = self.archive.get(credential_id)
        return ArchivedDocument(stored.document, stored.holder_binding) if stored is not None and stored.status == ISSUED else None


@contextmanager
def archive_lookup(settings: Any) -> Iterator[ArchiveReader | None]:
    """A lookup in the configured archive, or None when it is not reachable (never created here)."""
    with reachable_archive(settings) as archive:
        yield ArchiveReader(archive) if archive is not None else None


@contextmanager
def reachable_archive(settings: Any) -> Iterator[Archive | None]:
    """The configured archive while in use, or None when it is not reachable (never created here)."""
    from shahada.database import open_archive

    url: str = settings.archive_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        yield None
        return
    try:
        archive = open_archive(url)
    except ShahadaError:
        yield None
        return
    try:
        yield archive
    finally:
        archive.close()


def verify_paper(
    source: str, settings_factory: Callable[[], Any], *, as_json: bool, massar: str | None, work_timeout: float = WORK_TIMEOUT
) -> int:
    """Verify a printed document's seal, print the result and the signed fields; the exit code."""
    from shahada.did.document import DIDDocument
    from shahada.did.errors import DIDError
    from shahada.ministry import LocalSite, make_verifier, ministry_did_of, published_did_document
    from shahada.schemas.reference import bundled_reference
    from shahada.verifier.seal import StaticResolver, verify_seal, with_status
    from shahada.verifier.seal_fields import signed_fields
    from shahada.verifier.verdict import exit_code, verdict

    try:
        text = seal_text_of(source, work_timeout)
        settings = settings_factory()
        ministry = ministry_did_of(settings)
        verifier = make_verifier(settings, ministry)
        documents: dict[str, DIDDocument] = {}
        published = published_did_document(settings)
        if ministry is not None and published is not None and published.get("id") == ministry:
            try:
                documents[ministry] = DIDDocument.from_dict(published)
            except DIDError:
                pass
        resolver = StaticResolver(documents, fallback=verifier.resolver)
        with archive_lookup(settings) as lookup, LocalSite(settings):
            result = verify_seal(
                text, trusted_issuers=verifier.trusted_issuers, resolver=resolver, archive=lookup.seal if lookup is not None else None, massar=massar
            )
            result = with_status(result, make_verifier(settings, ministry, registry=True).registry)  # revoked? (docs/status.md)
    except ShahadaError as err:
        click.echo(f"unusable input [{err.code}]: {err.message}", err=True)
        return EXIT_UNUSABLE
    outcome = verdict(result.verified, result.checks)
    fields = signed_fields(result.content, bundled_reference()) if result.content is not None else []
    if as_json:
        out = result.to_dict()
        out["fields"] = [f.to_dict() for f in fields]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(_HEADLINE[outcome])
        for check in result.checks:
            click.echo(f"  {_MARKS[check.outcome]} {check.name:<10} {check.code:<20} {check.message}")
        if fields:
            trust = {
                "valid": "signed by the ministry",
                "revoked": "signed by the ministry, since REVOKED",
                "suspended": "signed by the ministry, now SUSPENDED",
                "incomplete": "signed, but its status could not be checked now",
            }.get(outcome, "NOT TRUSTED: shown to say what the seal claims")
            click.echo(f"\nSigned fields ({trust}); compare them with the paper:")
            width = max(len(f.label.fr) for f in fields)
            for field in fields:
                value = field.value.fr if field.value.fr == field.value.ar else f"{field.value.fr}  |  {field.value.ar}"
                click.echo(f"  {field.label.fr:<{width}}  {value}")
    return exit_code(outcome)
