"""Errors of the staff console.

    ConsoleError                     console.error
    ├── SettingsError                config.console     a console setting that cannot work (at start-up)   500
    ├── FormError                    form.*             a form field the console cannot use                 400
    │                                  form.csrf            the form's anti-forgery token is missing or wrong
    │                                  form.file            no file, or not a PV (CSV/XLSX)
    │                                  form.reason          a revocation or suspension without a reason
    │                                  form.account         a bad account name, role or academy
    │                                  form.password        a password shorter than 12 characters
    ├── SignInError                  signin.*
    │                                  signin.required      nobody is signed in                               401
    │                                  signin.failed        wrong name, password or code: ONE answer          401
    │                                  signin.expired       the sign-in's lifetime ran out                    401
    ├── ProviderError                signin.provider    the OpenID Connect provider cannot be reached      502
    ├── RateLimitedError             rate.limited       too many attempts; carries ``retry_after``          429
    ├── ForbiddenError               role.*             the account's role does not allow it                403
    │                                  role.forbidden       not this role's action
    │                                  role.academy         another academy's data (academy operators)
    │                                  role.four_eyes       approving one's own upload or request
    ├── NotFoundError                *.unknown          no such submission, request, account              404
    └── StateError                   state.*            not in a state that allows it (already approved…)   409
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class ConsoleError(ShahadaError):
    code = "console.error"
    http_status = 400


class SettingsError(ConsoleError, ValueError):
    code = "config.console"
    http_status = 500


class FormError(ConsoleError, ValueError):
    code = "form.invalid"
    http_status = 400


class SignInError(ConsoleError):
    code = "signin.failed"
    http_status = 401


class ProviderError(ConsoleError):
    code = "signin.provider"
    http_status = 502


class RateLimitedError(ConsoleError):
    code = "rate.limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class ForbiddenError(ConsoleError):
    code = "role.forbidden"
    http_status = 403


class NotFoundError(ConsoleError):
    code = "console.unknown"
    http_status = 404


class StateError(ConsoleError):
    code = "state.invalid"
    http_status = 409
