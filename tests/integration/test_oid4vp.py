"""OID4VP 1.0 end to end: a wallet that took its diploma over OID4VCI (@openid4vc/openid4vci)
answers the verifier service's request with @openid4vc/openid4vp (request by reference, a request
object signed by the service's did:key, DCQL, direct_post), presenting a VP signed by its did:key
with Digital Bazaar's libraries; the service verifies it as ``POST /presentations/verify`` does
(status of the credential included). A presentation for another nonce and a second answer to the
same request are refused."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from shahada.common.wsgi import WaitressServer
from shahada.services import verifier_settings
from shahada.verifier.web import Records, create_app
from shahada.verifier.web.oid4vp import Oid4vpRequests
from tests.interop.test_reference_verifier import pinned_contexts
from tests.support.sessions import admitted, issue_with_status
from tests.support.wallet_issuer import Holder, client, new_holder, oid4vci_wallet, serve_issuer

pytestmark = pytest.mark.agent
YEAR = 2013  # a session no other test issues into the shared archive


@dataclass
class Held:
    holder: Holder
    diploma: dict[str, Any]


@pytest.fixture(scope="module")
def held(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Held:
    """A graduate's wallet, holding the diploma it took over OID4VCI."""
    by_massar = issue_with_status(ministry, tmp_path_factory.mktemp("oid4vp-session"), rows=4, seed=313, year=YEAR)
    massar = admitted(by_massar)[0]
    diploma = [c for c in by_massar[massar] if c.kind == "diploma"]
    holder = new_holder()
    with serve_issuer(ministry, tmp_path_factory.mktemp("oid4vp-issuer")) as issuer:
        made = issuer.claim(diploma)
        got = oid4vci_wallet(issuer.claims.offer_link(made.id), issuer.tx_code(massar), holder)
    assert got["ok"], got
    return Held(holder, got["credentials"]["BaccalaureateDiploma_ldp_vc"][0])


@pytest.fixture(scope="module")
def verifier(ministry: Any) -> Iterator[str]:
    oid4vp = Oid4vpRequests(secrets.token_bytes(32), "http://placeholder")
    settings = verifier_settings(ministry.settings, ministry.identity.did)
    app = create_app(settings, records=Records(ministry.identity.did, lambda _id: None), loader=ministry.loader, oid4vp=oid4vp)
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-verifier").start()
    oid4vp.base_url = server.url.rstrip("/")
    try:
        yield oid4vp.base_url
    finally:
        server.stop()


def present(request: str, held: Held, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = client("oid4vp-present.mjs", {
        "request": request, "seed": held.holder.seed.hex(), "credentials": [held.diploma], "contexts": pinned_contexts(), **extra,
    })
    return result


def test_a_wallet_presents_its_diploma_and_the_verifier_accepts_it(verifier: str, held: Held) -> None:
    made = requests.post(f"{verifier}/oid4vp/requests", json={}, timeout=10).json()
    assert made["request"].startswith("openid4vp://?client_id=decentralized_identifier%3Adid%3Akey%3Az6Mk")

    answered = present(made["request"], held)

    assert answered["ok"], answered
    assert answered["client"]["prefix"] == "decentralized_identifier"  # the library checked the request object's signature
    assert answered["query"]["credentials"][0]["format"] == "ldp_vc" and answered["status"] == 200
    outcome = requests.get(made["result"], timeout=10).json()
    assert outcome["state"] == "answered" and outcome["result"]["verified"], outcome
    again = present(made["request"], held)  # the same request answered a second time
    assert again["ok"] and again["status"] == 400 and again["body"]["error"] == "invalid_request"


def test_a_presentation_for_another_nonce_is_refused(verifier: str, held: Held) -> None:
    made = requests.post(f"{verifier}/oid4vp/requests", json={}, timeout=10).json()
    answered = present(made["request"], held, tamper="nonce")
    assert answered["ok"] and answered["status"] == 200
    outcome = requests.get(made["result"], timeout=10).json()
    assert outcome["state"] == "answered" and not outcome["result"]["verified"]
    assert "challenge.mismatch" in {e["code"] for e in outcome["result"]["errors"]}, outcome


def test_unknown_requests_and_pending_results(verifier: str) -> None:
    unknown = requests.get(f"{verifier}/oid4vp/requests/nope/object", headers={"Accept": "application/json"}, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["code"] == "oid4vp.unknown"
    made = requests.post(f"{verifier}/oid4vp/requests", json={}, timeout=10).json()
    assert requests.get(made["result"], timeout=10).json() == {"state": "pending"}
    wrong_state = requests.post(f"{verifier}/oid4vp/responses/{made['id']}", data={"state": "x", "vp_token": "{}"}, timeout=10)
    assert wrong_state.status_code == 400 and wrong_state.json()["error"] == "invalid_request"
