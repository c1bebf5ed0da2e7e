"""Errors of the schemas package (contexts, manifest, reference data).

    SchemaError                 schema.error
    ├── UnknownContextError     context.unknown    a URL that is not in the pinned manifest
    ├── AlteredContextError     context.altered    a local file whose digest differs from the manifest
    ├── ReferenceDataError      reference.invalid  reference data (streams, academies…) is malformed
    └── CredentialBuildError    credential.build   a PV record cannot become a credential (e.g. a diploma
                                                   for a candidate who was not admitted)
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class SchemaError(ShahadaError):
    code = "schema.error"
    http_status = 500


class UnknownContextError(SchemaError, LookupError):
    code = "context.unknown"
    http_status = 422


class AlteredContextError(SchemaError):
    code = "context.altered"


class ReferenceDataError(SchemaError, ValueError):
    code = "reference.invalid"


class CredentialBuildError(SchemaError, ValueError):
    code = "credential.build"
    http_status = 422
