"""Fixtures for the verifier tests: a session issuer key, the real pinned loader, sign and verify
helpers, a credential signed with each suite, and (with the real ministry) a session issued with
status entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier import VerificationResult, verify_credential
from tests.support.local_signer import LocalKey, sign_credential
from tests.verifier.verifier_support import NOW, SUITES, SpyResolver, make_credential


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


# --- with the real ministry: a session issued with status entries, one diploma revoked ----------


@dataclass
class IssuedSession:
    """Credentials the ministry's agent signed into its archive, with status list entries (its
    site serves the signed lists), one candidate's diploma revoked and published."""

    by_massar: dict[str, list[Any]]
    good: str  # a candidate whose documents stand
    revoked: str  # a candidate whose diploma was revoked
    other: str  # a third admitted candidate

    def diploma(self, massar: str) -> dict[str, Any]:
        return next(c.document for c in self.by_massar[massar] if c.kind == "diploma")

    def documents(self, massar: str) -> list[dict[str, Any]]:
        return [c.document for c in self.by_massar[massar]]


ISSUED_YEAR = 2018  # a session no other test issues into the shared archive


@pytest.fixture(scope="session")
def issued_session(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> IssuedSession:
    from tests.support.sessions import admitted, issue_with_status, revoke_and_publish

    by_massar = issue_with_status(ministry, tmp_path_factory.mktemp("verifier-status-session"), rows=10, seed=1818, year=ISSUED_YEAR)
    candidates = admitted(by_massar)
    assert len(candidates) >= 3, "the synthetic session must admit three candidates"
    session = IssuedSession(by_massar, good=candidates[0], revoked=candidates[1], other=candidates[2])
    revoke_and_publish(ministry, next(c.id for c in by_massar[session.revoked] if c.kind == "diploma"))
    return session
