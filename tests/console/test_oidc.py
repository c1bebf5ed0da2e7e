"""OpenID Connect sign-in against a provider the tests start on 127.0.0.1 (``tests/console/idp.py``):
the code flow with PKCE, the ID token checked (signature, nonce, issuer, audience), a second factor
required in ``amr``, and the account and its role the console's own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient
from jwcrypto import jwk

from shahada.common.wsgi import WaitressServer
from shahada.console import create_app
from shahada.issuer.archive.audit import AuditLog
from tests.console.conftest import SECRET, Setup
from tests.console.idp import CLIENT_ID, CLIENT_SECRET, Provider, create_idp


@dataclass
class OIDC:
    setup: Setup
    provider: Provider
    client: FlaskClient


@pytest.fixture
def oidc(setup: Setup, tmp_path: Path) -> Iterator[OIDC]:
    provider = Provider()
    server = WaitressServer(create_idp(provider), host="127.0.0.1", port=0, ident="test-idp").start()
    provider.issuer = server.url
    ministry = setup.app.config["SHAHADA_CONSOLE"].workflow.ministry
    app = create_app(
        {"secret": SECRET, "work_dir": str(tmp_path / "oidc-console"), "secure_cookies": False, "oidc_issuer": server.url, "oidc_client_id": CLIENT_ID,
         "oidc_client_secret": CLIENT_SECRET},
        ministry=ministry, clock=setup.clock,
    )
    try:
        yield OIDC(setup, provider, app.test_client())
    finally:
        server.stop()


def through_provider(client: FlaskClient) -> tuple[int, str]:
    """Click "sign in with the ministry's account": the console sends the browser to the provider,
    which sends it back with a code. Returns the callback's status and its next location or page."""
    start = client.get("/signin/oidc")
    assert start.status_code == 302
    browser = requests.Session()
    browser.trust_env = False
    at_provider = browser.get(start.headers["Location"], allow_redirects=False, timeout=30)
    assert at_provider.status_code == 302, at_provider.text
    back = at_provider.headers["Location"]
    assert back.startswith("http://localhost/signin/oidc/callback?")
    answer = client.get(back.removeprefix("http://localhost"))
    return answer.status_code, answer.headers.get("Location") or answer.get_data(as_text=True)


def test_the_sign_in_page_offers_the_provider(oidc: OIDC) -> None:
    page = oidc.client.get("/signin?lang=fr").get_data(as_text=True)
    assert 'data-action="oidc"' in page and "compte unique du ministère" in page


def test_an_account_signs_in_through_the_provider_with_a_second_factor(oidc: OIDC) -> None:
    oidc.setup.account("aya", "approver")
    oidc.provider.user = {"preferred_username": "aya", "amr": ["pwd", "otp"]}
    status, where = through_provider(oidc.client)
    assert status == 303 and where.endswith("/"), where
    page = oidc.client.get("/").get_data(as_text=True)
    assert "aya</bdi> · Approbateur" in page
    assert ("aya", "console.signin.oidc") in [(e.operator, e.action) for e in AuditLog(oidc.setup.archive.engine).entries()]


def test_a_sign_in_without_a_second_factor_is_refused(oidc: OIDC) -> None:
    oidc.setup.account("aya", "approver")
    oidc.provider.user = {"preferred_username": "aya", "amr": ["pwd"]}
    status, _ = through_provider(oidc.client)
    assert status == 401
    assert oidc.client.get("/").status_code == 303  # not signed in


def test_an_identity_without_a_console_account_is_refused(oidc: OIDC) -> None:
    oidc.provider.user = {"preferred_username": "stranger", "amr": ["mfa"]}
    status, _ = through_provider(oidc.client)
    assert status == 401
    assert ("stranger", "console.signin.oidc.fail") in [(e.operator, e.action) for e in AuditLog(oidc.setup.archive.engine).entries()]


def test_an_id_token_signed_by_another_key_is_refused(oidc: OIDC) -> None:
    oidc.setup.account("aya", "approver")
    oidc.provider.user = {"preferred_username": "aya", "amr": ["otp"]}
    oidc.provider.forge_with = jwk.JWK.generate(kty="RSA", size=2048, kid="idp-1")  # same kid, another key
    status, _ = through_provider(oidc.client)
    assert status == 401
    assert oidc.client.get("/").status_code == 303


def test_a_callback_with_another_state_is_refused(oidc: OIDC) -> None:
    oidc.setup.account("aya", "approver")
    oidc.provider.user = {"preferred_username": "aya", "amr": ["otp"]}
    oidc.client.get("/signin/oidc")
    answer = oidc.client.get("/signin/oidc/callback?code=whatever&state=forged")
    assert answer.status_code == 401
    assert oidc.client.get("/").status_code == 303


def test_without_a_provider_there_is_no_such_sign_in(setup: Setup) -> None:
    client = setup.client()
    assert client.get("/signin/oidc").status_code == 404
    assert 'data-action="oidc"' not in client.get("/signin").get_data(as_text=True)
