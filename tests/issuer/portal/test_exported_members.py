"""The public names of issuer.portal (httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import issuer.portal


def test_exported_members() -> None:
    exported = set(issuer.portal.__all__)
    assert exported == {name for name in dir(issuer.portal) if not name.startswith("_") and name in exported}
    assert exported == {
        "DocumentPrinter", "FormError", "GoneError", "NotFoundError", "OTPSender", "OutboxSender", "PORTAL_KEY", "PortalError",
        "PortalSettings", "RateLimitedError", "SealedPrinter", "SettingsError", "SignInError", "StatusSource", "UnavailableError",
        "UnprocessableError", "WalletDeliveryService", "create_app",
    }
