"""Errors of the status package.

    StatusError                   status.error
    ├── EncodedListError          status.encoded_list   an encodedList that cannot be decoded
    └── StatusIndexError          status.index          an index outside a list
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class StatusError(ShahadaError):
    code = "status.error"


class EncodedListError(StatusError, ValueError):
    code = "status.encoded_list"
    http_status = 422


class StatusIndexError(StatusError, IndexError):
    code = "status.index"
    http_status = 422
