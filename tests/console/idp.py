"""A small OpenID Connect provider for the console's tests, served for real on 127.0.0.1: discovery,
authorization (the user is the one the test names, no login page), token (authorization code with
PKCE S256, client_secret_basic) and JWKS; ID tokens signed RS256 with jwcrypto (not the library the
console uses to check them)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from jwcrypto import jwk, jwt

CLIENT_ID = "shahada-console"
CLIENT_SECRET = "console-client-secret"


@dataclass
class Provider:
    issuer: str = ""
    key: jwk.JWK = field(default_factory=lambda: jwk.JWK.generate(kty="RSA", size=2048, kid="idp-1"))
    user: dict[str, Any] = field(default_factory=dict)  # the claims of whoever "signs in" next
    forge_with: jwk.JWK | None = None  # sign the next ID tokens with this key instead
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": self.user.get("preferred_username", "x"), "iat": now, "exp": now + 300, **self.user}
        if nonce:
            claims["nonce"] = nonce
        key = self.forge_with or self.key
        token = jwt.JWT(header={"alg": "RS256", "kid": key.export_public(as_dict=True)["kid"]}, claims=claims)
        token.make_signed_token(key)
        return str(token.serialize())


def create_idp(provider: Provider) -> Flask:
    app = Flask("test-idp")

    @app.get("/.well-known/openid-configuration")
    def metadata() -> Any:
        base = provider.issuer
        return jsonify({
            "issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token", "jwks_uri": base + "/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"], "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        })

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify({"keys": [json.loads(provider.key.export_public())]})

    @app.get("/authorize")
    def authorize() -> Any:
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code" or args.get("code_challenge_method") != "S256":
            return jsonify({"error": "invalid_request"}), 400
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {"redirect_uri": args["redirect_uri"], "challenge": args["code_challenge"], "nonce": args.get("nonce")}
        return redirect(args["redirect_uri"] + "?" + urlencode({"code": code, "state": args.get("state", "")}))

    @app.post("/token")
    def token() -> Any:
        auth = request.authorization
        if auth is None or auth.username != CLIENT_ID or auth.password != CLIENT_SECRET:
            return jsonify({"error": "invalid_client"}), 401
        grant = provider.codes.pop(request.form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
            return jsonify({"error": "invalid_grant"}), 400
        verifier = request.form.get("code_verifier", "")
        if base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode() != grant["challenge"]:
            return jsonify({"error": "invalid_grant", "error_description": "PKCE"}), 400
        return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300, "id_token": provider.id_token(grant["nonce"])})

    return app
