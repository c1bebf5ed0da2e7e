"""Errors of the did package (W3C DID Core 1.0 §7.1.2 resolution errors, in our own codes).

    DIDError                    did.error
    ├── InvalidDIDError         did.invalid      the string is not a DID (or DID document) we accept;
    │                                            also a ValueError
    ├── DIDResolutionError      did.resolution   the DID is well formed but could not be resolved
    │                                            (network, status, size, content type, id mismatch,
    │                                            unsupported method)
    └── UntrustedDIDError       did.untrusted    a did:web that is not on the resolver's allow-list;
                                                 refused before any network request
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class DIDError(ShahadaError):
    code = "did.error"
    http_status = 500


class InvalidDIDError(DIDError, ValueError):
    code = "did.invalid"
    http_status = 422


class DIDResolutionError(DIDError):
    code = "did.resolution"
    http_status = 502


class UntrustedDIDError(DIDError):
    code = "did.untrusted"
    http_status = 403
