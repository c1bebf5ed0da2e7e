"""The installation's portal: :func:`issuer.portal.create_app` wired to a running local ministry
(``shahada serve portal``).

- settings: the ``[portal]`` table and ``SHAHADA_PORTAL_*`` (:meth:`PortalSettings.from_installation`),
  the secret from ``SHAHADA_PORTAL_SECRET`` / ``_FILE`` (generated once in development);
- codes: ``sender = "outbox"`` (development only: ``$SHAHADA_HOME/portal/outbox.jsonl``) or
  ``sender = "package.module:factory"``, a callable taking the installation's ``Settings`` and
  returning an :class:`~issuer.portal.otp.OTPSender` backed by the ministry's SMS/e-mail gateway;
- PDFs: sealed by the ministry's agent, the QR code pointing at ``verify_base_url``;
- status: the archive's status store;
- wallets: :class:`issuer.delivery.WalletDelivery` when the agent speaks DIDComm
  (``didcomm_port``), with its pump running in the background: a wallet that connected gets the
  remaining documents offered even when nobody keeps the page open.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from flask import Flask

from issuer.delivery import WalletDelivery
from issuer.portal import create_app
from issuer.portal.documents import SealedPrinter
from issuer.portal.errors import SettingsError
from issuer.portal.otp import OTPSender, OutboxSender
from issuer.portal.settings import PortalSettings
from issuer.seal import AgentSealer
from shahada.errors import ShahadaError

if TYPE_CHECKING:
    from shahada.config import Settings
    from shahada.ministry import LocalMinistry

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
            raise SettingsError('production needs a real code sender: set [portal] sender = "package.module:factory"')
        path = outbox_path(settings)
        return OutboxSender(path), path
    module_name, _, attribute = portal.sender.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as err:
        raise SettingsError(f"cannot load the code sender {portal.sender!r}: {err}") from err
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
    portal = PortalSettings.from_installation(settings, env)
    sender, outbox = code_sender(settings, portal)
    method = ministry.identity.verification_method
    delivery = WalletDelivery(ministry.client, ministry.archive, verification_method=method) if settings.didcomm_port is not None else None
    printer = SealedPrinter(AgentSealer(ministry.client, method), base_url=settings.verify_base_url)
    app = create_app(portal, archive=ministry.archive, sender=sender, printer=printer, delivery=delivery, status=ministry.status)
    pump = Pump(delivery.pump).start() if delivery is not None else None
    try:
        yield InstallationPortal(app, portal, outbox, delivery is not None)
    finally:
        if pump is not None:
            pump.stop()
