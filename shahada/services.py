"""The installation's services wired from its :class:`~shahada.config.Settings`, in one place:
each service's own settings mapped from the installation's (``verifier_settings``,
``portal_settings``), and the running applications of ``shahada serve verifier`` and
``shahada serve portal`` (``installation_verifier``, ``installation_portal``).

The verifier trusts the ministry's DID and the configured ``trusted_issuers``, answers the seals'
``verify_base_url``, resolves the ministry's did:web over HTTPS (in the local setup from the
loopback site, served here when no other command serves it, with the local CA), and compares
documents with the archive when it is reachable. No agent is involved.

The portal: the ``[portal]`` table and ``SHAHADA_PORTAL_*``, the secret from
``SHAHADA_PORTAL_SECRET`` / ``_FILE`` (generated once in development); codes sent by
``sender = "outbox"`` (development only: ``$SHAHADA_HOME/portal/outbox.jsonl``) or
``sender = "package.module:factory"``, a callable taking the installation's ``Settings`` and
returning an :class:`~shahada.portal.otp.OTPSender` backed by the ministry's SMS/e-mail gateway;
PDFs sealed by the ministry's agent; wallets through
:class:`shahada.issuer.delivery.WalletDelivery` when the agent speaks DIDComm (``didcomm_port``),
with its pump running in the background, and through OID4VCI claims (:mod:`shahada.wallet`) served
at the portal's origin when ``public_url`` is set (one Interaction URL offering every protocol).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.engine import Engine

from shahada.common.errors import ConfigError, ShahadaError
from shahada.common.wsgi import ServerLimits
from shahada.config import Settings, _secret
from shahada.console import ConsoleSettings
from shahada.console import Ministry as ConsoleMinistry
from shahada.console import create_app as create_console_app
from shahada.console.errors import SettingsError as ConsoleSettingsError
from shahada.console.settings import SECRET_ENV as CONSOLE_SECRET_ENV
from shahada.issuer.archive.store import Archive
from shahada.issuer.delivery import WalletDelivery
from shahada.issuer.seal import AgentSealer
from shahada.ministry import LocalMinistry, LocalSite, ministry_did_of
from shahada.paper import archive_lookup, reachable_archive
from shahada.portal import create_app as create_portal_app
from shahada.portal.documents import SealedPrinter
from shahada.portal.errors import SettingsError as PortalSettingsError
from shahada.portal.otp import OTPSender, OutboxSender
from shahada.portal.settings import SECRET_ENV, PortalSettings
from shahada.status_setup import ministry_status_origins, site_origin
from shahada.verifier.result import Check
from shahada.verifier.seal import SealStatus
from shahada.verifier.traffic import Traffic, database_sink
from shahada.verifier.web import SERVICE_KEY, Records, VerifierService, VerifierSettings, create_app
from shahada.verifier.web.errors import SettingsError
from shahada.verifier.web.oid4vp import Oid4vpRequests
from shahada.verifier.web.oid4vp_store import DatabaseRequests
from shahada.wallet.claims import AgentCopySigner, Claims
from shahada.wallet.exchanges import Exchanges, did_authenticator
from shahada.wallet.sd_jwt_vc import AgentSDJWTSigner
from shahada.wallet.web import create_app as create_wallet_app
from shahada.wallet.web import mounted

# --- the verifier --------------------------------------------------------------------------------


def verifier_settings(settings: Settings, ministry_did: str | None, *, did_documents: Mapping[str, Mapping[str, Any]] | None = None) -> VerifierSettings:
    """The installation's verifier: the ministry's DID and ``trusted_issuers`` trusted, the
    seals' ``verify_base_url``, the local CA for a loopback did:web site, the graduate
    portal's origins (:func:`portal_origins`) for share links, and the ``[verifier]`` table
    (``settings.verifier``) for everything else."""
    trusted = frozenset(settings.trusted_issuers) | ({ministry_did} if ministry_did else set())
    ca = settings.tls_dir / "ca.pem"
    base: dict[str, Any] = {
        "trusted_issuers": trusted,
        "seal_base_url": settings.verify_base_url,
        "did_verify_tls": str(ca) if settings.site_is_local and ca.exists() else True,
        "did_documents": dict(did_documents or {}),
        "ministry_did": ministry_did or "",
    }
    extra = ministry_status_origins(settings, ministry_did)
    if extra:
        base["status_origins"] = extra  # a did:key ministry's VC API credentials: the local site's lists
    origins = portal_origins(settings)
    if origins:
        base["share_origins"] = origins
    table = dict(getattr(settings, "verifier", {}) or {})
    blocked = sorted(set(table) & {"trusted_issuers", "did_documents", "did_verify_tls", "status_origins", "ministry_did"})
    if blocked:
        raise SettingsError(f"set {', '.join(blocked)} at the top level of config.toml, not in [verifier]")
    return VerifierSettings.from_mapping({**base, **table})


DEFAULT_PORTAL_PORT: Final = 8082  # where `shahada serve portal` listens unless told otherwise


def portal_origins(settings: Settings) -> frozenset[str]:
    """The origins of this installation's share links, which its verifier fetches: the origin of
    ``[portal] public_url``; without one, in development, the address ``shahada serve portal``
    listens on by default (``http://127.0.0.1:8082``, also named ``localhost``); in production
    none (a production portal has its public URL configured).

    Raises:
        SettingsError (config.verifier): ``[portal] public_url`` is not an http(s) URL.
    """
    from shahada.verifier.share import origin_of

    portal_url = str((getattr(settings, "portal", {}) or {}).get("public_url") or "")
    if portal_url:
        origin = origin_of(portal_url)
        if origin is None:
            raise SettingsError(f"[portal] public_url {portal_url!r} is not an http(s) URL")
        return frozenset({origin})
    if settings.mode == "production":
        return frozenset()
    return frozenset({f"http://127.0.0.1:{DEFAULT_PORTAL_PORT}", f"http://localhost:{DEFAULT_PORTAL_PORT}"})


@dataclass(frozen=True, slots=True)
class InstallationVerifier:
    app: Flask
    settings: VerifierSettings
    ministry_did: str | None
    records: bool  # whether the archive is reachable
    service: VerifierService

    @property
    def server_limits(self) -> ServerLimits:
        """What waitress refuses before the application reads anything: bodies past twice the
        largest upload (up to that the application answers its own 413, as problem+json)."""
        return ServerLimits(max_request_body_size=2 * max(self.settings.max_upload_bytes, self.settings.max_json_bytes))


@contextmanager
def installation_verifier(settings: Settings, env: Mapping[str, str] | None = None, *, processes: int = 1) -> Iterator[InstallationVerifier]:
    """The verifier application of this installation, with its site and archive while in use;
    with ``env`` and a ``[verifier] public_url``, it also answers OpenID4VP requests
    (:func:`oid4vp_requests`) — when it is one of ``processes`` > 1, kept in the archive's
    database, or refused (503) when that database is not reachable.

    Raises:
        SettingsError (config.verifier): a bad ``[verifier]`` setting.
        ConfigError: no ministry DID is known (did:key before the first issuance).
    """
    ministry = ministry_did_of(settings)
    if ministry is None:
        raise ConfigError("the ministry's DID is not known yet: run shahada did document once", code="config.did")
    service_settings = verifier_settings(settings, ministry)
    with ExitStack() as stack:
        stack.enter_context(LocalSite(settings))
        lookup = stack.enter_context(archive_lookup(settings))
        records = Records(ministry, lookup, seals=lookup.seal) if lookup is not None else None
        oid4vp = None
        if env is not None:
            shared = stack.enter_context(reachable_archive(settings)) if processes > 1 and service_settings.public_url else None
            oid4vp = oid4vp_requests(settings, service_settings, env, processes=processes, database=shared.engine if shared is not None else None)
        traffic = stack.enter_context(verification_traffic(settings.archive_url if lookup is not None else None))
        app = create_app(service_settings, records=records, oid4vp=oid4vp, traffic=traffic, metrics_token=metrics_token(settings, env or {}))
        service: VerifierService = app.config[SERVICE_KEY]
        if lookup is not None:  # the ministry's seals: their status read from the archive, not fetched from its site
            service.registry = archive_registry(settings, lookup.archive, ministry, others=service.registry)
        stack.callback(service.close)  # stops its worker processes, ending any stuck task
        yield InstallationVerifier(app, service_settings, ministry, records is not None, service)


@dataclass(frozen=True, slots=True)
class MinistryRegistry:
    """A printed seal's status (:class:`~shahada.verifier.seal.SealStatus`): the ministry's own seals
    from its archive (``ministry``), any other trusted issuer's from ``others`` (its registry)."""

    ministry_did: str
    ministry: SealStatus
    others: SealStatus

    def seal_status(self, credential_id: str, issuer: str) -> Check | None:
        return (self.ministry if issuer == self.ministry_did else self.others).seal_status(credential_id, issuer)


def archive_registry(settings: Settings, archive: Archive, ministry_did: str, *, others: SealStatus) -> SealStatus:
    """The registry of a verifier beside the archive: the ministry's seals are looked up in the
    archive (:meth:`~shahada.issuer.archive.status.StatusStore.registry_entry`: status and
    supersession in one plain query) instead of fetched from its site, whose answer the archive made anyway;
    other issuers' through ``others``. ``others`` as it is for a did:key ministry, which has no
    status lists (nothing revoked)."""
    from shahada.status_setup import status_store
    from shahada.verifier.registry import RegistryChecker

    store = status_store(settings, archive)
    if store is None:
        return others
    return MinistryRegistry(ministry_did, RegistryChecker({ministry_did: frozenset({site_origin(settings)})}, lookup=store.registry_entry), others)


OID4VP_SECRET_ENV = "SHAHADA_VERIFIER_OID4VP_SECRET"
METRICS_TOKEN_ENV = "SHAHADA_VERIFIER_METRICS_TOKEN"


@contextmanager
def verification_traffic(archive_url: str | None) -> Iterator[Traffic]:
    """Where a verifier counts its verifications (:mod:`shahada.verifier.traffic`): the archive's
    ``verification_counts`` when the archive is reachable (written every few seconds, the last
    counts at the end), else in memory (``GET /metrics/traffic``)."""
    from shahada.database import open_archive

    archive = None
    if archive_url is not None:
        try:
            archive = open_archive(archive_url)
        except ShahadaError as err:
            LOGGER.warning("verification counts kept in memory: %s", err)
    traffic = Traffic(sink=database_sink(archive.engine) if archive is not None else None)
    try:
        yield traffic
    finally:
        traffic.close()
        if archive is not None:
            archive.close()


def metrics_token(settings: Settings, env: Mapping[str, str]) -> str | None:
    """The bearer token of the verifier's ``GET /metrics/traffic`` (``SHAHADA_VERIFIER_METRICS_TOKEN``
    or ``_FILE``); None: no metrics endpoint."""
    return _secret(env, METRICS_TOKEN_ENV, home=settings.home, mode=settings.mode, generate=False)


def oid4vp_requests(
    settings: Settings, service: VerifierSettings, env: Mapping[str, str], *, processes: int = 1, database: Engine | None = None
) -> Oid4vpRequests | None:
    """The verifier's OpenID4VP requests at its ``public_url``, signed with a did:key derived from
    ``SHAHADA_VERIFIER_OID4VP_SECRET`` (or ``_FILE``; generated once under ``secrets/`` in
    development). None without a ``public_url``: the request and response URIs must be public.
    With ``processes`` > 1, the requests are kept in ``database`` (the archive's), since a wallet's
    next call may reach another process; without it they are refused (503 ``oid4vp.unavailable``).

    Raises:
        ConfigError (config.secret): production mode without the secret.
    """
    if not service.public_url:
        return None
    secret = _secret(env, OID4VP_SECRET_ENV, home=settings.home, mode=settings.mode) or ""
    seed = hashlib.sha256(b"shahada oid4vp request key|" + secret.encode("utf-8")).digest()
    unavailable = None
    if processes > 1 and database is None:
        unavailable = (
            f"OpenID4VP needs its requests shared by the verifier's {processes} processes, and the archive's database is not "
            "reachable: configure archive_url, or run shahada serve verifier --processes 1"
        )
    store = DatabaseRequests(database) if database is not None and processes > 1 else None
    return Oid4vpRequests(seed, service.public_url, unavailable=unavailable, store=store)


@dataclass(frozen=True, slots=True)
class InstallationPublic:
    app: Any  # a WSGI application (shahada.public.PublicOrigin)
    origin: str
    did_path: str
    seal_base_url: str


@contextmanager
def installation_public(settings: Settings, env: Mapping[str, str] | None = None) -> Iterator[InstallationPublic]:
    """The public origin of this installation (:mod:`shahada.public`), from its published DID
    document and its archive (status lists, registry, records), while in use.

    Raises:
        ConfigError (config.did): the DID document was never published (run ``shahada did document``).
    """
    from shahada.database import open_archive
    from shahada.issuer.site.app import did_document_path
    from shahada.ministry import published_did_document
    from shahada.public import archive_status_by_number, public_app
    from shahada.schemas.loader import PinnedDocumentLoader
    from shahada.status_setup import status_store

    document = published_did_document(settings)
    if document is None:
        raise ConfigError(f"no DID document under {settings.home / 'site'}: run `shahada did document` once", code="config.did")
    with ExitStack() as stack:
        archive = open_archive(settings.archive_url)
        stack.callback(archive.close)
        lookup = stack.enter_context(archive_lookup(settings))
        store = status_store(settings, archive)
        traffic = Traffic(sink=database_sink(archive.engine))  # counted into the archive (verification_counts)
        stack.callback(traffic.close)
        app = public_app(
            settings, document, PinnedDocumentLoader(), store, records=lookup, status_by_number=archive_status_by_number(archive, store),
            traffic=traffic, metrics_token=metrics_token(settings, env or {}),
        )
        yield InstallationPublic(app, site_origin(settings), did_document_path(str(document["id"])), settings.verify_base_url)


# --- the graduate portal ---------------------------------------------------------------------------


def with_portal_address(settings: Settings, listen_url: str | None) -> Settings:
    """The settings with ``[portal] public_url`` set to ``listen_url`` (the address ``shahada serve
    portal`` listens on) when none is configured: the share links' prefix, and an origin the
    installation's verifier then trusts (:func:`portal_origins`; the local site that command starts
    included)."""
    if not listen_url or (settings.portal or {}).get("public_url"):
        return settings
    return dataclasses.replace(settings, portal={**dict(settings.portal or {}), "public_url": listen_url})


def portal_settings(settings: Settings, env: Mapping[str, str]) -> PortalSettings:
    """The ``[portal]`` table (``settings.portal``), the secret from ``env`` (or generated
    once in development), and a default that makes share links open on a fresh installation:
    ``verifier_url`` is ``[verifier] public_url``, else the public origin ``https://<did_web_host>``
    (``shahada serve public``, and in development the local site, serve the verifier there).

    Raises:
        SettingsError (config.portal): a bad setting, or a secret written in ``config.toml``.
        ConfigError (config.secret): production mode without ``SHAHADA_PORTAL_SECRET``.
    """
    table = dict(settings.portal)
    for name in ("secret", "secret_file"):  # SHAHADA_PORTAL_SECRET[_FILE] land in the table too
        if name in table and not env.get(f"{SECRET_ENV}{name.removeprefix('secret').upper()}"):
            raise PortalSettingsError("the portal secret comes from SHAHADA_PORTAL_SECRET or _FILE, never from config.toml")
        table.pop(name, None)
    verifier_url = str(dict(settings.verifier).get("public_url", "") or "") or site_origin(settings)
    base: dict[str, Any] = {"verifier_url": verifier_url.rstrip("/")}
    return PortalSettings.from_mapping({**base, **table, "secret": portal_secret(env, home=settings.home, production=settings.mode == "production")})


def portal_secret(env: Mapping[str, str], *, home: Path, production: bool) -> bytes:
    """``SHAHADA_PORTAL_SECRET``, or the file ``SHAHADA_PORTAL_SECRET_FILE`` names; in development
    one is generated once under ``home/secrets/portal_secret`` (0600).

    Raises:
        ConfigError (config.secret): a file that cannot be read, or production mode without one.
    """
    value = _secret(env, SECRET_ENV, home=home, mode="production" if production else "development")
    return (value or "").encode("utf-8")


LOGGER = logging.getLogger(__name__)
PUMP_SECONDS = 5.0
CLAIM_TTL = 900  # seconds a wallet claim (its QR code, its transaction code) works at most


@dataclass(frozen=True, slots=True)
class InstallationPortal:
    app: Flask
    settings: PortalSettings
    outbox: Path | None  # where development codes are written
    wallet: bool  # whether "add to wallet" is offered


def outbox_path(settings: Settings) -> Path:
    return settings.home / "portal" / "outbox.jsonl"


def code_sender(settings: Settings, portal: PortalSettings) -> tuple[OTPSender, Path | None]:
    """The configured sender, and the outbox path when it is the development one.

    Raises:
        SettingsError (config.portal): the outbox in production, or a factory that cannot be loaded.
    """
    if portal.sender == "outbox":
        if settings.mode == "production":
            raise PortalSettingsError('production needs a real code sender: set [portal] sender = "package.module:factory"')
        path = outbox_path(settings)
        return OutboxSender(path), path
    module_name, _, attribute = portal.sender.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as err:
        raise PortalSettingsError(f"cannot load the code sender {portal.sender!r}: {err}") from err
    return cast(OTPSender, factory(settings)), None


class Pump:
    """Calls ``work`` every ``interval`` seconds in a daemon thread until stopped; a failure is
    logged and the next round tries again."""

    def __init__(self, work: Callable[[], object], *, interval: float = PUMP_SECONDS) -> None:
        self.work = work
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shahada-portal-pump", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.work()
            except (ShahadaError, OSError) as err:
                LOGGER.warning("wallet deliveries could not be refreshed: %s", err)

    def start(self) -> Pump:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 30)


