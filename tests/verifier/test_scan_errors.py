"""A scan error's HTTP status follows its code: what is too large is 413, whatever else 422."""

from __future__ import annotations

import pickle

from shahada.verifier.errors import ScanError


def test_too_large_is_413_and_survives_a_worker_process() -> None:
    error = ScanError("page 1 is too large to rasterise", code="scan.too_large")
    assert error.http_status == 413
    assert pickle.loads(pickle.dumps(error)).http_status == 413  # raised in a worker, answered by the service
    assert ScanError("no QR code", code="scan.no_code").http_status == 422
    assert ScanError("unreadable").http_status == 422
