"""The ministry's one public origin: ``https://<did_web_host>`` serves the DID document, the
contexts, schemas, status lists and registry (:mod:`shahada.issuer.site`) **and** the verifier
(:mod:`shahada.verifier.web`: its pages, the printed QR codes' path ``/V/<seal>``, the VC API), so
that the URL printed in every QR code (``HTTPS://<did_web_host>/V/…``) opens the verdict.

:class:`PublicOrigin` is a WSGI application that sends the site's paths to the site and every other
path to the verifier; the two never share a path. :func:`public_app` builds it for an installation:
the verifier trusts the ministry's DID (its document given, not fetched from itself), reads a printed
seal's status from the archive's registry directly (it runs beside the archive), and checks a
credential's status lists at the ministry's origin like any verifier.

Served by ``shahada serve public`` (waitress, TLS terminated in front, see the README) and, in
development, by the local HTTPS site every command starts (:func:`shahada.ministry.start_local_site`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from shahada.config import Settings
from shahada.issuer.site.app import create_site_app, did_document_path
from shahada.schemas.loader import PinnedDocumentLoader

if TYPE_CHECKING:
    import datetime as dt

    from shahada.issuer.archive.status import StatusStore
    from shahada.issuer.archive.store import Archive
    from shahada.verifier.traffic import Traffic
    from shahada.verifier.web import DocumentStatus, StatusByNumber

__all__ = ["SITE_PREFIXES", "PublicOrigin", "archive_status_by_number", "public_app"]

SITE_PREFIXES: Final = ("/.well-known/", "/contexts/", "/schemas/", "/status/", "/registry/")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PublicOrigin:
    """WSGI: the site's paths (:data:`SITE_PREFIXES` and each DID document's path) to ``site``,
    everything else to ``verifier``."""

    def __init__(self, site: WSGIApp, verifier: WSGIApp, did_paths: Iterable[str] = ()) -> None:
        self.site = site
        self.verifier = verifier
        self.did_paths = frozenset(did_paths)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        app = self.site if path.startswith(SITE_PREFIXES) or path in self.did_paths else self.verifier
        return app(environ, start_response)


def public_app(
    settings: Settings,
    did_document: Mapping[str, Any],
    loader: PinnedDocumentLoader,
    status_lists: StatusStore | None,
    *,
    records: Callable[[str], Mapping[str, Any] | None] | None = None,
    status_by_number: StatusByNumber | None = None,
    traffic: Traffic | None = None,
    metrics_token: str | None = None,
) -> PublicOrigin:
    """The installation's public origin: its site and its verifier.

    Raises:
        SettingsError (config.verifier): a bad ``[verifier]`` setting.
    """
    from shahada.paper import ArchiveReader
    from shahada.services import verifier_settings
    from shahada.status_setup import site_origin
    from shahada.verifier.registry import RegistryChecker
    from shahada.verifier.web import Records, create_app

    did = str(did_document["id"])
    site = create_site_app(did_documents={did: did_document}, loader=loader, status_lists=status_lists)
    service_settings = verifier_settings(settings, did, did_documents={did: did_document})
    registry = None
    if status_lists is not None:
        registry = RegistryChecker({did: frozenset({site_origin(settings)})}, lookup=status_lists.registry_entry)
    verifier = create_app(
        service_settings,
        loader=loader,
        registry=registry,
        records=Records(did, records, seals=records.seal if isinstance(records, ArchiveReader) else None) if records is not None else None,
        status_by_number=status_by_number,
        traffic=traffic,
        metrics_token=metrics_token,
    )
    return PublicOrigin(site, verifier, did_paths=[did_document_path(did)])


def archive_status_by_number(archive: Archive, status_lists: StatusStore | None) -> StatusByNumber | None:
    """The verifier's look-up by document number and date of birth over the archive: the status
    the public registry gives (revoked, suspended, valid) of the issued document printed with that
    number, when its signed date of birth is that day; "unknown" otherwise. None without status
    lists (a did:key development ministry: it revokes nothing)."""
    if status_lists is None:
        return None
    from shahada.issuer.archive.store import ISSUED

    def status_of(number: str, born: dt.date) -> DocumentStatus:
        stored = archive.get_by_number(number)
        subject = stored.document.get("credentialSubject") if stored is not None and stored.status == ISSUED else None
        if stored is None or not isinstance(subject, Mapping) or subject.get("birthDate") != born.isoformat():
            return "unknown"
        entry = status_lists.registry_entry(stored.id)
        state = entry.get("status") if entry is not None else None
        return state if state in ("valid", "revoked", "suspended") else "unknown"

    return status_of
