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
def print_command(year: int, out: Path, academy: str | None, kind: str, batch_pdf: bool, batch_size: int, jobs: int | None) -> None:
    """Render every issued document of a session as PDF (rerun to resume)."""
    from shahada.cli.common import Progress, _fail, _settings
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
