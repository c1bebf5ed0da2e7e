"""Errors of the agent's Data Integrity signer (``/shahada/di/*`` admin routes).

Every one is bad input, answered ``400 {"code", "message"}`` by the routes; the agent never answers
500 for a request it cannot honour. The verifier's own building-block errors
(``jsonld.invalid``, ``proof.malformed``, ``context.unknown``) reach the caller with their codes.

    DataIntegrityError              di.error
    ├── ProofRequestError           di.request            the body or its options are malformed:
    │                                                     not JSON, unknown or ill-typed option
    ├── UnsupportedSuiteError       di.cryptosuite        a proof type or cryptosuite the agent
    │                                                     does not sign with
    ├── DocumentError               di.document           the document cannot be secured as asked
    │                                                     (not an object, a credential without an
    │                                                     issuer, a purpose a credential cannot use)
    ├── KeyRelationshipError        di.key_relationship   the issuer does not control the
    │                                                     verification method
    └── KeyNotFoundError            di.key_not_found      the wallet holds no Ed25519 key for the
                                                          verification method
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError
from shahada.schemas.errors import UnknownContextError


class DataIntegrityError(ShahadaError, ValueError):
    code = "di.error"
    http_status = 400


class ProofRequestError(DataIntegrityError):
    code = "di.request"


class UnsupportedSuiteError(DataIntegrityError):
    code = "di.cryptosuite"


class DocumentError(DataIntegrityError):
    code = "di.document"


class KeyRelationshipError(DataIntegrityError):
    code = "di.key_relationship"


class KeyNotFoundError(DataIntegrityError):
    code = "di.key_not_found"


def reported(err: ShahadaError) -> ShahadaError:
    """The error to report for ``err``: an unpinned context met during canonicalization is
    ``context.unknown`` (the UnknownContextError pyld wrapped), not a generic ``jsonld.invalid``."""
    current: BaseException | None = err
    while current is not None:
        if isinstance(current, UnknownContextError):
            return current
        current = current.__cause__ or current.__context__
    return err
