"""OID4VCI 1.0 end to end: a graduate's claim taken by a wallet-side client the project did not
write (@openid4vc/openid4vci from npm, pinned by interop/wallets/package-lock.json), against the
ministry's issuer served by waitress on loopback, the wallet copies signed by the ministry's key in
the real agent of the ``ministry`` fixture, and what the wallet holds checked by Shahada's verifier
and by Digital Bazaar's reference verifier (interop/verify.mjs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shahada.issuer.archive.store import StoredCredential
from shahada.wallet.oid4vci import offer_link
from tests.support.sessions import admitted, issue_with_status
from tests.support.wallet_issuer import Issuer, new_holder, oid4vci_wallet, reference_verified, serve_issuer

pytestmark = pytest.mark.agent
YEAR = 2016  # a session no other test issues into the shared archive


@pytest.fixture(scope="module")
def by_massar(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[StoredCredential]]:
    return issue_with_status(ministry, tmp_path_factory.mktemp("oid4vci-session"), rows=6, seed=616, year=YEAR)


@pytest.fixture(scope="module")
def issuer(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issuer]:
    with serve_issuer(ministry, tmp_path_factory.mktemp("oid4vci-issuer")) as served:
        yield served


def claim(issuer: Issuer, credentials: list[StoredCredential]) -> tuple[str, str]:
    made = issuer.claim(credentials)
    return offer_link(issuer.claims.offer_uri(made.id)), issuer.tx_code(made.massar)


def test_a_wallet_claims_both_documents_and_both_verifiers_accept_them(
    ministry: Any, issuer: Issuer, by_massar: dict[str, list[StoredCredential]]
) -> None:
    massar = admitted(by_massar)[0]
    archived = {c.id: c for c in by_massar[massar]}
    holder = new_holder()
    offer, tx_code = claim(issuer, list(archived.values()))
    assert offer.startswith("openid-credential-offer://?credential_offer_uri=http%3A%2F%2F127.0.0.1%3A")

    held = oid4vci_wallet(offer, tx_code, holder)

    assert held["ok"], held
    assert held["configurations"] == ["BaccalaureateDiploma_ldp_vc", "BaccalaureateTranscript_ldp_vc"]
    copies = [c for credentials in held["credentials"].values() for c in credentials]
    assert sorted(c["id"] for c in copies) == sorted(archived)
    verifier = ministry.verifier()
    for copy in copies:
        original = archived[copy["id"]].document
        assert copy["credentialSubject"]["id"] == holder.did_key  # bound to the wallet's key
        assert {k: v for k, v in copy["credentialSubject"].items() if k != "id"} == original["credentialSubject"]
        assert copy["proof"]["type"] == "Ed25519Signature2020"
        assert copy["proof"]["verificationMethod"] == ministry.identity.verification_method
        result = verifier.verify(copy)  # Shahada's verifier: signature, trust, schema, status
        assert result.verified, result.to_dict()
    assert reference_verified(ministry, copies) == [True] * len(copies)  # Digital Bazaar's verifier, status included
    made = issuer.claims.get(offer.rsplit("%2F", 1)[1])
    assert made.holder_did == holder.did_key and made.issued == len(copies)


def test_the_offer_is_single_use_and_a_wrong_transaction_code_is_refused(issuer: Issuer, by_massar: dict[str, list[StoredCredential]]) -> None:
    massar = admitted(by_massar)[1]
    offer, tx_code = claim(issuer, by_massar[massar])
    wrong = f"{(int(tx_code) + 1) % 1_000_000:06d}"

    refused = oid4vci_wallet(offer, wrong, new_holder())
    assert not refused["ok"] and refused["stage"] == "token"
    assert '"invalid_grant"' in refused["error"], refused

    assert oid4vci_wallet(offer, tx_code, new_holder())["ok"]  # the right code still works once
    again = oid4vci_wallet(offer, tx_code, new_holder())
    assert not again["ok"] and again["stage"] == "offer"  # the offer is gone once redeemed
    assert requests.get(offer_uri(offer), timeout=10).status_code == 410


def offer_uri(offer: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(offer).query)["credential_offer_uri"][0]


@pytest.mark.parametrize(("tamper", "error"), [("nonce", "invalid_nonce"), ("audience", "invalid_proof")])
def test_a_bad_key_proof_is_refused_with_the_spec_error(issuer: Issuer, by_massar: dict[str, list[StoredCredential]], tamper: str, error: str) -> None:
    massar = admitted(by_massar)[2]
    offer, tx_code = claim(issuer, by_massar[massar])
    refused = oid4vci_wallet(offer, tx_code, new_holder(), tamper=tamper)
    assert not refused["ok"] and refused["stage"] == "credential", refused
    assert refused["response"]["error"] == error, refused


def test_an_expired_claim_gives_no_token(issuer: Issuer, by_massar: dict[str, list[StoredCredential]]) -> None:
    massar = admitted(by_massar)[3]
    made = issuer.claims.create(massar, by_massar[massar])
    offer = issuer.claims.offer(made.id)
    code = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
    issuer.clock.offset = dt.timedelta(seconds=601)
    try:
        response = requests.post(f"{issuer.url}/oid4vci/token", data={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": code, "tx_code": issuer.tx_code(massar),
        }, timeout=10)
    finally:
        issuer.clock.offset = dt.timedelta()
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_endpoints_answer_the_spec_errors(issuer: Issuer) -> None:
    metadata = requests.get(f"{issuer.url}/.well-known/openid-credential-issuer", timeout=10).json()
    assert metadata["credential_issuer"] == issuer.url and metadata["nonce_endpoint"] == f"{issuer.url}/oid4vci/nonce"
    oauth = requests.get(f"{issuer.url}/.well-known/oauth-authorization-server", timeout=10).json()
    assert oauth["issuer"] == issuer.url and oauth["token_endpoint"] == f"{issuer.url}/oid4vci/token"

    no_token = requests.post(f"{issuer.url}/oid4vci/credential", json={"credential_configuration_id": "BaccalaureateDiploma_ldp_vc"}, timeout=10)
    assert no_token.status_code == 401 and no_token.json()["error"] == "invalid_token"
    assert no_token.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    grant = requests.post(f"{issuer.url}/oid4vci/token", data={"grant_type": "authorization_code", "code": "x"}, timeout=10)
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    unknown = requests.post(f"{issuer.url}/oid4vci/token", data={
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": "nope", "tx_code": "000000",
    }, timeout=10)
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_grant"
    assert requests.get(f"{issuer.url}/oid4vci/offers/nope", timeout=10).json()["code"] == "claim.unknown"
    nonce = requests.post(f"{issuer.url}/oid4vci/nonce", timeout=10)
    assert nonce.status_code == 200 and nonce.json()["c_nonce"] and nonce.headers["Cache-Control"] == "no-store"
