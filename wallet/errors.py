"""The wallet's one error type, with stable machine-readable codes."""

from __future__ import annotations


class WalletError(Exception):
    """Codes: ``wallet.invitation`` (not a usable invitation), ``wallet.timeout`` (the other agent
    did not answer in time), ``wallet.not_found`` (no such credential or request),
    ``wallet.refused`` (the holder agent refused the operation), ``wallet.config`` (no wallet
    agent configured)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"
