"""tests for did/document.py: the ministry's DID document and the typed DIDDocument model."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shahada.did import DIDDocument, InvalidDIDError, VerificationMethod, build_did_document, multikey_from_public_key

DID = "did:web:men.gov.ma"
# fixed keys: the parameters name them, and test ids must be the same in every collecting process (pytest-xdist)
PUBLIC_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

# The controller document example of Data Integrity EdDSA Cryptosuites v1.0 §2.1.1 (Multikey).
SPEC_EXAMPLE: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/data-integrity/v1"],
    "id": "did:example:123",
    "verificationMethod": [
        {
            "id": "did:example:123#key-0",
            "type": "Multikey",
            "controller": "did:example:123",
            "publicKeyMultibase": "z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP",
        }
    ],
    "authentication": ["did:example:123#key-0"],
    "assertionMethod": ["did:example:123#key-0"],
    "capabilityDelegation": ["did:example:123#key-0"],
    "capabilityInvocation": ["did:example:123#key-0"],
}


@pytest.mark.parametrize(
    ("key_format", "context"),
    [
        ("Multikey", "https://w3id.org/security/multikey/v1"),
        ("Ed25519VerificationKey2020", "https://w3id.org/security/suites/ed25519-2020/v1"),
    ],
)
def test_build_did_document(key_format: Any, context: str) -> None:
    document = build_did_document(DID, PUBLIC_KEY, key_format=key_format)
    vm_id = f"{DID}#key-1"
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", context],
        "id": DID,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": key_format,
                "controller": DID,
                "publicKeyMultibase": multikey_from_public_key(PUBLIC_KEY),
            }
        ],
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
    }
    parsed = DIDDocument.from_dict(document)
    assert parsed.verification_method(vm_id) == VerificationMethod(vm_id, key_format, DID, PUBLIC_KEY)
    assert parsed.verification_method("#key-1") == parsed.verification_method(vm_id)
    assert parsed.is_authorized(vm_id)
    assert parsed.is_authorized("#key-1", "authentication")
    assert not parsed.is_authorized(vm_id, "keyAgreement")
    assert not parsed.is_authorized(vm_id, "capabilityInvocation")


def test_custom_fragment() -> None:
    document = build_did_document(DID, PUBLIC_KEY, fragment="bac-2025")
    assert document["assertionMethod"] == [f"{DID}#bac-2025"]


@pytest.mark.parametrize(
    ("did", "public_key", "kwargs"),
    [
        ("men.gov.ma", PUBLIC_KEY, {}),
        (DID, PUBLIC_KEY[:31], {}),
        (DID, PUBLIC_KEY, {"fragment": ""}),
        (DID, PUBLIC_KEY, {"fragment": "a b"}),
        (DID, PUBLIC_KEY, {"key_format": "JsonWebKey2020"}),
    ],
)
def test_build_rejects_bad_input(did: str, public_key: bytes, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidDIDError):
        build_did_document(did, public_key, **kwargs)


def test_spec_example_parses() -> None:
    document = DIDDocument.from_dict(SPEC_EXAMPLE)
    method = document.verification_method("did:example:123#key-0")
    assert method is not None and method.type == "Multikey" and len(method.public_key) == 32
    assert document.is_authorized("did:example:123#key-0", "assertionMethod")


def test_relative_references_and_embedded_methods() -> None:
    document = DIDDocument.from_dict(
        {
            "id": DID,
            "verificationMethod": [
                {
                    "id": "#key-1",
                    "type": "Multikey",
                    "controller": DID,
                    "publicKeyMultibase": multikey_from_public_key(PUBLIC_KEY),
                }
            ],
            "authentication": ["#key-1"],
            "assertionMethod": [
                {
                    "id": f"{DID}#key-2",
                    "type": "Ed25519VerificationKey2020",
                    "controller": DID,
                    "publicKeyMultibase": multikey_from_public_key(OTHER_KEY),
                }
            ],
        }
    )
    assert document.is_authorized(f"{DID}#key-1", "authentication")
    assert not document.is_authorized(f"{DID}#key-1", "assertionMethod")
    assert document.is_authorized("#key-2", "assertionMethod")
    embedded = document.verification_method("#key-2")
    assert embedded is not None and embedded.public_key == OTHER_KEY


def test_unsupported_method_types_are_left_out() -> None:
    document = DIDDocument.from_dict(
        {
            "id": DID,
            "verificationMethod": [
                {"id": f"{DID}#jwk", "type": "JsonWebKey2020", "controller": DID, "publicKeyJwk": {"kty": "OKP"}}
            ],
            "assertionMethod": [f"{DID}#jwk"],
        }
    )
    assert document.verification_method(f"{DID}#jwk") is None
    assert document.verification_methods == ()


def _with_method(**changes: Any) -> dict[str, Any]:
    method = {
        "id": f"{DID}#key-1",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": multikey_from_public_key(PUBLIC_KEY),
    }
    method.update(changes)
    return {"id": DID, "verificationMethod": [{k: v for k, v in method.items() if v is not None}]}


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "did:web:men.gov.ma",
        {},
        {"id": "men.gov.ma"},
        {"id": f"{DID}#key-1"},
        {"id": DID, "verificationMethod": {"id": "#key-1"}},
        {"id": DID, "assertionMethod": [42]},
        {"id": DID, "assertionMethod": "#key-1"},
        {"id": DID, "assertionMethod": ["#bad fragment"]},
        _with_method(controller=None),
        _with_method(controller="men.gov.ma"),
        _with_method(publicKeyMultibase=None),
        _with_method(publicKeyMultibase="z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW"),
        _with_method(id="did:web:evil.example#key-1"),
        _with_method(id=DID),
        _with_method(id=None),
        {**_with_method(), "assertionMethod": [_with_method()["verificationMethod"][0]]},  # defined twice
    ],
)
def test_malformed_documents_are_invalid(data: Any) -> None:
    with pytest.raises(InvalidDIDError) as info:
        DIDDocument.from_dict(data)
    assert info.value.code == "did.invalid"
