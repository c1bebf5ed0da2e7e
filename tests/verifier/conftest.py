"""Fixtures for the verifier tests: a session issuer key, the real pinned loader, sign and verify
helpers, and a credential signed with each suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schemas.loader import PinnedDocumentLoader
from tests.support.local_signer import LocalKey, sign_credential
from tests.verifier.verifier_support import NOW, SUITES, SpyResolver, make_credential
from verifier import VerificationResult, verify_credential


@pytest.fixture(scope="session")
def loader() -> PinnedDocumentLoader:
    return PinnedDocumentLoader()


@pytest.fixture(scope="session")
def issuer_key() -> LocalKey:
    return LocalKey.generate()


@pytest.fixture
def resolver() -> SpyResolver:
    return SpyResolver()


@pytest.fixture
def sign(issuer_key: LocalKey, loader: PinnedDocumentLoader) -> Callable[..., dict[str, Any]]:
    def _sign(credential: dict[str, Any], suite: str, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("key", issuer_key)
        kwargs.setdefault("verification_method", issuer_key.did_key_vm)
        kwargs.setdefault("created", NOW)
        kwargs.setdefault("loader", loader)
        return sign_credential(credential, suite=suite, **kwargs)

    return _sign


@pytest.fixture
def verify(
    issuer_key: LocalKey, loader: PinnedDocumentLoader, resolver: SpyResolver
) -> Callable[..., VerificationResult]:
    def _verify(credential: Any, **kwargs: Any) -> VerificationResult:
        kwargs.setdefault("document_loader", loader)
        kwargs.setdefault("resolver", resolver)
        kwargs.setdefault("trusted_issuers", frozenset({issuer_key.did_key}))
        kwargs.setdefault("now", NOW)
        return verify_credential(credential, **kwargs)

    return _verify


@pytest.fixture(params=SUITES)
def suite(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def signed(suite: str, sign: Callable[..., dict[str, Any]], issuer_key: LocalKey) -> dict[str, Any]:
    return sign(make_credential(issuer_key.did_key, suite), suite)
