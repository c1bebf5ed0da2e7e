"""Errors of the paper seal (the signed payload of a printed document's QR code).

A seal whose signature fails, or whose key is not trusted, is not an error: the verifier returns a
result with failed checks. These exceptions are for text and bytes that cannot be read as a seal.

    SealError                   seal.error
    ├── SealFormatError         seal.malformed   not a seal: bad Base32, CBOR, COSE or content;
    │                                            also a ValueError
    ├── SealTruncatedError      seal.truncated   the text or the bytes end too early
    ├── SealOversizedError      seal.oversized   longer than any printed seal may be (refused
    │                                            before decoding)
    └── SealVersionError        seal.version     a format version or algorithm this code does not know
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class SealError(ShahadaError):
    code = "seal.error"
    http_status = 422


class SealFormatError(SealError, ValueError):
    code = "seal.malformed"


class SealTruncatedError(SealFormatError):
    code = "seal.truncated"


class SealOversizedError(SealError, ValueError):
    code = "seal.oversized"
    http_status = 413


class SealVersionError(SealFormatError):
    code = "seal.version"
