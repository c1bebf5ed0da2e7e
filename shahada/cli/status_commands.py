"""``shahada revoke`` / ``suspend`` / ``unsuspend`` / ``status publish``: operations on credential
status (W3C Bitstring Status List 1.0 §2.1 ``statusPurpose`` ``revocation`` and ``suspension``).

Each change is one transaction (the entry's bit and its list's pending revision); the list is then
re-signed through the agent and stored. If the process dies in between, nothing is lost: the change
is persisted and ``shahada status publish`` (or the next change) publishes it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from shahada.common.errors import ShahadaError
from shahada.status.errors import StatusError
from shahada.status.lists import Purpose

_VERBS: dict[tuple[str, bool], tuple[str, str]] = {
    ("revocation", True): ("revoke", "revoked"),
    ("suspension", True): ("suspend", "suspended"),
    ("suspension", False): ("unsuspend", "unsuspended"),
}


def _change(reference: str, purpose: Purpose, value: bool, reason: str | None, *, yes: bool, year: int | None, kind: str | None) -> None:
    """Find the documents ``reference`` names, show them, ask, then change each one's status
    through :func:`shahada.issuer.usecases.change_status`."""
    from shahada.cli.common import _fail, _settings
    from shahada.issuer.usecases import change_status, find_documents
    from shahada.ministry import LocalMinistry

    verb, done = _VERBS[(purpose, value)]
    try:
        with LocalMinistry(_settings()) as ministry:
            if ministry.status is None:
                raise StatusError("credential status needs a did:web ministry (its site serves the lists)", code="status.disabled")
            documents = find_documents(reference, archive=ministry.archive, status=ministry.status, year=year, kind=kind)
            click.echo(f"{len(documents)} document(s) for {reference}:")
            for document in documents:
                click.echo(f"  {document.describe()}")
            targets = [d for d in documents if d.state != "superseded"]
            if not targets:
                raise StatusError("every one of them is superseded (already revoked by its replacement)", code="status.superseded")
            if not yes:
                warning = " This cannot be undone." if purpose == "revocation" else ""
                click.confirm(f"{verb.capitalize()} {len(targets)} document(s) (reason: {reason})?{warning}", abort=True, err=True)
            s = ministry.settings
            for document in targets:
                update = change_status(
                    document.id, purpose, value, archive=ministry.archive, status=ministry.status, signer=ministry.signer(),
                    issuer_did=ministry.identity.did, proof_type=s.proof_type, operator=s.operator, reason=reason,
                )
                state = done if update.change.changed else f"already {done}"
                lists = ", ".join(f"{p}/{n}" for p, n in update.published) or "none"
                click.echo(f"{document.document_number} ({document.id}): {state}; lists published: {lists}")
    except ShahadaError as err:
        _fail(err)


_REFERENCE_HELP = "REFERENCE: the document number printed on the paper, a Code Massar (all that candidate's documents) or a credential id"


def _reference_options(command: Callable[..., None]) -> Callable[..., None]:
    """``REFERENCE`` and the options every status command shares."""
    for option in reversed((
        click.argument("reference"),
        click.option("--session", "year", type=click.IntRange(2000, 2100), default=None, help="only documents of this session (with a Code Massar)"),
        click.option("--kind", type=click.Choice(["diploma", "transcript"]), default=None, help="only this kind of document"),
        click.option("--yes", "-y", is_flag=True, help="do not ask for confirmation (scripts)"),
    )):
        command = option(command)
    return command


def register_status_commands(main: click.Group) -> None:
    """Add the status commands to the ``shahada`` group."""

    @main.command(epilog=_REFERENCE_HELP)
    @_reference_options
    @click.option("--reason", required=True, help="why (kept in the archive)")
    def revoke(reference: str, reason: str, year: int | None, kind: str | None, yes: bool) -> None:
        """Revoke documents for good (revocation bit set, list republished), after showing whose they are."""
        _change(reference, "revocation", True, reason, yes=yes, year=year, kind=kind)

    @main.command(epilog=_REFERENCE_HELP)
    @_reference_options
    @click.option("--reason", required=True, help="why (kept in the archive)")
    def suspend(reference: str, reason: str, year: int | None, kind: str | None, yes: bool) -> None:
        """Suspend documents (reversible with ``unsuspend``), after showing whose they are."""
        _change(reference, "suspension", True, reason, yes=yes, year=year, kind=kind)

    @main.command(epilog=_REFERENCE_HELP)
    @_reference_options
    @click.option("--reason", default="suspension lifted", show_default=True, help="why (kept in the archive)")
    def unsuspend(reference: str, reason: str, year: int | None, kind: str | None, yes: bool) -> None:
        """Lift documents' suspension, after showing whose they are."""
        _change(reference, "suspension", False, reason, yes=yes, year=year, kind=kind)

    @main.group()
    def status() -> None:
        """Status lists (W3C Bitstring Status List 1.0)."""

    @status.command("publish")
    def status_publish() -> None:
        """Re-sign and store every list with pending changes (e.g. after an interrupted change)."""
        from shahada.cli.common import Progress, _fail, _settings
        from shahada.ministry import LocalMinistry

        published: list[Any] = []
        try:
            with LocalMinistry(_settings()) as ministry:
                if ministry.status is None:
                    raise StatusError("credential status needs a did:web ministry", code="status.disabled")
                published = ministry.publish_status(progress=Progress("publishing status lists"))
        except ShahadaError as err:
            _fail(err)
        click.echo(f"lists published: {', '.join(f'{p}/{n}' for p, n in published) or 'none (nothing pending)'}")
        sys.exit(0)


