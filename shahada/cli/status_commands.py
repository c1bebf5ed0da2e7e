"""``shahada revoke`` / ``suspend`` / ``unsuspend`` / ``status publish``: operations on credential
status (W3C Bitstring Status List 1.0 §2.1 ``statusPurpose`` ``revocation`` and ``suspension``).

Each change is one transaction (the entry's bit and its list's pending revision); the list is then
re-signed through the agent and stored. If the process dies in between, nothing is lost: the change
is persisted and ``shahada status publish`` (or the next change) publishes it.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from shahada.common.errors import ShahadaError
from shahada.status.errors import StatusError
from shahada.status.lists import Purpose


def _change(credential_id: str, purpose: Purpose, value: bool, reason: str | None) -> None:
    from shahada.cli.common import _fail, _settings
    from shahada.issuer.usecases import change_status
    from shahada.ministry import LocalMinistry

    try:
        with LocalMinistry(_settings()) as ministry:
            s = ministry.settings
            update = change_status(
                credential_id, purpose, value, archive=ministry.archive, status=ministry.status, signer=ministry.signer(),
                issuer_did=ministry.identity.did, proof_type=s.proof_type, operator=s.operator, reason=reason,
            )
    except ShahadaError as err:
        _fail(err)
    verb = {("revocation", True): "revoked", ("suspension", True): "suspended", ("suspension", False): "unsuspended"}.get(
        (purpose, value), f"{purpose}={value}"
    )
    state = verb if update.change.changed else f"already {verb}"
    lists = ", ".join(f"{p}/{n}" for p, n in update.published) or "none"
    click.echo(f"{credential_id}: {state}; lists published: {lists}")


def register_status_commands(main: click.Group) -> None:
    """Add the status commands to the ``shahada`` group."""

    @main.command()
    @click.argument("credential_id")
    @click.option("--reason", required=True, help="why (kept in the archive)")
    def revoke(credential_id: str, reason: str) -> None:
        """Revoke a credential for good (its revocation bit is set and the list republished)."""
        _change(credential_id, "revocation", True, reason)

    @main.command()
    @click.argument("credential_id")
    @click.option("--reason", required=True, help="why (kept in the archive)")
    def suspend(credential_id: str, reason: str) -> None:
        """Suspend a credential (reversible with ``unsuspend``)."""
        _change(credential_id, "suspension", True, reason)

    @main.command()
    @click.argument("credential_id")
    @click.option("--reason", default="suspension lifted", show_default=True, help="why (kept in the archive)")
    def unsuspend(credential_id: str, reason: str) -> None:
        """Lift a credential's suspension."""
        _change(credential_id, "suspension", False, reason)

    @main.group()
    def status() -> None:
        """Status lists (W3C Bitstring Status List 1.0)."""

    @status.command("publish")
    def status_publish() -> None:
        """Re-sign and store every list with pending changes (e.g. after an interrupted change)."""
        from shahada.cli.common import _fail, _settings
        from shahada.ministry import LocalMinistry

        published: list[Any] = []
        try:
            with LocalMinistry(_settings()) as ministry:
                if ministry.status is None:
                    raise StatusError("credential status needs a did:web ministry", code="status.disabled")
                published = ministry.publish_status()
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
        from shahada.cli.common import _fail, _settings
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
                        check_archive(archive_db, AuditLog(archive_db.engine), status_store(settings, archive_db), None if no_signatures else verify)
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