def wallet_claims(portal: PortalSettings, ministry: LocalMinistry, sender: OTPSender) -> Claims | None:
    """OID4VCI claims (:mod:`shahada.wallet.claims`) at the portal's origin, when ``[portal]
    public_url`` is an origin (the credential issuer identifier, whose well-known URLs are then the
    plain ones); the transaction codes go through the portal's code sender. None otherwise."""
    parts = urlsplit(portal.public_url)
    if not portal.public_url or parts.path not in ("", "/"):
        if portal.public_url:
            LOGGER.warning("wallet claims (OID4VCI) are off: [portal] public_url %s has a path", portal.public_url)
        return None
    method = ministry.identity.verification_method
    return Claims(
        ministry.archive, AgentCopySigner(ministry.client, method), sender, key=portal.key("wallet-claims"), issuer=portal.public_url,
        ttl=min(portal.invitation_ttl, CLAIM_TTL), sd_jwt=AgentSDJWTSigner(ministry.client, method), status=ministry.status,
    )


@contextmanager
def installation_portal(settings: Settings, ministry: LocalMinistry, env: Mapping[str, str]) -> Iterator[InstallationPortal]:
    """The portal application of this installation over its running ministry (and, with
    wallets, the delivery pump while in use).

    Raises:
        SettingsError (config.portal): a bad ``[portal]`` setting.
        ConfigError (config.secret): production mode without ``SHAHADA_PORTAL_SECRET``.
    """
    portal = portal_settings(settings, env)
    sender, outbox = code_sender(settings, portal)
    method = ministry.identity.verification_method
    delivery = WalletDelivery(ministry.client, ministry.archive, verification_method=method) if settings.didcomm_port is not None else None
    printer = SealedPrinter(AgentSealer(ministry.client, method), base_url=settings.verify_base_url, settings=settings.printing)
    claims = wallet_claims(portal, ministry, sender)
    app = create_portal_app(portal, archive=ministry.archive, sender=sender, printer=printer, delivery=delivery, status=ministry.status, claims=claims)
    if claims is not None:  # the wallet-facing endpoints share the portal's origin
        verifier = ministry.verifier()  # DID authentication of VC API exchanges: the holder's did:key
        exchanges = Exchanges(claims, did_authenticator(verifier.loader, verifier.resolver, clock=verifier.clock))
        app.wsgi_app = mounted(create_wallet_app(claims, exchanges), app.wsgi_app)  # type: ignore[method-assign,assignment]
    pump = Pump(delivery.pump).start() if delivery is not None else None
    try:
        yield InstallationPortal(app, portal, outbox, delivery is not None or claims is not None)
    finally:
        if pump is not None:
            pump.stop()
        printer.close()  # stops the PDF worker, ending a rendering in progress


