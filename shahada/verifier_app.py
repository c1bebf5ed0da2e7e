"""The installation's verifier service: ``verifier.web.create_app`` configured from ``Settings``.

Used by ``shahada serve verifier`` and ``bench/verify.py``. It trusts the ministry's DID and the
configured ``trusted_issuers``, answers the seals' ``verify_base_url``, resolves the ministry's
did:web over HTTPS (in the local setup from the loopback site, served here when no other command
serves it, with the local CA), and compares documents with the archive when it is reachable. No
agent is involved: verification needs only the pinned contexts, the trust list and the DID
document.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from flask import Flask

from shahada.config import Settings
from shahada.ministry import LocalSite, ministry_did_of
from shahada.paper import archive_lookup
from verifier.web import Records, VerifierSettings, create_app


@dataclass(frozen=True, slots=True)
class InstallationVerifier:
    app: Flask
    settings: VerifierSettings
    ministry_did: str | None
    records: bool  # whether the archive is reachable


@contextmanager
def installation_verifier(settings: Settings) -> Iterator[InstallationVerifier]:
    """The verifier application of this installation, with its site and archive while in use.

    Raises:
        SettingsError (config.verifier): a bad ``[verifier]`` setting.
        ConfigError: no ministry DID is known (did:key before the first issuance).
    """
    from issuer.errors import ConfigError

    ministry = ministry_did_of(settings)
    if ministry is None:
        raise ConfigError("the ministry's DID is not known yet: run shahada did document once", code="config.did")
    verifier_settings = VerifierSettings.from_installation(settings, ministry)
    with ExitStack() as stack:
        stack.enter_context(LocalSite(settings))
        lookup = stack.enter_context(archive_lookup(settings))
        records = Records(ministry, lookup) if lookup is not None else None
        app = create_app(verifier_settings, records=records)
        yield InstallationVerifier(app, verifier_settings, ministry, records is not None)
