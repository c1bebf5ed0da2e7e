"""``shahada revoke`` / ``suspend`` / ``unsuspend`` / ``status publish``: operations on credential
status (W3C Bitstring Status List 1.0 §2.1 ``statusPurpose`` ``revocation`` and ``suspension``).

Each change is one transaction (the entry's bit and its list's pending revision); the list is then
re-signed through the agent and stored. If the process dies in between, nothing is lost: the change
is persisted and ``shahada status publish`` (or the next change) publishes it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from shahada.common.errors import ShahadaError
from shahada.status.errors import StatusError
from shahada.status.lists import Purpose

if TYPE_CHECKING:
    from shahada.did.document import DIDDocument
    from shahada.schemas.loader import PinnedDocumentLoader

_VERBS: dict[tuple[str, bool], tuple[str, str]] = {
    ("revocation", True): ("revoke", "revoked"),
    ("suspension", True): ("suspend", "suspended"),
    ("suspension", False): ("unsuspend", "unsuspended"),
}


def _change(
    reference: str, purpose: Purpose, value: bool, reason: str | None, *, yes: bool, year: int | None, kind: str | None, distributed: bool = False
) -> None:
    """Find the documents ``reference`` names, show them, ask, then change each one's status
    through :func:`shahada.issuer.usecases.change_status` (``distributed``: the changed lists are
    published by publish tasks of the workers, :mod:`shahada.workers.publication`)."""
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
            publish_lists = None
            if distributed:
                from functools import partial

                from shahada.workers.app import app
                from shahada.workers.publication import enqueue_publication

                publish_lists = partial(enqueue_publication, app)
            for document in targets:
                update = change_status(
                    document.id, purpose, value, archive=ministry.archive, status=ministry.status, signer=ministry.signer(),
                    issuer_did=ministry.identity.did, proof_type=s.proof_type, operator=s.operator, reason=reason, publish_lists=publish_lists,
                )
                state = done if update.change.changed else f"already {done}"
                lists = ", ".join(f"{p}/{n}" for p, n in update.published) or "none"
                click.echo(f"{document.document_number} ({document.id}): {state}; lists {'queued for publication' if distributed else 'published'}: {lists}")
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
        click.option("--distributed", is_flag=True, help="publish the changed lists with the `shahada worker` processes (publish queue)"),
    )):
        command = option(command)
    return command


def register_status_commands(main: click.Group) -> None:
    """Add the status commands to the ``shahada`` group."""

    @main.command(epilog=_REFERENCE_HELP)
    @_reference_options
    @click.option("--reason", required=True, help="why (kept in the archive)")
    def revoke(reference: str, reason: str, year: int | None, kind: str | None, yes: bool, distributed: bool) -> None:
        """Revoke documents for good (revocation bit set, list republished), after showing whose they are."""
        _change(reference, "revocation", True, reason, yes=yes, year=year, kind=kind, distributed=distributed)

    @main.command(epilog=_REFERENCE_HELP)
    @_reference_options
    @click.option("--reason", required=True, help="why (kept in the archive)")
    def suspend(reference: str, reason: str, year: int | None, kind: str | None, yes: bool, distributed: bool) -> None:
        """Suspend documents (reversible with ``unsuspend``), after showing whose they are."""
        _change(reference, "suspension", True, reason, yes=yes, year=year, kind=kind, distributed=distributed)

    @main.command(epilog=_REFERENCE_HELP)
    @_reference_options
    @click.option("--reason", default="suspension lifted", show_default=True, help="why (kept in the archive)")
    def unsuspend(reference: str, reason: str, year: int | None, kind: str | None, yes: bool, distributed: bool) -> None:
        """Lift documents' suspension, after showing whose they are."""
        _change(reference, "suspension", False, reason, yes=yes, year=year, kind=kind, distributed=distributed)

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
    """Add ``shahada archive upgrade``, ``shahada archive bindings`` and ``shahada archive verify``."""

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

    @archive.command("bindings")
    @click.option("--threads", default=os.cpu_count() or 1, show_default=True, type=click.IntRange(1, 64), help="threads computing the scrypts")
    def archive_bindings(threads: int) -> None:
        """Compute and store the paper seal's holder binding of every issued credential that has
        none (``shahada issue --no-bindings``); resumable. Exit 0 done, 1 on error."""
        from shahada.cli.common import Progress, _fail, _settings
        from shahada.database import open_archive
        from shahada.issuer.bindings import fill_bindings

        try:
            archive_db = open_archive(_settings().archive_url)
            try:
                stored = fill_bindings(archive_db, threads=threads, progress=Progress("holder bindings"))
            finally:
                archive_db.close()
        except ShahadaError as err:
            _fail(err)
        click.echo(f"holder bindings stored: {stored}")

    @archive.command("verify")
    @click.option("--no-signatures", is_flag=True, help="skip re-verifying every signature (faster)")
    @click.option(
        "--processes", default=os.cpu_count() or 1, show_default=True, type=click.IntRange(1, 64),
        help="worker processes checking the credentials (1: none, all in this process)",
    )
    def archive_verify(no_signatures: bool, processes: int) -> None:
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
                    ministry = ministry_did_of(settings)
                    verifier = make_verifier(settings, ministry)
                    # the ministry's DID document, resolved once here: the workers verify offline with it
                    documents = {ministry: verifier.resolver.resolve(ministry)} if ministry is not None and not no_signatures else {}
                    verify = ArchiveSignatures(verifier.loader, documents, verifier.trusted_issuers)
                    problems = list(
                        check_archive(
                            archive_db, AuditLog(archive_db.engine), status_store(settings, archive_db), None if no_signatures else verify,
                            progress=Progress("checking credentials"), processes=processes,
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


@dataclass(frozen=True, slots=True)
class ArchiveSignatures:
    """``archive verify``'s signature check of one stored credential (every check but status),
    offline with the DID documents resolved before: it pickles, for the worker processes."""

    loader: PinnedDocumentLoader
    did_documents: Mapping[str, DIDDocument]
    trusted_issuers: frozenset[str]

    def __call__(self, document: dict[str, Any]) -> tuple[bool, str]:
        from shahada.verifier.seal import StaticResolver
        from shahada.verifier.verify import verify_credential

        result = verify_credential(
            document, document_loader=self.loader, resolver=StaticResolver(self.did_documents),
            trusted_issuers=self.trusted_issuers, now=dt.datetime.now(dt.UTC),
        )
        return result.verified, "; ".join(f"{c.name}: {c.code}" for c in result.errors)

    def __reduce__(self) -> tuple[Any, ...]:  # a DIDDocument's relationships are a read-only mapping, which does not pickle
        documents = {did: (d.id, d.verification_methods, dict(d.relationships)) for did, d in self.did_documents.items()}
        return (_archive_signatures, (self.loader, documents, self.trusted_issuers))


def _archive_signatures(loader: PinnedDocumentLoader, documents: dict[str, tuple[Any, ...]], trusted: frozenset[str]) -> ArchiveSignatures:
    from types import MappingProxyType

    from shahada.did.document import DIDDocument

    parsed = {did: DIDDocument(doc_id, methods, MappingProxyType(relationships)) for did, (doc_id, methods, relationships) in documents.items()}
    return ArchiveSignatures(loader, parsed, trusted)
