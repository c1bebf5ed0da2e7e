"""Errors of the graduate portal (sign-in, documents, wallet delivery, share links).

    PortalError                      portal.error
    ├── SettingsError                config.portal      a portal setting that cannot work (at start-up)
    ├── FormError                    form.*             a form field the portal cannot use             400
    │                                  form.csrf            the form's anti-forgery token is missing or wrong
    │                                  form.massar          not one letter and nine digits
    │                                  form.massar_missing
    │                                  form.birth_date      not a date (YYYY-MM-DD or DD/MM/YYYY)
    │                                  form.birth_date_missing
    │                                  form.birth_date_range  in the future or before 1900
    │                                  form.code            not six digits
    │                                  form.code_missing
    │                                  form.recipient       empty, too long, or control characters
    │                                  form.duration        not a whole number of days in the allowed range
    │                                  form.documents       none chosen, or one that is not the graduate's
    ├── SignInError                  signin.*
    │                                  signin.required      no signed-in graduate (JSON endpoints)       401
    │                                  signin.code_invalid  a wrong, expired or used code: ONE answer   422
    │                                  signin.restart       no sign-in in progress in this session      400
    │                                  signin.closed        before results day (``results_gate``)        403
    ├── RateLimitedError             rate.limited       too many attempts (per Code Massar or per     429
    │                                                     client address); carries ``retry_after``
    ├── NotFoundError                *.unknown                                                        404
    │                                  share.unknown        no share link with this token
    │                                  document.unknown     not one of the signed-in graduate's documents
    │                                  delivery.unknown     not one of the signed-in graduate's deliveries
    │                                  link.unknown         not one of the signed-in graduate's share links
    │                                  invitation.unknown   no wallet invitation has this short link
    ├── GoneError                    share.expired, share.revoked   a share link no longer usable     410
    │                                  invitation.expired   a wallet invitation's short link past its time
    ├── UnprocessableError           wallet.nothing     no valid document to send to a wallet         422
    └── UnavailableError             *.unavailable                                                    503
                                       wallet.unavailable   this installation delivers to no wallet
                                       print.unavailable    this installation prints no PDF
                                       print.busy           the PDF's rendering went past its worker's limits
                                                            or found no free worker in time

Errors of other domains reach the same handler with their own codes and statuses (``agent.*``
when the agent cannot seal a PDF or create an invitation, ``print.*``).
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class PortalError(ShahadaError):
    code = "portal.error"
    http_status = 400


class SettingsError(PortalError, ValueError):
    code = "config.portal"
    http_status = 500


class FormError(PortalError, ValueError):
    """A form field the portal cannot use; ``field`` names the input to mark."""

    code = "form.invalid"
    http_status = 400

    def __init__(self, message: str, *, code: str, field: str = "") -> None:
        super().__init__(message, code=code)
        self.field = field


class SignInError(PortalError):
    code = "signin.required"
    http_status = 401

    def __init__(self, message: str, *, code: str, http_status: int) -> None:
        super().__init__(message, code=code)
        self.http_status = http_status


class RateLimitedError(PortalError):
    code = "rate.limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class NotFoundError(PortalError, LookupError):
    code = "portal.unknown"
    http_status = 404


class GoneError(PortalError):
    code = "share.expired"
    http_status = 410


class UnprocessableError(PortalError):
    code = "wallet.nothing"
    http_status = 422


class UnavailableError(PortalError):
    code = "portal.unavailable"
    http_status = 503


class DocumentWithdrawnError(PortalError):
    """A revoked or suspended document: no copy of it is offered (``document.revoked``,
    ``document.suspended``)."""

    code = "document.revoked"
    http_status = 409
