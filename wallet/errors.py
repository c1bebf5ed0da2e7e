"""The wallet's one error type, with stable machine-readable codes."""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class WalletError(ShahadaError):
    """Codes: ``wallet.invitation`` (not a usable invitation), ``wallet.timeout`` (the other agent
    did not answer in time), ``wallet.not_found`` (no such credential or request),
    ``wallet.refused`` (the holder agent refused the operation), ``wallet.config`` (no wallet
    agent configured)."""

    code = "wallet.error"
    http_status = 400

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"
