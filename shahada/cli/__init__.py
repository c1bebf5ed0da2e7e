"""The ``shahada`` command line: a thin layer over the packages.

Exit codes of ``shahada verify``: 0 valid, 1 invalid, 2 unusable input, 3 genuine so far but a
check could not be completed (e.g. the issuer's DID document could not be fetched).
Other commands: 0 success, 1 a domain error (printed with its code), 2 usage error.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from shahada.cli.common import Progress, _fail, _settings
from shahada.cli.console_commands import console_group
from shahada.cli.print_command import print_command
from shahada.cli.serve import serve
from shahada.cli.session_commands import session_group
from shahada.cli.status_commands import register_archive_commands, register_status_commands
from shahada.cli.worker_command import worker_command
from shahada.common.errors import ShahadaError
from shahada.common.files import private_dir, write_private
from shahada.wallet.cli import wallet_group

EXIT_UNUSABLE = 2
_HEADLINE = {"valid": "VALID", "invalid": "INVALID", "revoked": "REVOKED", "suspended": "SUSPENDED", "incomplete": "CANNOT VERIFY NOW", "unusable": "UNUSABLE"}


@click.group()
@click.version_option(package_name="shahada", prog_name="shahada")
def main() -> None:
    """Shahada: the ministry's baccalaureate credentials."""


# --- issue -------------------------------------------------------------------------------------


def _issue(
    ministry: Any, pv: Path, year: int, progress: Callable[[int, int], None], *, distributed: bool = False, batch_size: int = 64,
    requeue_after: float = 300, bindings: bool = True
) -> Any:
    """:func:`shahada.issuer.usecases.issue_pv` with the installation's parts; the diff of a
    rectification is printed on stderr before anything is stored. ``distributed``: the signing is
    done by ``shahada worker`` processes (:mod:`shahada.workers`), progress read from the archive.
    ``bindings``: the seals' holder bindings computed at the end (False: ``shahada archive bindings``)."""

    def announce(plan: Any) -> None:
        if plan.changes:
            click.echo(plan.report(), err=True)

    sign_import = None
    if distributed:
        from shahada.workers.app import app
        from shahada.workers.coordinator import distributed_signing

        sign_import = distributed_signing(
            app, ministry.archive, operator=ministry.settings.operator, batch_size=batch_size, progress=progress, stall=requeue_after
        )
    return ministry.issue(pv, year, progress=progress, on_plan=announce, sign_import=sign_import, batch_size=batch_size, bindings=bindings)


