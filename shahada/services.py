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
with its pump running in the background.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from flask import Flask

from shahada.common.errors import ConfigError, ShahadaError
from shahada.common.wsgi import ServerLimits
from shahada.config import Settings, _secret
from shahada.console import ConsoleSettings
from shahada.console import Ministry as ConsoleMinistry
from shahada.console import create_app as create_console_app
from shahada.console.errors import SettingsError as ConsoleSettingsError
from shahada.console.settings import SECRET_ENV as CONSOLE_SECRET_ENV
from shahada.issuer.delivery import WalletDelivery
from shahada.issuer.seal import AgentSealer
from shahada.ministry import LocalMinistry, LocalSite, ministry_did_of
from shahada.paper import archive_lookup
from shahada.portal import create_app as create_portal_app
from shahada.portal.documents import SealedPrinter
from shahada.portal.errors import SettingsError as PortalSettingsError
from shahada.portal.otp import OTPSender, OutboxSender
from shahada.portal.settings import SECRET_ENV, PortalSettings
from shahada.status_setup import ministry_status_origins
from shahada.verifier.web import SERVICE_KEY, Records, VerifierService, VerifierSettings, create_app
from shahada.verifier.web.errors import SettingsError

# --- the verifier --------------------------------------------------------------------------------


def verifier_settings(settings: Settings, ministry_did: str | None, *, did_documents: Mapping[str, Mapping[str, Any]] | None = None) -> VerifierSettings:
    """The installation's verifier: the ministry's DID and ``trusted_issuers`` trusted, the
    seals' ``verify_base_url``, the local CA for a loopback did:web site, the graduate
    portal's origin (``[portal] public_url``) for share links, and the ``[verifier]`` table
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
    portal_url = str((getattr(settings, "portal", {}) or {}).get("public_url") or "")
    if portal_url:
        from shahada.verifier.share import origin_of

        origin = origin_of(portal_url)
        if origin is None:
            raise SettingsError(f"[portal] public_url {portal_url!r} is not an http(s) URL")
        base["share_origins"] = frozenset({origin})
    table = dict(getattr(settings, "verifier", {}) or {})
    blocked = sorted(set(table) & {"trusted_issuers", "did_documents", "did_verify_tls", "status_origins", "ministry_did"})
    if blocked:
        raise SettingsError(f"set {', '.join(blocked)} at the top level of config.toml, not in [verifier]")
    return VerifierSettings.from_mapping({**base, **table})


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
def installation_verifier(settings: Settings) -> Iterator[InstallationVerifier]:
    """The verifier application of this installation, with its site and archive while in use.

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
        records = Records(ministry, lookup) if lookup is not None else None
        app = create_app(service_settings, records=records)
        service: VerifierService = app.config[SERVICE_KEY]
        stack.callback(service.close)  # stops its worker processes, ending any stuck task
        yield InstallationVerifier(app, service_settings, ministry, records is not None, service)


@dataclass(frozen=True, slots=True)
class InstallationPublic:
    app: Any  # a WSGI application (shahada.public.PublicOrigin)
    origin: str
    did_path: str
    seal_base_url: str


@contextmanager
def installation_public(settings: Settings) -> Iterator[InstallationPublic]:
    """The public origin of this installation (:mod:`shahada.public`), from its published DID
    document and its archive (status lists, registry, records), while in use.

    Raises:
        ConfigError (config.did): the DID document was never published (run ``shahada did document``).
    """
    from shahada.database import open_archive
    from shahada.issuer.site.app import did_document_path
    from shahada.ministry import published_did_document
    from shahada.public import public_app
    from shahada.schemas.loader import PinnedDocumentLoader
    from shahada.status_setup import site_origin, status_store

    document = published_did_document(settings)
    if document is None:
        raise ConfigError(f"no DID document under {settings.home / 'site'}: run `shahada did document` once", code="config.did")
    with ExitStack() as stack:
        archive = open_archive(settings.archive_url)
        stack.callback(archive.close)
        lookup = stack.enter_context(archive_lookup(settings))
        app = public_app(settings, document, PinnedDocumentLoader(), status_store(settings, archive), records=lookup)
        yield InstallationPublic(app, site_origin(settings), did_document_path(str(document["id"])), settings.verify_base_url)


# --- the graduate portal ---------------------------------------------------------------------------


def portal_settings(settings: Settings, env: Mapping[str, str]) -> PortalSettings:
    """The ``[portal]`` table (``settings.portal``), the secret from ``env`` (or generated
    once in development), and the verifier's ``public_url`` as the default ``verifier_url``.

    Raises:
        SettingsError (config.portal): a bad setting, or a secret written in ``config.toml``.
        ConfigError (config.secret): production mode without ``SHAHADA_PORTAL_SECRET``.
    """
    table = dict(settings.portal)
    for name in ("secret", "secret_file"):  # SHAHADA_PORTAL_SECRET[_FILE] land in the table too
        if name in table and not env.get(f"{SECRET_ENV}{name.removeprefix('secret').upper()}"):
            raise PortalSettingsError("the portal secret comes from SHAHADA_PORTAL_SECRET or _FILE, never from config.toml")
        table.pop(name, None)
    verifier_url = str(dict(settings.verifier).get("public_url", "") or "")
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
    app = create_portal_app(portal, archive=ministry.archive, sender=sender, printer=printer, delivery=delivery, status=ministry.status)
    pump = Pump(delivery.pump).start() if delivery is not None else None
    try:
        yield InstallationPortal(app, portal, outbox, delivery is not None)
    finally:
        if pump is not None:
            pump.stop()


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
