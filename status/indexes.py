"""Status list indexes that reveal nothing: a keyed permutation of a counter.

Indexes must be unique across processes and restarts, never reused, and must not follow issuance
order (an index must not reveal a candidate's rank, school or academy). The archive hands out a
strictly increasing counter value in a transaction (unique, never reused); this module maps it
through a keyed pseudo-random permutation of ``[0, capacity)`` — a balanced Feistel network whose
round function is HMAC-SHA256 under the ministry's secret, with cycle walking to stay inside the
domain. Being a permutation, distinct counters always give distinct positions.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

ROUNDS = 8


@dataclass(frozen=True, slots=True)
class IndexPermutation:
    """A keyed bijection of ``[0, capacity)``; ``capacity`` = list size × number of lists."""

    secret: bytes
    capacity: int

    def __post_init__(self) -> None:
        if self.capacity < 2:
            raise ValueError("capacity must be at least 2")
        if len(self.secret) < 16:
            raise ValueError("the permutation secret must be at least 16 bytes")

    @property
    def _half_bits(self) -> int:
        bits = max(2, (self.capacity - 1).bit_length())
        return (bits + 1) // 2

    def _round(self, value: int, round_no: int) -> int:
        mask = (1 << self._half_bits) - 1
        digest = hmac.new(self.secret, b"shahada-status-index:%d:%d" % (round_no, value), hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big") & mask

    def _feistel(self, value: int) -> int:
        half = self._half_bits
        mask = (1 << half) - 1
        left, right = value >> half, value & mask
        for round_no in range(ROUNDS):
            left, right = right, left ^ self._round(right, round_no)
        return (left << half) | right

    def permute(self, counter: int) -> int:
        """The position of the ``counter``-th allocation, in ``[0, capacity)``."""
        if not 0 <= counter < self.capacity:
            raise ValueError(f"counter {counter} outside [0, {self.capacity})")
        value = self._feistel(counter)
        while value >= self.capacity:  # cycle walking: the Feistel domain is a power of 4 ≥ capacity
            value = self._feistel(value)
        return value
