"""``shahada serve portal``'s wiring of wallet claims (:func:`shahada.services.installation_portal`):
with ``[portal] public_url`` an origin, the OID4VCI endpoints answer at the portal's origin beside
its pages; without it (or with a path), "add to wallet" stays DIDComm only and those paths are the
portal's 404."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from shahada.services import installation_portal

pytestmark = pytest.mark.agent


def portal_with(ministry: Any, public_url: str) -> Any:
    settings = dataclasses.replace(ministry.settings, portal={**ministry.settings.portal, "public_url": public_url})
    return installation_portal(settings, ministry, {})


def test_the_wallet_endpoints_share_the_portals_origin(ministry: Any) -> None:
    with portal_with(ministry, "https://diplomes.example") as portal:
        client = portal.app.test_client()
        metadata = client.get("/.well-known/openid-credential-issuer")
        assert metadata.status_code == 200 and metadata.json["credential_issuer"] == "https://diplomes.example"
        assert "BaccalaureateDiploma_dc+sd-jwt" in metadata.json["credential_configurations_supported"]
        assert client.get("/.well-known/oauth-authorization-server").json["token_endpoint"] == "https://diplomes.example/oid4vci/token"
        token = client.post("/oid4vci/token", data={"grant_type": "x"})  # no anti-forgery token asked: not a portal form
        assert token.status_code == 400 and token.json["error"] == "unsupported_grant_type"
        assert client.get("/interactions/unknown", headers={"Accept": "application/json"}).json["code"] == "claim.unknown"
        assert client.post("/exchanges/unknown", json={}).json["code"] == "claim.unknown"  # VC API exchanges are wired too
        assert client.get("/", headers={"Accept-Language": "fr"}).status_code == 200  # the portal's own pages
        assert portal.wallet


@pytest.mark.parametrize("public_url", ["", "https://diplomes.example/portail"])
def test_without_an_origin_there_are_no_wallet_endpoints(ministry: Any, public_url: str) -> None:
    with portal_with(ministry, public_url) as portal:
        assert portal.app.test_client().get("/.well-known/openid-credential-issuer").status_code == 404


def test_the_verifier_answers_oid4vp_only_with_a_public_url(ministry: Any, tmp_path: Any) -> None:
    from shahada.services import installation_verifier

    with_url = dataclasses.replace(ministry.settings, verifier={**ministry.settings.verifier, "public_url": "https://verify.example"})
    env = {"SHAHADA_VERIFIER_OID4VP_SECRET": "s" * 40}
    with installation_verifier(with_url, env) as verifier:
        made = verifier.app.test_client().post("/oid4vp/requests", json={})
        assert made.status_code == 200 and made.json["request_uri"].startswith("https://verify.example/oid4vp/requests/")
    with installation_verifier(ministry.settings, env) as verifier:  # no public_url: no OID4VP
        assert verifier.app.test_client().post("/oid4vp/requests", json={}).status_code in (404, 405)
