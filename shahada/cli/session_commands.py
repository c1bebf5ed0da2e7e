"""``shahada session status YEAR``: what became of a session's documents, from the archive alone
(no agent): issued, printed, delivered, revoked, suspended, superseded, by kind and academy.
``shahada session open-results YEAR``: results day, as the staff console's approver opens it."""

from __future__ import annotations

import json

import click

from shahada.cli.common import _fail, _settings, academy_code
from shahada.common.errors import ShahadaError


@click.group("session")
def session_group() -> None:
    """A session's documents as a whole."""


@session_group.command("status")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option("--academy", callback=academy_code, default=None, help="only this academy (code, any case)")
@click.option("--kind", type=click.Choice(["diploma", "transcript"]), default=None, help="only this kind of document")
@click.option("--json", "as_json", is_flag=True, help="print the counts as JSON")
def session_status(year: int, academy: str | None, kind: str | None, as_json: bool) -> None:
    """Count the session's documents by kind, academy and state: issued, printed (by ``shahada
    print``), delivered (to a graduate's wallet), revoked, suspended, superseded (by a corrected
    PV), pending (imported, not yet signed). Each state is a subset of issued, pending excepted."""
    from shahada.database import open_archive
    from shahada.issuer.session_report import render_table, session_status

    try:
        archive = open_archive(_settings().archive_url)
        try:
            status = session_status(archive, year, academy=academy, kind=kind)
        finally:
            archive.close()
    except ShahadaError as err:
        _fail(err)
    if as_json:
        click.echo(json.dumps(status.to_dict(), indent=2))
        return
    if not status.rows:
        click.echo(f"session {year}: no document in the archive{f' for academy {academy}' if academy else ''}")
        return
    click.echo(f"session {year}{f', academy {academy}' if academy else ''}{f', {kind}s' if kind else ''}:")
    click.echo(render_table(status))


@session_group.command("open-results")
@click.argument("year", type=click.IntRange(2000, 2100))
def open_results_command(year: int) -> None:
    """Results day: open the session's results to graduates (the portal's ``results_gate``), as
    the staff console's approver does; audited as ``results.open`` under ``SHAHADA_OPERATOR``.
    Cannot be undone."""
    import datetime as dt

    from shahada.database import open_archive
    from shahada.issuer.archive.publication import open_results

    try:
        settings = _settings()
        archive = open_archive(settings.archive_url)
        try:
            opened = open_results(archive.engine, year, operator=settings.operator, at=dt.datetime.now(dt.UTC))
        finally:
            archive.close()
    except ShahadaError as err:
        _fail(err)
    click.echo(f"session {year}: results {'opened to graduates' if opened else 'were already open'}")
