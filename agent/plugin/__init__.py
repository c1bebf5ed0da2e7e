"""The project's ACA-Py plugin: every JSON-LD context the project uses, served offline.

Loaded with ``aca-py start --plugin shahada.agent.plugin``. ACA-Py 1.7 bundles only a few contexts
and fetches any other one live, with no timeout (``acapy_agent.vc.ld_proofs.document_loader``). This plugin replaces the
agent's document loader, once the agent has started (the conductor binds its own loader after
plugins' ``setup()``), by one that

- serves every URL of the project's pinned manifest from the very files the verifier uses
  (``shahada.schemas.loader.PinnedDocumentLoader``: digests checked at load);
- keeps ACA-Py's bundled contexts for URLs outside the manifest;
- refuses every other URL instead of going to the network.

It also adds ``GET /shahada/contexts`` to the admin API (routes.py) so operators and tests can see
which contexts the agent serves, with their digests.
Data Integrity proofs (eddsa-rdfc-2022, eddsa-jcs-2022) signed by the wallet: ``data_integrity/``.
ACA-Py's own Ed25519Signature2020/2018 suites are made to sign text direction (``@direction``) as
the reference implementations do: ``direction.py``.
"""

from __future__ import annotations

import logging
from typing import Any

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.core.util import STARTUP_EVENT_PATTERN
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader
from acapy_agent.vc.ld_proofs.error import LinkedDataProofException

from shahada.agent.plugin.direction import sign_text_direction
from shahada.agent.plugin.settings import plugin_manifest
from shahada.schemas.errors import UnknownContextError
from shahada.schemas.loader import PinnedDocumentLoader

LOGGER = logging.getLogger(__name__)


class PinnedAgentDocumentLoader(DocumentLoader):
    """ACA-Py's DocumentLoader with the project's pinned contexts and no live fetching."""

    def __init__(self, profile: Profile, pinned: PinnedDocumentLoader) -> None:
        super().__init__(profile)
        self.pinned = pinned

    def _load_http_document(self, url: str, options: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.pinned(url, options)
        except UnknownContextError:
            pass
        bundled: dict[str, Any] | None = self.requests_loader.__self__.cache.get(url)  # ACA-Py's own static contexts
        if bundled is not None:
            return bundled
        raise LinkedDataProofException(f"JSON-LD context {url} is not pinned by the ministry; it is not fetched")


async def setup(context: InjectionContext) -> None:
    sign_text_direction()
    pinned = PinnedDocumentLoader(plugin_manifest(context.settings))  # fails the start-up if a context file was altered
    context.injector.bind_instance(PinnedDocumentLoader, pinned)

    async def on_startup(profile: Profile, event: Event) -> None:
        profile.context.injector.bind_instance(DocumentLoader, PinnedAgentDocumentLoader(profile, pinned))
        LOGGER.info("shahada: %d pinned JSON-LD contexts served offline", len(pinned.urls))

    bus = context.inject(EventBus)
    bus.subscribe(STARTUP_EVENT_PATTERN, on_startup)
