"""tests for did/key.py: Ed25519 Multikey and did:key (did:key v0.7 §3.1.2)."""

from __future__ import annotations

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shahada.did import (
    InvalidDIDError,
    did_key_from_public_key,
    multikey_from_public_key,
    public_key_from_did_key,
    public_key_from_multikey,
    resolve_did_key,
)

# w3c-ccg/did-method-key test-vectors/ed25519-x25519.json: seed → publicKeyBase58 → did:key
VECTORS = [
    ("00" * 32, "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"),
    ("00" * 31 + "01", "6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt", "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"),
    ("00" * 31 + "02", "8pM1DN3RiT8vbom5u1sNryaNT1nyL8CTTW3b5PwWXRBH", "did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf"),
    ("00" * 31 + "03", "HPYVwAQmskwT1qEEeRzhoomyfyupJGASQQtCXSNG8XS2", "did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ"),
]


def raw_public_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@pytest.mark.parametrize(("seed", "public_key_base58", "expected_did"), VECTORS)
def test_spec_vectors(seed: str, public_key_base58: str, expected_did: str) -> None:
    public_key = raw_public_key(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed)))
    assert public_key == base58.b58decode(public_key_base58)
    assert did_key_from_public_key(public_key) == expected_did
    assert public_key_from_did_key(expected_did) == public_key


def test_round_trip_with_a_session_key() -> None:
    public_key = raw_public_key(Ed25519PrivateKey.generate())
    multikey = multikey_from_public_key(public_key)
    assert multikey.startswith("z6Mk")
    assert public_key_from_multikey(multikey) == public_key
    assert public_key_from_did_key(did_key_from_public_key(public_key)) == public_key


def test_resolve_did_key_document() -> None:
    did = VECTORS[0][2]
    multikey = did.removeprefix("did:key:")
    vm_id = f"{did}#{multikey}"
    document = resolve_did_key(did)
    assert document["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    assert document["id"] == did
    assert document["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
    ]
    for relationship in ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation"):
        assert document[relationship] == [vm_id]
    assert "keyAgreement" not in document


@pytest.mark.parametrize(
    "multikey",
    [
        "z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW",  # X25519, not Ed25519
        "6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",  # no multibase prefix
        "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDoo",  # truncated
        "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp0",  # '0' is not base58
        "z",
        "",
    ],
)
def test_bad_multikeys_are_invalid(multikey: str) -> None:
    with pytest.raises(InvalidDIDError) as info:
        public_key_from_multikey(multikey)
    assert info.value.code == "did.invalid"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "did",
    [
        "did:web:example.com",
        VECTORS[0][2] + "#" + VECTORS[0][2].removeprefix("did:key:"),
        "did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW",
        "did:key:",
    ],
)
def test_bad_did_keys_are_invalid(did: str) -> None:
    with pytest.raises(InvalidDIDError):
        public_key_from_did_key(did)
    with pytest.raises(InvalidDIDError):
        resolve_did_key(did)


@pytest.mark.parametrize("length", [0, 31, 33])
def test_public_key_must_be_32_bytes(length: int) -> None:
    with pytest.raises(InvalidDIDError):
        did_key_from_public_key(b"\x01" * length)
