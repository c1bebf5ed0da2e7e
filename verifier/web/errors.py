"""Errors of the verifier service (W3C CCG VC API "Verify Credential", "Verify Presentation",
"Create Challenge"; the public pages).

A credential, presentation or seal that fails verification is not an error: it is a 200 with
``"verified": false``. These are for requests the service cannot even work on.

    VerifierServiceError              api.error
    ├── SettingsError                 config.verifier   a bad verifier setting (at start-up)
    ├── BadRequestError               request.*         the request itself is malformed            400
    │                                   request.json                 the body is not JSON
    │                                   request.invalid              not the documented request shape
    │                                   request.credential_missing   no verifiableCredential
    │                                   request.presentation_missing no verifiablePresentation
    │                                   request.seal_missing         no seal text
    │                                   request.option_unknown       an option the service does not know
    │                                   request.option_invalid       an option with a bad value
    ├── UnprocessableInputError       *.malformed       well-formed JSON that is no credential,   422
    │                                   credential.malformed         presentation or document
    │                                   presentation.malformed
    │                                   input.unrecognized           an upload that is no PDF, PNG, JPEG,
    │                                                                credential or seal text
    ├── PayloadTooLargeError          request.too_large  a body past the configured limit         413
    └── TooManyRequestsError          challenge.rate_limited  a client asked for too many challenges 429
                                                              (a common.errors.RateLimitedError: Retry-After)

Errors of other domains reach the same handler with their own codes and statuses: ``scan.*``
(a photo or PDF without a readable QR code, 422; ``scan.too_large`` 413), ``seal.*`` (a text that
is no seal, 422; ``seal.oversized`` 413).
"""

from __future__ import annotations

from shahada.common.errors import RateLimitedError, ShahadaError


class VerifierServiceError(ShahadaError):
    code = "api.error"
    http_status = 400


class SettingsError(VerifierServiceError, ValueError):
    code = "config.verifier"
    http_status = 500


class BadRequestError(VerifierServiceError, ValueError):
    code = "request.invalid"
    http_status = 400


class UnprocessableInputError(VerifierServiceError, ValueError):
    code = "input.unrecognized"
    http_status = 422


class PayloadTooLargeError(VerifierServiceError, ValueError):
    code = "request.too_large"
    http_status = 413


class TooManyRequestsError(VerifierServiceError, RateLimitedError):
    code = "challenge.rate_limited"
    http_status = 429
