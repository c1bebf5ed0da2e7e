"""did:key for Ed25519 keys (W3C CCG "The did:key Method v0.7", §3.1.2 "Document Creation
Algorithm"; key encoding per Controlled Identifiers v1.0 §2.2.2 "Multikey").

An Ed25519 Multikey is multibase base58btc (``z``) of the multicodec header ``0xed 0x01`` followed
by the 32-byte public key, so every such key starts with ``z6Mk``. The DID is ``did:key:`` + that
Multikey, and its single verification method is ``did:key:<mk>#<mk>``.
"""

from __future__ import annotations

from typing import Any

from shahada.did.errors import InvalidDIDError
from shahada.did.multibase import decode_base58btc, encode_base58btc

ED25519_MULTICODEC = b"\xed\x01"
ED25519_PUBLIC_KEY_LENGTH = 32
DID_KEY_PREFIX = "did:key:"
DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1"
VERIFICATION_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def multikey_from_public_key(public_key: bytes) -> str:
    """The Ed25519 Multikey (``z6Mk…``) of a raw 32-byte public key.

    Raises:
        InvalidDIDError (did.invalid): the key is not 32 bytes.
    """
    if not isinstance(public_key, bytes) or len(public_key) != ED25519_PUBLIC_KEY_LENGTH:
        raise InvalidDIDError("an Ed25519 public key is exactly 32 bytes")
    return encode_base58btc(ED25519_MULTICODEC + public_key)


def public_key_from_multikey(multikey: str) -> bytes:
    """The raw 32-byte Ed25519 public key of a Multikey ``publicKeyMultibase`` value.

    Raises:
        InvalidDIDError (did.invalid): not base58btc, not the Ed25519 multicodec, or wrong length.
    """
    try:
        raw = decode_base58btc(multikey)
    except ValueError as err:
        raise InvalidDIDError(f"invalid Multikey {multikey!r}: {err}") from err
    if raw[:2] != ED25519_MULTICODEC:
        raise InvalidDIDError(f"Multikey {multikey!r} is not an Ed25519 public key (multicodec 0xed01)")
    if len(raw) != len(ED25519_MULTICODEC) + ED25519_PUBLIC_KEY_LENGTH:
        raise InvalidDIDError(f"Multikey {multikey!r} does not hold a 32-byte key")
    return raw[2:]


def did_key_from_public_key(public_key: bytes) -> str:
    """``did:key:z6Mk…`` for a raw Ed25519 public key.

    Raises:
        InvalidDIDError (did.invalid): the key is not 32 bytes.
    """
    return DID_KEY_PREFIX + multikey_from_public_key(public_key)


def _method_specific_id(did: str) -> str:
    if not isinstance(did, str) or not did.startswith(DID_KEY_PREFIX):
        raise InvalidDIDError(f"not a did:key: {did!r}")
    msid = did[len(DID_KEY_PREFIX) :]
    if any(c in msid for c in "#?/:"):
        raise InvalidDIDError(f"a did:key has no path, query, fragment or version here: {did!r}")
    return msid


def public_key_from_did_key(did: str) -> bytes:
    """The raw Ed25519 public key that ``did`` (a bare ``did:key``, no fragment) encodes.

    Raises:
        InvalidDIDError (did.invalid): not a did:key, or not an Ed25519 one.
    """
    return public_key_from_multikey(_method_specific_id(did))


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of an Ed25519 did:key (did:key §3.1.2), with a Multikey method.

    The method is listed under authentication, assertionMethod, capabilityInvocation and
    capabilityDelegation; no key-agreement key is derived.

    Raises:
        InvalidDIDError (did.invalid): not an Ed25519 did:key.
    """
    multikey = _method_specific_id(did)
    public_key_from_multikey(multikey)  # validates
    vm_id = f"{did}#{multikey}"
    document: dict[str, Any] = {
        "@context": [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        ],
    }
    for relationship in VERIFICATION_RELATIONSHIPS:
        document[relationship] = [vm_id]
    return document