def register_archive_commands(main: click.Group) -> None:
    """Add ``shahada archive upgrade`` and ``shahada archive verify``."""

    @main.group()
    def archive() -> None:
        """The archive of imports and credentials."""

    @archive.command("upgrade")
    def archive_upgrade() -> None:
        """Upgrade the configured archive's schema (archive_url) to the newest revision. Idempotent;
        an archive made before migrations is adopted as it is. Exit 0 done, 1 on error."""
        from shahada.cli.common import _fail, _settings
        from shahada.migrations import upgrade

        try:
            done = upgrade(_settings().archive_url)
        except ShahadaError as err:
            _fail(err)
        click.echo(done.describe())

    @archive.command("verify")
    @click.option("--no-signatures", is_flag=True, help="skip re-verifying every signature (faster)")
    def archive_verify(no_signatures: bool) -> None:
        """Re-check the audit trail's hash chain, every issued credential against what its issuance
        recorded and its signature, and every status bit. Exit 0 intact, 1 alterations found."""
        from shahada.cli.common import Progress, _fail, _settings
        from shahada.database import open_archive
        from shahada.issuer.archive.audit import AuditLog
        from shahada.issuer.archive.check import check_archive
        from shahada.ministry import LocalSite, make_verifier, ministry_did_of
        from shahada.status_setup import status_store

        problems = []
        try:
            settings = _settings()
            archive_db = open_archive(settings.archive_url)
            try:
                with LocalSite(settings):
                    verifier = make_verifier(settings, ministry_did_of(settings))

                    def verify(document: dict[str, Any]) -> tuple[bool, str]:
                        result = verifier.verify_without_status(document)
                        return result.verified, "; ".join(f"{c.name}: {c.code}" for c in result.errors)

                    problems = list(
                        check_archive(
                            archive_db, AuditLog(archive_db.engine), status_store(settings, archive_db), None if no_signatures else verify,
                            progress=Progress("checking credentials"),
                        )
                    )
            finally:
                archive_db.close()
        except ShahadaError as err:
            _fail(err)
        for problem in problems:
            click.echo(f"ALTERED [{problem.code}] {problem.subject}: {problem.message}")
        if problems:
            click.echo(f"{len(problems)} alteration(s) found", err=True)
            sys.exit(1)
        click.echo("archive intact: audit chain, credentials, signatures and status bits check out")
