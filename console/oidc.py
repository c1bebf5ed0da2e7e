"""Signing in through the ministry's OpenID Connect provider (authorization code flow with PKCE,
Authlib's Flask client): the provider checks the password and the second factor, the console
checks the ID token (signature from the provider's JWKS, issuer, audience, expiry, nonce), that its
``amr`` names a second factor (``oidc_require_mfa``), and that the claim ``oidc_account_claim``
names an enabled console account: roles stay the console's."""

from __future__ import annotations

from typing import Any, Final

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, url_for
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from shahada.console.errors import ProviderError, SignInError
from shahada.console.settings import ConsoleSettings

__all__ = ["SECOND_FACTORS", "account_of", "authorize", "callback", "register"]

OAUTH_KEY: Final = "SHAHADA_CONSOLE_OAUTH"
SECOND_FACTORS: Final = frozenset({"mfa", "otp", "hwk", "sms"})  # RFC 8176 authentication method references


def register(app: Flask, settings: ConsoleSettings) -> None:
    """Register the provider (its metadata is fetched at the first sign-in)."""
    oauth = OAuth(app)
    oauth.register(
        "idp",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile", "code_challenge_method": "S256", "timeout": 15},
    )
    app.config[OAUTH_KEY] = oauth


def _client() -> Any:
    return current_app.config[OAUTH_KEY].idp


def authorize() -> Response:
    """Send the browser to the provider."""
    response: Response = _client().authorize_redirect(url_for("auth.oidc_callback", _external=True))
    return response


def callback() -> dict[str, Any]:
    """The ID token's claims, once the provider sent the browser back.

    Raises:
        SignInError (signin.failed): the provider refused, or its answer does not check out.
        ProviderError (signin.provider): the provider cannot be reached.
    """
    try:
        token = _client().authorize_access_token()
    except requests.RequestException as err:
        raise ProviderError(f"the identity provider cannot be reached: {err}") from err
    except (OAuthError, JoseError, ValueError, KeyError) as err:
        raise SignInError(f"the identity provider's answer was refused: {err}", code="signin.failed") from err
    claims = token.get("userinfo")
    if not isinstance(claims, dict):
        raise SignInError("the identity provider sent no ID token", code="signin.failed")
    return claims


def account_of(claims: dict[str, Any], settings: ConsoleSettings) -> str:
    """The console account the ID token names.

    Raises:
        SignInError (signin.failed): no account claim, or no second factor while one is required.
    """
    if settings.oidc_require_mfa and not SECOND_FACTORS & set(claims.get("amr") or ()):
        raise SignInError("the identity provider did not check a second factor (amr)", code="signin.failed")
    name = claims.get(settings.oidc_account_claim)
    if not isinstance(name, str) or not name:
        raise SignInError(f"the ID token has no {settings.oidc_account_claim}", code="signin.failed")
    return name
