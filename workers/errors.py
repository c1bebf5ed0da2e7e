"""Errors of the distributed workers.

    BrokerUnavailableError      worker.broker_unavailable   the broker cannot be reached to hand out work
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class BrokerUnavailableError(ShahadaError):
    code = "worker.broker_unavailable"
