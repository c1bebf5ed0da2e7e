"""Errors of the verifier package.

A credential that fails verification is not an error: :func:`verifier.verify_credential` returns a
:class:`~verifier.result.VerificationResult` with failed checks. These exceptions are for the
building blocks (proof suites, canonicalization) and for input the web layer cannot even parse.

    VerifierError                   verifier.error
    ├── MalformedCredentialError    credential.malformed   not a credential at all (HTTP 422)
    ├── ProofFormatError            proof.malformed        a proof object the suite cannot read
    │                                                      (missing field, bad proofValue, wrong type)
    ├── CanonicalizationError       jsonld.invalid         the document cannot be canonicalized safely:
    │                                                      a JSON-LD error, a term its contexts do not
    │                                                      define, a relative IRI, or a value JCS
    │                                                      cannot encode
    └── ScanError                   scan.*                 a photo, scan or PDF that yields no seal:
                                                           scan.unreadable (not a readable PNG, JPEG or
                                                           PDF), scan.no_code (no QR code found),
                                                           scan.too_large (beyond the size limits)
"""

from __future__ import annotations

from shahada.errors import ShahadaError


class VerifierError(ShahadaError):
    code = "verifier.error"
    http_status = 500


class MalformedCredentialError(VerifierError, ValueError):
    code = "credential.malformed"
    http_status = 422


class ProofFormatError(VerifierError, ValueError):
    code = "proof.malformed"
    http_status = 422


class CanonicalizationError(VerifierError, ValueError):
    code = "jsonld.invalid"
    http_status = 422


class ScanError(VerifierError, ValueError):
    code = "scan.unreadable"
    http_status = 422
