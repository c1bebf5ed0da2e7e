"""OID4VCI 1.0 end to end: a graduate's claim taken by a wallet-side client the project did not
write (@openid4vc/openid4vci from npm, pinned by interop/wallets/package-lock.json), against the
ministry's issuer served by waitress on loopback, the wallet copies signed by the ministry's key in
the real agent of the ``ministry`` fixture, and what the wallet holds checked by Shahada's verifier
and by Digital Bazaar's reference verifier (interop/verify.mjs)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from shahada.issuer.archive.store import StoredCredential
from shahada.wallet.oid4vci import offer_link
from tests.support.local_signer import LocalKey
from tests.support.sessions import admitted, issue_with_status, revoke_and_publish
from tests.support.wallet_issuer import Holder, Issuer, new_holder, oid4vci_wallet, reference_verified, serve_issuer

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


@dataclass(frozen=True)
class Claimed:
    massar: str
    claim_id: str
    holder: Holder
    held: dict[str, Any]


@pytest.fixture(scope="module")
def claimed(issuer: Issuer, by_massar: dict[str, list[StoredCredential]]) -> Claimed:
    """A graduate's whole claim taken by @openid4vc/openid4vci: every configuration offered."""
    massar = admitted(by_massar)[0]
    holder = new_holder()
    offer, tx_code = claim(issuer, by_massar[massar])
    assert offer.startswith("openid-credential-offer://?credential_offer_uri=http%3A%2F%2F127.0.0.1%3A")
    return Claimed(massar, offer.rsplit("%2F", 1)[1], holder, oid4vci_wallet(offer, tx_code, holder))


def test_a_wallet_claims_both_documents_and_both_verifiers_accept_them(
    ministry: Any, issuer: Issuer, by_massar: dict[str, list[StoredCredential]], claimed: Claimed
) -> None:
    archived = {c.id: c for c in by_massar[claimed.massar]}
    holder, held = claimed.holder, claimed.held

    assert held["ok"], held
    assert held["configurations"] == ["BaccalaureateDiploma_ldp_vc", "BaccalaureateTranscript_ldp_vc", "BaccalaureateDiploma_dc+sd-jwt"]
    copies = [c for key, credentials in held["credentials"].items() if key.endswith("_ldp_vc") for c in credentials]
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
    made = issuer.claims.get(claimed.claim_id)
    assert made.holder_did == holder.did_key and made.issued == len(copies) + 1  # and the SD-JWT VC


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


def test_the_sd_jwt_copy_verifies_holder_side_and_discloses_grades_and_birth_data_only_when_chosen(
    ministry: Any, by_massar: dict[str, list[StoredCredential]], claimed: Claimed
) -> None:
    """The IETF reference implementation (``sd-jwt`` from PyPI) as the wallet and the relying party:
    parse the SD-JWT VC, present it disclosing the names only (key binding with the wallet's key),
    verify it with the ministry's public key; then disclose everything and compare."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    from jwcrypto import jwk, jws
    from sd_jwt.holder import SDJWTHolder
    from sd_jwt.verifier import SDJWTVerifier

    [issued] = claimed.held["credentials"]["BaccalaureateDiploma_dc+sd-jwt"]
    assert isinstance(issued, str) and issued.endswith("~")
    diploma = next(c for c in by_massar[claimed.massar] if c.kind == "diploma").document
    ministry_key = jwk.JWK(kty="OKP", crv="Ed25519", x=base64.urlsafe_b64encode(ministry.identity.public_key).rstrip(b"=").decode())
    pem = Ed25519PrivateKey.from_private_bytes(claimed.holder.seed).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    holder_key = jwk.JWK.from_pem(pem)

    def issuer_key(issuer: str, header: dict[str, Any]) -> Any:
        assert issuer == ministry.identity.did and header["kid"] == ministry.identity.verification_method
        assert header["typ"] == "dc+sd-jwt" and header["alg"] == "EdDSA"
        return ministry_key

    def present(disclose: dict[str, Any]) -> dict[str, Any]:
        holder = SDJWTHolder(issued)
        holder.create_presentation(disclose, nonce="n-42", aud="https://admissions.example", holder_key=holder_key, sign_alg="EdDSA")
        presented, _, kb_jwt = holder.sd_jwt_presentation.rpartition("~")
        # sd-jwt 0.10.4's verifier checks a key binding JWT with ES256 only: the issuer's signature
        # and the disclosures are checked by it, the EdDSA key binding by jwcrypto with cnf.jwk
        payload: dict[str, Any] = SDJWTVerifier(presented + "~", issuer_key).get_verified_payload()
        binding = jws.JWS()
        binding.deserialize(kb_jwt)
        binding.verify(jwk.JWK(**payload["cnf"]["jwk"]), alg="EdDSA")
        claims = json.loads(binding.payload)
        assert (claims["aud"], claims["nonce"]) == ("https://admissions.example", "n-42") and binding.jose_header["typ"] == "kb+jwt"
        return payload

    names_only = present({})
    assert names_only["vct"] == "https://diplomes.men.gov.ma/vct/baccalaureate-diploma/v1" and names_only["jti"] == diploma["id"]
    assert names_only["given_name"]["fr"] == diploma["credentialSubject"]["givenName"][0]["@value"]
    assert names_only["document_number"] == diploma["credentialSubject"]["documentNumber"]
    for hidden in ("birthdate", "place_of_birth", "massar_code", "general_average", "mention"):
        assert hidden not in names_only  # selectively disclosable, and not disclosed
    everything = present({k: True for k in ("birthdate", "place_of_birth", "massar_code", "general_average", "mention")})
    subject = diploma["credentialSubject"]
    assert everything["birthdate"] == subject["birthDate"] and everything["general_average"] == subject["generalAverage"]
    assert everything["mention"]["code"] == subject["mention"]["code"] and everything["massar_code"] == subject["massarCode"]
    assert everything["cnf"]["jwk"]["x"] == base64.urlsafe_b64encode(LocalKey.from_seed(claimed.holder.seed).public_key).rstrip(b"=").decode()

    with pytest.raises(Exception, match="(?i)signature|verif"):  # another key than the ministry's refuses it
        SDJWTVerifier(issued, lambda _iss, _header: jwk.JWK.generate(kty="OKP", crv="Ed25519"))


def test_a_document_revoked_after_the_claim_is_not_delivered(issuer: Issuer, by_massar: dict[str, list[StoredCredential]], ministry: Any) -> None:
    massar = admitted(by_massar)[0]
    offer, tx_code = claim(issuer, by_massar[massar])  # made while every document is valid
    for transcript in (c for c in by_massar[massar] if c.kind == "transcript"):
        revoke_and_publish(ministry, transcript.id)
    refused = oid4vci_wallet(offer, tx_code, new_holder())
    assert not refused["ok"] and refused["stage"] == "credential", refused
    assert refused["response"]["error"] == "credential_request_denied"
