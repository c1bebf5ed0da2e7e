"""A fixture counting the seal's holder-binding scrypts (``shahada.schemas.seal.content.holder_binding``)."""

from __future__ import annotations

import pytest

import shahada.schemas.seal.content as content_module


@pytest.fixture
def scrypts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The credential ids whose holder binding was computed (the scrypt run)."""
    calls: list[str] = []
    real = content_module.holder_binding

    def counted(massar: str, credential_id: str) -> bytes:
        calls.append(credential_id)
        return real(massar, credential_id)

    monkeypatch.setattr(content_module, "holder_binding", counted)
    return calls
