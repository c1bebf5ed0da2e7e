"""The public names of shahada.verifier.web (httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import shahada.verifier.web


def test_exported_members() -> None:
    exported = set(shahada.verifier.web.__all__)
    assert exported == {name for name in dir(shahada.verifier.web) if not name.startswith("_") and name in exported}
    assert exported == {
        "BadRequestError", "PayloadTooLargeError", "Records", "Report", "SERVICE_KEY", "SettingsError",
        "UnprocessableInputError", "VerifierService", "VerifierServiceError", "VerifierSettings", "create_app",
    }