def _write_credentials(archive: Any, import_id: int, out: Path) -> int:
    target = private_dir(out / "credentials")  # personal data: 0700, each file 0600
    count = 0
    for stored in archive.credentials(import_id=import_id):
        path = target / f"{stored.kind}-{stored.document_number}.json"
        write_private(path, (json.dumps(stored.document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        count += 1
    return count


@main.command()
@click.argument("pv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", "session", required=True, type=click.IntRange(2000, 2100), help="the session's year, e.g. 2025")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="writes OUT/credentials/*.json")
@click.option("--dry-run", is_flag=True, help="only report what the PV changes (new, changed credentials and fields)")
@click.option("--distributed", is_flag=True, help="sign with the `shahada worker` processes on the broker (SHAHADA_BROKER_URL); rerun to resume")
@click.option("--batch-size", default=64, type=click.IntRange(1, 5000), show_default=True, help="credentials per signing batch (per task when distributed)")
@click.option("--requeue-after", default=300.0, type=click.FloatRange(1, 86400), show_default=True,
              help="distributed: seconds without progress after which the pending batches are enqueued again (workers gone, broker restarted)")
@click.option("--no-bindings", is_flag=True, help="leave the paper seals' holder bindings (a scrypt each) for `shahada archive bindings` or printing")
def issue(pv: Path, session: int, out: Path, dry_run: bool, distributed: bool, batch_size: int, requeue_after: float, no_bindings: bool) -> None:
    """Validate a PV, sign its credentials through the agent, archive and write them. A corrected
    PV of an issued session supersedes the changed credentials only (rectification)."""
    from shahada.ministry import LocalMinistry

    try:
        with LocalMinistry(_settings()) as ministry:
            if dry_run:
                from shahada.issuer.usecases import plan_issue

                s = ministry.settings
                plan = plan_issue(pv, archive=ministry.archive, year=session, issuer_did=ministry.identity.did, secret=s.id_secret, proof_type=s.proof_type)
                click.echo(plan.report())
                return
            outcome = _issue(
                ministry, pv, session, Progress("signing"), distributed=distributed, batch_size=batch_size, requeue_after=requeue_after, bindings=not no_bindings
            )
            written = _write_credentials(ministry.archive, outcome.info.id, out)
    except ShahadaError as err:
        _fail(err, "nothing was issued")
    state = "resumed an earlier import of this file" if outcome.resumed else "new import"
    click.echo(
        f"{pv.name}: {outcome.info.record_count} candidates, {outcome.info.credential_count} credentials ({state}); "
        f"signed now: {outcome.signed}; written: {written} files under {out / 'credentials'}"
    )


# --- verify ------------------------------------------------------------------------------------


@main.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.option("--massar", default=None, help="a printed document's Code Massar, checked against its seal")
@click.option("--work-timeout", type=click.FloatRange(0.5, 3600), default=30.0, show_default=True,
              help="seconds (wall clock, and as many of CPU) that reading the file's QR code or checking a signature may take, in its worker process")
def verify(source: str, as_json: bool, massar: str | None, work_timeout: float) -> None:
    """Verify a credential file, or a printed document's seal: its QR text or URL, a photo or scan
    (PNG, JPEG) or a PDF (no agent). Exit 0 valid, 1 invalid, 2 unusable, 3 incomplete."""
    from shahada.common.isolation import WorkError
    from shahada.ministry import LocalSite, make_verifier, ministry_did_of
    from shahada.paper import is_paper, isolated_signatures, verify_paper
    from shahada.verifier.verdict import exit_code, verdict

    if is_paper(source):
        sys.exit(verify_paper(source, _settings, as_json=as_json, massar=massar, work_timeout=work_timeout))
    file = Path(source)
    try:
        credential = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        click.echo(f"unusable input: {file}: {err}", err=True)
        sys.exit(EXIT_UNUSABLE)
    try:
        settings = _settings()
        verifier = make_verifier(settings, ministry_did_of(settings), registry=True)
        with LocalSite(settings), isolated_signatures(verifier.loader, work_timeout) as signature_check:
            verifier.signature_check = signature_check
            result = verifier.verify(credential)
    except WorkError as err:  # the signature check went past its worker's limits: refused, as unusable input
        click.echo(f"unusable input [{err.code}]: {err.message}", err=True)
        sys.exit(EXIT_UNUSABLE)
    except ShahadaError as err:
        _fail(err)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(_HEADLINE[verdict(result.verified, result.checks)])
        for check in result.checks:
            mark = {"passed": "✓", "failed": "✗", "skipped": "·"}[check.outcome]
            click.echo(f"  {mark} {check.name:<10} {check.code:<24} {check.message}")
    sys.exit(exit_code(verdict(result.verified, result.checks)))


# --- did ---------------------------------------------------------------------------------------


@main.group()
def did() -> None:
    """The ministry's DID."""


@did.command("document")
def did_document() -> None:
    """Print the ministry's DID document (creating the DID in the wallet on first use)."""
    from shahada.ministry import LocalMinistry

    try:
        with LocalMinistry(_settings()) as ministry:
            click.echo(json.dumps(ministry.identity.did_document(), indent=2))
    except ShahadaError as err:
        _fail(err)


# --- pv ----------------------------------------------------------------------------------------


@main.group()
def pv() -> None:
    """Deliberation records (PV): check and generate."""


@pv.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", "year", required=True, type=click.IntRange(2000, 2100), help="the session's year, e.g. 2025")
def pv_check(path: Path, year: int) -> None:
    """Validate a PV without issuing anything: every row, and every credential built from it checked
    against its JSON Schema and size; prints every problem with its row and column."""
    from shahada.issuer.pv.reader import read_pv
    from shahada.schemas.reference import bundled_reference

    try:
        records = read_pv(path, reference=bundled_reference(), year=year)
    except ShahadaError as err:
        _fail(err, "fix them and check the file again")
    admitted = sum(1 for r in records if r.admitted)
    click.echo(f"{path.name}: {len(records)} valid records, {admitted} admitted; {len(records) + admitted} credentials built and checked")


@pv.command("generate")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rows", default=1000, type=click.IntRange(1), show_default=True)
@click.option("--seed", default=1, type=int, show_default=True)
@click.option("--year", default=2025, type=int, show_default=True)
def pv_generate(out: Path, rows: int, seed: int, year: int) -> None:
    """Write a synthetic PV (CSV, ';', UTF-8 BOM, CRLF) for tests and benchmarks."""
    from shahada.issuer.pv.synthetic import generate_records, write_csv
    from shahada.schemas.reference import bundled_reference

    write_csv(generate_records(rows, seed=seed, reference=bundled_reference(), year=year), out)
    click.echo(f"wrote {rows} rows to {out}")


# --- demo --------------------------------------------------------------------------------------


@main.command()
@click.option("--pv", "pv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="default: the bundled sample PV")
@click.option("--session", "year", default=2025, type=int, show_default=True)
def demo(pv_path: Path | None, year: int) -> None:
    """Start the local ministry, issue the sample session, verify every credential, stop."""
    import datetime as dt
    from importlib import resources

    from shahada.issuer.archive.publication import open_results
    from shahada.ministry import LocalMinistry

    pv_file = pv_path or Path(str(resources.files("shahada") / "data" / "sample-pv.csv"))
    try:
        settings = _settings()
        started = time.monotonic()
        with LocalMinistry(settings) as ministry:
            click.echo(f"ministry DID: {ministry.identity.did}")
            click.echo(f"agent: {ministry.agent.admin_url if ministry.agent else settings.agent_admin_url} (admin API on loopback, key-protected)")
            outcome = _issue(ministry, pv_file, year, Progress("signing"))
            out = settings.out_dir / "demo"
            _write_credentials(ministry.archive, outcome.info.id, out)
            verifier = ministry.verifier()
            results = [(c, verifier.verify(c.document)) for c in ministry.archive.credentials(import_id=outcome.info.id)]
            # results day, as the console's approver opens it: the portal (results_gate) then lets the graduates in
            open_results(ministry.archive.engine, year, operator=settings.operator, at=dt.datetime.now(dt.UTC))
    except ShahadaError as err:
        _fail(err)
    failed = [(c, r) for c, r in results if not r.verified]
    kinds: dict[str, int] = {}
    for c, _ in results:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    click.echo(f"PV: {pv_file.name}: {outcome.info.record_count} candidates ({'resumed' if outcome.resumed else 'imported'})")
    click.echo(f"issued: {', '.join(f'{n} {k}s' for k, n in sorted(kinds.items()))} (signed in this run: {outcome.signed})")
    click.echo(f"verified by the independent verifier: {len(results) - len(failed)}/{len(results)}")
    click.echo(f"credentials: {out / 'credentials'}")
    click.echo(f"results day: session {year} open to graduates (shahada serve portal)")
    click.echo(f"archive: {settings.archive_url}")
    click.echo(f"agent log: {settings.agent_dir / 'agent.log'}")
    click.echo(f"done in {time.monotonic() - started:.1f}s; the agent is stopped.")
    for c, r in failed[:10]:
        click.echo(f"  FAILED {c.id}: {[e.code for e in r.errors]}", err=True)
    sys.exit(0 if not failed and results else 1)


main.add_command(serve)  # shahada serve issuer | verifier | portal
main.add_command(print_command)  # shahada print: the printed documents of a session
main.add_command(worker_command)  # shahada worker: a Celery worker for distributed issuance
register_status_commands(main)  # shahada revoke / suspend / unsuspend / status publish
register_archive_commands(main)  # shahada archive verify
main.add_command(session_group)  # shahada session status YEAR
main.add_command(wallet_group)
main.add_command(console_group)  # shahada console add-user …: staff console accounts  # shahada wallet …: a graduate's cloud wallet