# --- the staff console -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InstallationConsole:
    app: Flask
    settings: ConsoleSettings


def console_settings(settings: Settings, env: Mapping[str, str]) -> ConsoleSettings:
    """The ``[console]`` table (``settings.console``, ``SHAHADA_CONSOLE_*``), its secret from
    ``SHAHADA_CONSOLE_SECRET`` / ``_FILE`` (generated once in development), its work directory
    ``$SHAHADA_HOME/console`` by default.

    Raises:
        SettingsError (config.console): a bad setting, or a secret written in ``config.toml``.
        ConfigError (config.secret): production mode without ``SHAHADA_CONSOLE_SECRET``.
    """
    table = dict(settings.console)
    for name in ("secret", "secret_file"):
        if name in table and not env.get(f"{CONSOLE_SECRET_ENV}{name.removeprefix('secret').upper()}"):
            raise ConsoleSettingsError("the console secret comes from SHAHADA_CONSOLE_SECRET or _FILE, never from config.toml")
        table.pop(name, None)
    table.pop("password", None)  # SHAHADA_CONSOLE_PASSWORD: `shahada console add-user`'s, not a setting
    secret = _secret(env, CONSOLE_SECRET_ENV, home=settings.home, mode=settings.mode) or ""
    return ConsoleSettings.from_mapping({"work_dir": settings.home / "console", **table, "secret": secret})


