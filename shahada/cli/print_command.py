"""``shahada print``: the printed documents of a session (or of one academy), from the archive.

Starts the local ministry (its agent seals each document), streams the session's issued
credentials from the archive, and hands them to ``shahada.printing.batch``: one PDF per document,
optionally one print-ready PDF per batch, progress on stderr, resumable by running it again; the
print index maps each document number to its candidate and file.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from shahada.cli.common import academy_code
from shahada.common.errors import ShahadaError


@click.command("print")
@click.option("--session", "year", required=True, type=click.IntRange(2000, 2100), help="the session's year, e.g. 2025")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="output directory")
@click.option("--academy", callback=academy_code, default=None, help="only this academy (code, any case, e.g. CS, rsk, DT)")
@click.option("--kind", type=click.Choice(["all", "diploma", "transcript"]), default="all", show_default=True)
@click.option("--batch-pdf/--no-batch-pdf", default=False, help="also write one print-ready PDF per batch")
@click.option("--batch-size", default=100, type=click.IntRange(1, 5000), show_default=True, help="documents per batch")
@click.option("--jobs", default=None, type=click.IntRange(1, 256), help="worker processes (default: one per core)")
@click.option("--distributed", is_flag=True, help="print with the `shahada worker` processes on the broker's print queue (SHAHADA_BROKER_URL); rerun to resume")
@click.option("--requeue-after", default=300.0, type=click.FloatRange(1, 86400), show_default=True,
              help="with --distributed: seconds without progress before unprinted batches are enqueued again (at most 3 times)")  # fmt: skip
def print_command(
    year: int, out: Path, academy: str | None, kind: str, batch_pdf: bool, batch_size: int, jobs: int | None, distributed: bool, requeue_after: float
) -> None:
    """Render every issued document of a session as PDF (rerun to resume)."""
    from shahada.cli.common import Progress, _fail, _settings

    if distributed:
        if batch_pdf:
            raise click.UsageError("--batch-pdf is not available with --distributed (each worker prints one PDF per document)")
        _print_distributed(year, out, academy, None if kind == "all" else kind, batch_size, requeue_after)
        return
    from shahada.issuer.seal import AgentSealer
    from shahada.ministry import LocalMinistry
    from shahada.print_session import print_session

    started = time.monotonic()
    try:
        settings = _settings()
        with LocalMinistry(settings) as ministry:
            report = print_session(
                ministry.archive,
                AgentSealer(ministry.client, ministry.identity.verification_method),
                out,
                year=year,
                base_url=settings.verify_base_url,
                academy=academy,
                kind=None if kind == "all" else kind,
                jobs=jobs,
                batch_size=batch_size,
                batch_pdf=batch_pdf,
                progress=Progress("printing"),
                settings=settings.printing,
            )
    except ShahadaError as err:
        _fail(err)
    seconds = time.monotonic() - started
    rate = report.rendered / seconds if seconds > 0 else 0.0
    click.echo(
        f"session {year}{f', academy {academy}' if academy else ''}: {report.documents} documents; "
        f"rendered now: {report.rendered} ({rate:.1f} pages/s), already printed: {report.skipped}, "
        f"batch PDFs written: {report.batches}; under {out}"
    )
    click.echo(f"print index (document number → candidate, file): {report.index}")


def _print_distributed(year: int, out: Path, academy: str | None, kind: str | None, batch_size: int, requeue_after: float) -> None:
    """``shahada print --distributed``: plan from the archive, enqueue, follow, write the index;
    exit 1 when a batch could not be printed (its record under OUT/.print-failures/)."""
    import sys

    from shahada.cli.common import Progress, _fail, _settings
    from shahada.database import open_archive
    from shahada.print_session import write_print_index
    from shahada.workers.app import app
    from shahada.workers.print_coordinator import print_distributed
    from shahada.workers.print_tasks import FAILURES

    started = time.monotonic()
    try:
        archive = open_archive(_settings().archive_url)
        try:
            report = print_distributed(app, archive, out, year=year, academy=academy, kind=kind, batch_size=batch_size, progress=Progress("printing"), stall=requeue_after)
            index = None if report.failed else write_print_index(archive, out, year=year, academy=academy, kind=kind)
        finally:
            archive.close()
    except ShahadaError as err:
        _fail(err)
    seconds = time.monotonic() - started
    click.echo(
        f"session {year}{f', academy {academy}' if academy else ''}: {report.total} documents; enqueued now: {report.planned} "
        f"in {report.batches} batches ({report.planned / seconds if seconds > 0 else 0.0:.1f} documents/s), enqueued again: {report.requeued}; under {out}"
    )
    if report.failed:
        click.echo(f"error [print.failed]: {len(report.failed)} documents not printed; see {out / FAILURES}", err=True)
        for cid, why in sorted(report.failed.items())[:20]:
            click.echo(f"  {cid}: {why}", err=True)
        sys.exit(1)
    click.echo(f"print index (document number → candidate, file): {index}")
