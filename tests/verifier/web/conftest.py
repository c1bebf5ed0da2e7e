"""Fixtures for the verifier service: the real Flask app (``create_app``) over the real pinned
loader and proof suites, a local issuer key (did:key, trusted), a local seal key standing in for
the ministry's (did:web, trusted, known in advance), and helpers to sign credentials and
presentations. Tests that need the real agent and did:web over HTTPS are in ``test_browser.py``
and ``test_ministry.py``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from did import DIDResolver
from did.document import DIDDocument, build_did_document
from schemas.loader import PinnedDocumentLoader
from schemas.seal.content import SealContent
from schemas.seal.text import seal_text
from tests.support.local_sealer import MINISTRY_DID, LocalSealer
from tests.support.local_signer import LocalKey
from tests.support.presentations import make_presentation, sign_presentation
from tests.verifier.verifier_support import NOW, make_credential
from verifier.seal import StaticResolver
from verifier.web import create_app

SEAL_BASE = "HTTPS://VERIFY.TEST/V/"
CASES = Path(__file__).parents[2] / "schemas" / "cases"


@pytest.fixture(scope="session")
def sealer() -> LocalSealer:
    return LocalSealer()


@pytest.fixture(scope="session")
def holder_key() -> LocalKey:
    return LocalKey.generate()


@pytest.fixture(scope="session")
def case_diploma() -> dict[str, Any]:
    import json

    document: dict[str, Any] = json.loads((CASES / "option-fr" / "diploma.json").read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="session")
def seal(sealer: LocalSealer, case_diploma: dict[str, Any]) -> str:
    """The QR text of the option-fr test case's diploma, sealed by the stand-in ministry key."""
    [cose] = sealer.seal([SealContent.from_credential(case_diploma)])
    return seal_text(cose, SEAL_BASE)


def make_app(issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader, **settings: Any) -> Flask:
    ministry = DIDDocument.from_dict(build_did_document(MINISTRY_DID, sealer.public_key))
    resolver = StaticResolver({MINISTRY_DID: ministry}, fallback=DIDResolver(trusted_dids=frozenset()))
    values: dict[str, Any] = {"trusted_issuers": frozenset({issuer_key.did_key, MINISTRY_DID}), "seal_base_url": SEAL_BASE}
    values.update(settings)
    return create_app(values, resolver=resolver, clock=lambda: NOW, loader=loader)


@pytest.fixture
def app(issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader) -> Flask:
    return make_app(issuer_key, sealer, loader)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def genuine(sign: Callable[..., dict[str, Any]], issuer_key: LocalKey, holder_key: LocalKey) -> dict[str, Any]:
    credential = make_credential(issuer_key.did_key, "eddsa-rdfc-2022")
    credential["credentialSubject"]["id"] = holder_key.did_key
    return sign(credential, "eddsa-rdfc-2022")


@pytest.fixture
def present(holder_key: LocalKey, loader: PinnedDocumentLoader) -> Callable[..., dict[str, Any]]:
    def _present(credentials: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        vp = make_presentation(credentials, holder=holder_key.did_key)
        return sign_presentation(vp, suite="eddsa-rdfc-2022", key=holder_key, created=NOW, loader=loader, **kwargs)

    return _present