def console_ministry(settings: Settings, ministry: LocalMinistry) -> ConsoleMinistry:
    """The installation's parts as the console uses them: the archive, status lists and agent
    signer of ``ministry``, and ``shahada print``'s :func:`~shahada.print_session.print_session`."""
    from shahada.print_session import print_session
    from shahada.schemas.reference import bundled_reference

    sealer = AgentSealer(ministry.client, ministry.identity.verification_method)

    def printer(*, year: int, academy: str, out: Path, progress: Callable[[int, int], None]) -> Any:
        return print_session(ministry.archive, sealer, out, year=year, base_url=settings.verify_base_url, academy=academy, progress=progress,
                             settings=settings.printing)

    return ConsoleMinistry(
        archive=ministry.archive, status=ministry.status, signer=ministry.signer, issuer_did=ministry.identity.did, secret=settings.id_secret,
        proof_type=settings.proof_type, academies=frozenset(bundled_reference().academies), printer=printer, concurrency=settings.sign_concurrency,
    )


@contextmanager
def installation_console(settings: Settings, ministry: LocalMinistry, env: Mapping[str, str]) -> Iterator[InstallationConsole]:
    """The staff console over the running ministry.

    Raises:
        SettingsError (config.console), ConfigError (config.secret).
    """
    values = console_settings(settings, env)
    yield InstallationConsole(create_console_app(values, ministry=console_ministry(settings, ministry)), values)
