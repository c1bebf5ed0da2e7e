"""The public names of shahada.portal (httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import shahada.portal


def test_exported_members() -> None:
    exported = set(shahada.portal.__all__)
    assert exported <= set(dir(shahada.portal))  # every exported name exists
    assert exported == {
        "DocumentPrinter", "FormError", "GoneError", "NotFoundError", "OTPSender", "OutboxSender", "PORTAL_KEY", "PortalError",
        "PortalSettings", "RateLimitedError", "SealedPrinter", "SettingsError", "SignInError", "StatusSource", "UnavailableError",
        "UnprocessableError", "WalletClaimService", "WalletDeliveryService", "create_app",
    }
