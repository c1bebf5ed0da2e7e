"""The key proof of an OID4VCI credential request (Appendix F.1), checked without I/O: each way a
proof can be wrong gets its spec error code, and a good proof gives the wallet's did:key."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest

from shahada.wallet.oid4vci import CONFIGURATIONS, OID4VCIError, check_proof, credential_offer, issuer_metadata, offer_link
from tests.support.local_signer import LocalKey

ISSUER = "https://diplomes.example"
NOW = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def proof(key: LocalKey, *, header: dict[str, Any] | None = None, payload: dict[str, Any] | None = None, signer: LocalKey | None = None) -> str:
    h = {"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": key.did_key_vm, **(header or {})}
    p = {"aud": ISSUER, "iat": int(NOW.timestamp()), "nonce": "n-1", **(payload or {})}
    h = {k: v for k, v in h.items() if v is not None}
    p = {k: v for k, v in p.items() if v is not None}
    signing_input = f"{b64(json.dumps(h).encode())}.{b64(json.dumps(p).encode())}"
    return f"{signing_input}.{b64((signer or key).sign(signing_input.encode()))}"


def check(jwt: object, nonces: frozenset[str] = frozenset({"n-1"})) -> str:
    return check_proof(jwt, audience=ISSUER, now=NOW, take_nonce=lambda n: n in nonces).did


def test_a_good_proof_by_kid_or_by_jwk_gives_the_wallets_did_key() -> None:
    key = LocalKey.generate()
    assert check(proof(key)) == key.did_key
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64(key.public_key)}
    assert check(proof(key, header={"kid": None, "jwk": jwk})) == key.did_key


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"header": {"typ": "JWT"}}, "invalid_proof"),
        ({"header": {"alg": "ES256"}}, "invalid_proof"),
        ({"header": {"kid": "did:web:example.com#key-1"}}, "invalid_proof"),
        ({"header": {"kid": None}}, "invalid_proof"),
        ({"payload": {"aud": "https://other.example"}}, "invalid_proof"),
        ({"payload": {"iat": int((NOW - dt.timedelta(minutes=10)).timestamp())}}, "invalid_proof"),
        ({"payload": {"iat": int((NOW + dt.timedelta(minutes=5)).timestamp())}}, "invalid_proof"),
        ({"payload": {"iat": None}}, "invalid_proof"),
        ({"payload": {"nonce": None}}, "invalid_nonce"),
        ({"payload": {"nonce": "used-or-unknown"}}, "invalid_nonce"),
        ({"signer": LocalKey.generate()}, "invalid_proof"),
    ],
)
def test_each_wrong_proof_gets_its_error_code(change: dict[str, Any], error: str) -> None:
    with pytest.raises(OID4VCIError) as refused:
        check(proof(LocalKey.generate(), **change))
    assert refused.value.error == error and refused.value.code == f"oid4vci.{error}"


@pytest.mark.parametrize("jwt", [None, 42, "not-a-jwt", "a.b.c", f"{b64(b'[]')}.{b64(b'{}')}.x"])
def test_malformed_proofs_are_invalid_proof(jwt: object) -> None:
    with pytest.raises(OID4VCIError) as refused:
        check(jwt)
    assert refused.value.error == "invalid_proof"


def test_the_metadata_offers_one_ldp_vc_configuration_per_kind_and_the_offer_goes_by_reference() -> None:
    metadata = issuer_metadata(ISSUER)
    assert metadata["credential_issuer"] == ISSUER and metadata["authorization_servers"] == [ISSUER]
    configurations = metadata["credential_configurations_supported"]
    assert sorted(configurations) == sorted(c.id for c in CONFIGURATIONS)
    assert {c["format"] for c in configurations.values()} == {"ldp_vc"}
    offer = credential_offer(ISSUER, "code", ["BaccalaureateDiploma_ldp_vc"], tx_code_length=6)
    grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert grant["tx_code"]["length"] == 6 and grant["tx_code"]["input_mode"] == "numeric"
    assert offer_link(f"{ISSUER}/oid4vci/offers/abc") == "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fdiplomes.example%2Foid4vci%2Foffers%2Fabc"
