"""The root of every domain error in Shahada.

Each package has its own ``errors.py`` whose classes derive from :class:`ShahadaError`::

    ShahadaError
    ├── shahada.schemas.errors.SchemaError          (context.unknown, context.altered, reference.*)
    ├── shahada.issuer.errors.IssuerError           (pv.*, agent.*, archive.*, issuance.*)
    ├── shahada.did.errors.DIDError                 (did.invalid, did.resolution, did.untrusted)
    ├── shahada.verifier.errors.VerifierError       (input.*, scan.*)
    ├── shahada.schemas.seal.errors.SealError       (seal.malformed, seal.truncated, seal.oversized, seal.version)
    └── shahada.printing.errors.PrintingError       (print.*)

``code`` is a stable machine-readable identifier: messages may change, codes never do.
``http_status`` is what a web layer answers when the error reaches it.
"""

from __future__ import annotations

from typing import Any


class ShahadaError(Exception):
    """Base class of all project errors."""

    code: str = "shahada.error"
    http_status: int = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled with its attributes (a code given to __init__ included), without calling the
        # subclass's __init__: errors raised in a worker process reach the caller unchanged
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[ShahadaError], args: tuple[Any, ...], state: dict[str, Any]) -> ShahadaError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigError(ShahadaError):
    """Missing or unsafe configuration (e.g. no wallet key in production)."""

    code = "config.invalid"


class RateLimitedError(ShahadaError):
    """A client has used its allowance (429): every web layer answers with ``Retry-After``."""

    code = "rate.limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
