"""Parse and resolve ``did:web`` and ``did:key`` DIDs (W3C DID Core 1.0), without any agent."""

from shahada.did.document import DIDDocument, VerificationMethod, build_did_document, is_did, split_did_url
from shahada.did.errors import DIDError, DIDResolutionError, InvalidDIDError, UntrustedDIDError
from shahada.did.key import (
    did_key_from_public_key,
    multikey_from_public_key,
    public_key_from_did_key,
    public_key_from_multikey,
    resolve_did_key,
)
from shahada.did.resolve import DIDResolver
from shahada.did.web import did_web_from_domain, did_web_to_url

__all__ = [
    "DIDDocument",
    "DIDError",
    "DIDResolutionError",
    "DIDResolver",
    "InvalidDIDError",
    "UntrustedDIDError",
    "VerificationMethod",
    "build_did_document",
    "did_key_from_public_key",
    "did_web_from_domain",
    "did_web_to_url",
    "is_did",
    "multikey_from_public_key",
    "public_key_from_did_key",
    "public_key_from_multikey",
    "resolve_did_key",
    "split_did_url",
]
