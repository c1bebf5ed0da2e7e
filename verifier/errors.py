"""Errors of the verifier package.

A credential that fails verification is not an error: :func:`verifier.verify_credential` returns a
:class:`~shahada.verifier.result.VerificationResult` with failed checks. These exceptions are for the
building blocks and for input the web layer cannot even parse.

    VerifierError                   verifier.error
    (the proof suites' ProofFormatError, CanonicalizationError and CanonicalizationLimitError come from
    shahada.proofs.errors)
    ├── MalformedCredentialError    credential.malformed   not a credential at all (HTTP 422)
    └── ScanError                   scan.*                 a photo, scan or PDF that yields no seal:
                                                           scan.unreadable (not a readable PNG, JPEG or
                                                           PDF), scan.no_code (no QR code found),
                                                           scan.too_large (beyond the size limits)
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError
from shahada.proofs.errors import CanonicalizationError as CanonicalizationError
from shahada.proofs.errors import CanonicalizationLimitError as CanonicalizationLimitError
from shahada.proofs.errors import ProofFormatError as ProofFormatError


class VerifierError(ShahadaError):
    code = "verifier.error"
    http_status = 500


class MalformedCredentialError(VerifierError, ValueError):
    code = "credential.malformed"
    http_status = 422


class ScanError(VerifierError, ValueError):
    code = "scan.unreadable"
    http_status = 422

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code)
        if self.code == "scan.too_large":
            self.http_status = 413  # the file or a page past the size limits, as for a body too large
