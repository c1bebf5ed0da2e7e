"""Errors of the VC API issuer service (W3C CCG VC API, ``POST /credentials/issue``).

    IssuerAPIError                  api.error
    ├── UnauthorizedError           auth.required   no bearer token                         401
    │                               auth.invalid    a token that is not the service's
    ├── BadRequestError             request.*       the request itself is malformed          400
    │                                 request.json                 the body is not JSON
    │                                 request.invalid              not {"credential", "options"}
    │                                 request.credential_missing   no credential
    │                                 request.option_unknown       an option the service does not know
    │                                 request.option_invalid       an option with a bad value
    │                                 request.cryptosuite_unsupported   a suite the service does not sign with
    └── UnprocessableCredentialError  credential.*  a well-formed request whose credential
                                                     cannot be issued                         422
                                      credential.malformed   not a VC (structure, an existing proof)
                                      credential.issuer      the issuer is not the ministry

Errors of other domains reach the same handler with their own codes and statuses:
``jsonld.invalid`` (an undefined term, a relative IRI; 422), ``context.unknown`` (422),
``agent.unavailable`` (503), ``agent.request`` / ``agent.error`` (502).
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class IssuerAPIError(ShahadaError):
    code = "api.error"
    http_status = 400


class UnauthorizedError(IssuerAPIError):
    code = "auth.required"
    http_status = 401


class BadRequestError(IssuerAPIError, ValueError):
    code = "request.invalid"
    http_status = 400


class UnprocessableCredentialError(IssuerAPIError, ValueError):
    code = "credential.malformed"
    http_status = 422
