"""The public names of shahada.verifier.web (httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import shahada.verifier.web


def test_exported_members() -> None:
    exported = set(shahada.verifier.web.__all__)
    assert exported <= set(dir(shahada.verifier.web))  # every exported name exists
    assert exported == {
        "BadRequestError", "DocumentStatus", "PayloadTooLargeError", "Records", "Report", "SERVICE_KEY", "SettingsError", "StatusByNumber",
        "UnprocessableInputError", "VerifierService", "VerifierServiceError", "VerifierSettings", "create_app",
    }
