"""The local ministry: the running parts one command needs, started and stopped together.

- the public site over HTTPS on loopback (DID document, contexts, schemas), with the local CA;
- the ACA-Py agent: the configured running one (``agent_admin_url``) or one started for the
  command's duration, trusting the local CA (``SSL_CERT_FILE``) so that did:web works for real;
- the ministry's DID (created once in the wallet) and its published DID document;
- the archive.

The DID document is also written to ``$SHAHADA_HOME/site/did.json``: it is what the site publishes,
so the site can be served (``shahada verify`` in the local setup) without starting the agent.
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentUnavailableError
from shahada.agent.process import AgentConfig, AgentProcess, DIDComm
from shahada.common.errors import ConfigError
from shahada.common.files import write_private
from shahada.config import Settings
from shahada.database import open_archive
from shahada.did.resolve import DIDResolver
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive, ImportInfo
from shahada.issuer.identity import MinistryIdentity, ensure_did_key, ensure_did_web
from shahada.issuer.issuance import AgentSigner, Progress, Signer
from shahada.issuer.site.app import SiteServer, did_document_path
from shahada.issuer.usecases import Issuance, issue_pv, publish_status
from shahada.public import archive_status_by_number, public_app
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.status_setup import ministry_status_origins, seen_lists_file, status_checker, status_store
from shahada.tls import TLSFiles, ensure_local_tls
from shahada.verifier.checks import SignatureCheck, check_signature
from shahada.verifier.registry import RegistryChecker
from shahada.verifier.result import VerificationResult
from shahada.verifier.status import FileSeenLists, StatusChecker
from shahada.verifier.verify import verify_credential


def ministry_did_web(settings: Settings) -> str:
    """did:web DID for the configured host (port percent-encoded) and optional path."""
    did = "did:web:" + settings.did_web_host.replace(":", "%3A")
    path = settings.did_web_path.strip("/")
    return did + (":" + path.replace("/", ":") if path else "")


# The ministry's DIDComm role: accept connection requests from wallets, issue on request (the
# offer was the portal's decision), and keep the exchange records so the portal can tell a
# graduate what reached their wallet (shahada.issuer.delivery).
MINISTRY_DIDCOMM_FLAGS = (
    "--auto-accept-requests",
    "--auto-respond-credential-request",
    "--preserve-exchange-records",
)


def ministry_didcomm(settings: Settings) -> DIDComm | None:
    if settings.didcomm_port is None:
        return None
    return DIDComm(port=settings.didcomm_port, endpoint=settings.didcomm_endpoint, flags=MINISTRY_DIDCOMM_FLAGS)


def published_did_document(settings: Settings) -> dict[str, Any] | None:
    path = settings.home / "site" / "did.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def start_local_site(
    settings: Settings,
    tls: TLSFiles,
    did_document: dict[str, Any],
    loader: PinnedDocumentLoader,
    status_lists: Any = None,
    archive: Archive | None = None,
) -> SiteServer | None:
    """Serve the public origin on loopback when the DID is a local did:web (the site and the
    verifier, :mod:`shahada.public`: the printed QR codes' ``HTTPS://localhost:<port>/V/…`` opens
    the verdict); None otherwise."""
    if settings.did_method != "web" or not settings.site_is_local:
        return None
    app = public_app(
        settings,
        did_document,
        loader,
        status_lists,
        records=archive_records(archive) if archive is not None else None,
        status_by_number=archive_status_by_number(archive, status_lists) if archive is not None else None,
    )
    try:
        return SiteServer(app, host=settings.site_host, port=settings.site_port, cert=tls.server_cert, key=tls.server_key).start()
    except ssl.SSLError as err:  # an OSError too, but not a port another program holds
        raise ConfigError(f"cannot serve the ministry's site with the certificate and key of {tls.server_cert.parent}: {err}", code="config.tls") from err
    except OSError as err:
        if _serves_document(settings, tls, did_document):
            return None  # another command of this installation (e.g. `shahada serve verifier`) serves the same site
        raise ConfigError(
            f"cannot serve the ministry's site on {settings.site_host}:{settings.site_port} ({err.strerror or err}): "
            "another program holds that port; stop it or set site_port in config.toml",
            code="config.site_port",
        ) from err


def archive_records(archive: Archive) -> Callable[[str], dict[str, Any] | None]:
    """The archived signed credential of an issued id (the verifier's ``archive`` check)."""
    from shahada.issuer.archive.store import ISSUED

    def lookup(credential_id: str) -> dict[str, Any] | None:
        stored = archive.get(credential_id)
        return dict(stored.document) if stored is not None and stored.status == ISSUED else None

    return lookup


def _serves_document(settings: Settings, tls: TLSFiles, did_document: dict[str, Any]) -> bool:
    """Whether the site already listening on the configured port publishes this DID document."""
    url = f"https://{settings.site_host}:{settings.site_port}{did_document_path(str(did_document['id']))}"
    try:
        response = requests.get(url, timeout=2.0, verify=str(tls.ca_cert), allow_redirects=False)
        return response.status_code == 200 and response.json() == did_document
    except (requests.RequestException, ValueError):
        return False


@dataclass
class Verifier:
    """The independent verifier configured for this installation (no agent involved)."""

    loader: PinnedDocumentLoader
    resolver: DIDResolver
    trusted_issuers: frozenset[str]
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    status: StatusChecker | None = None  # checks status lists (W3C Bitstring Status List 1.0)
    registry: RegistryChecker | None = None  # compares with the ministry's records (online)
    signature_check: SignatureCheck = check_signature  # shahada verify: in a limited worker (shahada.paper)

    def verify(self, credential: Any) -> VerificationResult:
        return verify_credential(
            credential,
            document_loader=self.loader,
            resolver=self.resolver,
            trusted_issuers=self.trusted_issuers,
            now=self.clock(),
            status=self.status,
            registry=self.registry,
            signature_check=self.signature_check,
        )

    def verify_without_status(self, credential: Any) -> VerificationResult:
        """Signature, issuer, validity… but not status: for status list credentials themselves."""
        return verify_credential(
            credential,
            document_loader=self.loader,
            resolver=self.resolver,
            trusted_issuers=self.trusted_issuers,
            now=self.clock(),
        )


def make_verifier(
    settings: Settings, ministry_did: str | None, *, loader: PinnedDocumentLoader | None = None, registry: bool = False
) -> Verifier:
    """The installation's verifier; ``registry`` adds the check against the ministry's records."""
    trusted = frozenset(settings.trusted_issuers) | ({ministry_did} if ministry_did else set())
    ca = settings.tls_dir / "ca.pem"
    verify_tls: bool | str = str(ca) if settings.site_is_local and ca.exists() else True
    resolver = DIDResolver(trusted_dids=trusted, verify_tls=verify_tls)
    verifier = Verifier(loader=loader or PinnedDocumentLoader(), resolver=resolver, trusted_issuers=trusted)
    verifier.status = status_checker(
        trusted, verifier.verify_without_status, verify_tls=verify_tls, extra_origins=ministry_status_origins(settings, ministry_did),
        clock=lambda: verifier.clock(),
        seen=FileSeenLists(seen_lists_file(settings)),  # an older list than one seen before is refused, across runs
    )
    if registry:
        verifier.registry = RegistryChecker(verifier.status.trusted_origins, resolver, verifier.status, verify_tls=verify_tls)
    return verifier


def open_agent(
    settings: Settings, tls: TLSFiles, stack: ExitStack, *, work_dir: Path | None = None, didcomm: bool = True
) -> tuple[AgentProcess | None, AdminClient]:
    """The installation's agent: the running one ``agent_admin_url`` points at, or one started here
    (in ``work_dir``, the installation's agent directory by default), closed or stopped by ``stack``."""
    s = settings
    if s.agent_admin_url:
        client = AdminClient(s.agent_admin_url, s.agent_api_key or "")
        stack.callback(client.close)
        if not client.is_ready():
            raise AgentUnavailableError(f"the configured agent at {s.agent_admin_url} is not ready")
        return None, client
    config = AgentConfig(
        work_dir=work_dir or s.agent_dir,
        wallet_name=s.wallet_name,
        wallet_key=s.wallet_key,
        postgres=s.wallet_postgres,
        extra_env={"SSL_CERT_FILE": str(tls.ca_cert)},
        didcomm=ministry_didcomm(s) if didcomm else None,
    )
    agent = AgentProcess(config)
    client = agent.start()
    stack.callback(agent.stop)
    return agent, client


def ministry_identity(settings: Settings, client: AdminClient) -> MinistryIdentity:
    """The ministry's DID in the agent's wallet (created on first use)."""
    if settings.did_method == "web":
        return ensure_did_web(client, ministry_did_web(settings))
    return ensure_did_key(client)


class LocalMinistry:
    """Context manager: ``with LocalMinistry(settings) as ministry: ministry.client …``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stack = ExitStack()
        self.loader = PinnedDocumentLoader()
        self.tls: TLSFiles | None = None
        self.agent: AgentProcess | None = None
        self.client: AdminClient
        self.identity: MinistryIdentity
        self.archive: Archive
        self.site: SiteServer | None = None
        self.status: StatusStore | None = None

    def __enter__(self) -> LocalMinistry:
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def _start(self) -> None:
        s = self.settings
        self.tls = ensure_local_tls(s.tls_dir)
        self.agent, self.client = open_agent(s, self.tls, self._stack)
        self.identity = ministry_identity(s, self.client)
        document = self.identity.did_document()
        write_private(s.home / "site" / "did.json", json.dumps(document, indent=2).encode())  # whole for the site's readers
        self.archive = open_archive(s.archive_url)  # upgraded to the current schema first
        self._stack.callback(self.archive.close)
        self.status = status_store(s, self.archive)
        self.site = start_local_site(s, self.tls, document, self.loader, self.status, self.archive)
        if self.site is not None:
            self._stack.callback(self.site.stop)

    def verifier(self) -> Verifier:
        return make_verifier(self.settings, self.identity.did, loader=self.loader)

    def signer(self, proof_type: str | None = None) -> AgentSigner:
        """Signs with the ministry's key in the agent (the installation's proof type by default)."""
        return AgentSigner(self.client, self.identity.verification_method, proof_type or self.settings.proof_type)

    def issue(
        self,
        pv: Path,
        year: int,
        *,
        archive: Archive | None = None,
        proof_type: str | None = None,
        signer: Signer | None = None,
        progress: Progress | None = None,
        on_plan: Callable[[Any], None] | None = None,
        batch_size: int = 64,
        sign_import: Callable[[ImportInfo], int] | None = None,
        bindings: bool = True,
    ) -> Issuance:
        """:func:`shahada.issuer.usecases.issue_pv` with this installation's parts. Another
        ``archive`` (e.g. a test's own) has no status lists: the status store is the ministry archive's."""
        s = self.settings
        proof_type = proof_type or s.proof_type
        return issue_pv(
            pv, archive=archive or self.archive, year=year, signer=signer or self.signer(proof_type), issuer_did=self.identity.did,
            secret=s.id_secret, proof_type=proof_type, status=self.status if archive is None else None, operator=s.operator,
            concurrency=s.sign_concurrency, batch_size=batch_size, progress=progress, on_plan=on_plan, sign_import=sign_import,
            bindings=bindings,
        )

    def publish_status(self, progress: Progress | None = None) -> list[tuple[str, int]]:
        """Re-sign every status list with pending changes (none without status lists)."""
        if self.status is None:
            return []
        return publish_status(self.status, self.signer(), issuer_did=self.identity.did, proof_type=self.settings.proof_type, progress=progress)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stack.close()


class LocalSite:
    """Serve the published DID document for a command that does not need the agent (verify)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server: SiteServer | None = None
        self.document = published_did_document(settings)
        self._archive: Archive | None = None

    def __enter__(self) -> LocalSite:
        s = self.settings
        if self.document is not None and s.did_method == "web" and s.site_is_local:
            try:
                tls = ensure_local_tls(s.tls_dir)
                self._archive = open_archive(s.archive_url)
                store = status_store(s, self._archive)
                self.server = start_local_site(s, tls, self.document, PinnedDocumentLoader(), store, self._archive)
            except ConfigError:
                self.server = None  # the port is taken: whoever holds it is reported by the verifier's did.resolution
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.stop()
        if self._archive is not None:
            self._archive.close()


def ministry_did_of(settings: Settings) -> str | None:
    """The ministry's DID as configured (did:web) or as last published (did:key)."""
    if settings.did_method == "web":
        return ministry_did_web(settings)
    document = published_did_document(settings)
    if document is None:
        return None
    return str(document["id"])
