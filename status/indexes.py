"""Status list indexes that reveal nothing: a keyed permutation of a counter.

Indexes must be unique across processes and restarts, never reused, and must not follow issuance
order (an index must not reveal a candidate's rank, school or academy). The archive hands out a
strictly increasing counter value in a transaction (unique, never reused); this module maps it
through a keyed pseudo-random permutation of ``[0, capacity)`` — a balanced Feistel network whose
round function is HMAC-SHA256 under the ministry's secret, with cycle walking to stay inside the
domain. Being a permutation, distinct counters always give distinct positions.

A round function's input is one half of the value (9 bits for a list of 131,072), so each
permutation has only ``ROUNDS × 2^half`` distinct round values: they are computed once per
permutation (4,096 HMACs, a few milliseconds) into tables, and a permutation is then table
look-ups and XORs (:meth:`IndexPermutation.permute_many` for a batch). The positions are those of
the HMAC definition, bit for bit (a test compares them).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

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
        """The round function itself (HMAC-SHA256), as the tables hold it."""
        return _round_value(self.secret, self._half_bits, round_no, value)

    def _feistel(self, value: int) -> int:
        tables = _round_tables(self.secret, self._half_bits)
        half = self._half_bits
        mask = (1 << half) - 1
        left, right = value >> half, value & mask
        for table in tables:
            left, right = right, left ^ table[right]
        return (left << half) | right

    def permute(self, counter: int) -> int:
        """The position of the ``counter``-th allocation, in ``[0, capacity)``."""
        return self.permute_many((counter,))[0]

    def permute_many(self, counters: Iterable[int]) -> list[int]:
        """The positions of many counters (see :meth:`permute`), in order.

        Raises:
            ValueError: a counter outside ``[0, capacity)``.
        """
        t0, t1, t2, t3, t4, t5, t6, t7 = _round_tables(self.secret, self._half_bits)  # ROUNDS = 8
        half, capacity = self._half_bits, self.capacity
        mask = (1 << half) - 1
        out: list[int] = []
        append = out.append
        for counter in counters:
            if not 0 <= counter < capacity:
                raise ValueError(f"counter {counter} outside [0, {capacity})")
            value = counter
            while True:  # cycle walking: the Feistel domain is a power of 4 ≥ capacity
                # eight rounds (left, right) → (right, left ^ F(right)), written in place: after an
                # even number of rounds the halves are back in their places
                left, right = value >> half, value & mask
                left ^= t0[right]
                right ^= t1[left]
                left ^= t2[right]
                right ^= t3[left]
                left ^= t4[right]
                right ^= t5[left]
                left ^= t6[right]
                right ^= t7[left]
                value = (left << half) | right
                if value < capacity:
                    break
            append(value)
        return out


def _round_value(secret: bytes, half_bits: int, round_no: int, value: int) -> int:
    digest = hmac.digest(secret, b"shahada-status-index:%d:%d" % (round_no, value), hashlib.sha256)
    return int.from_bytes(digest[:8], "big") & ((1 << half_bits) - 1)


@lru_cache(maxsize=256)
def _round_tables(secret: bytes, half_bits: int) -> tuple[tuple[int, ...], ...]:
    """Every round's value of every half, for one permutation (see the module docstring)."""
    return tuple(tuple(_round_value(secret, half_bits, r, v) for v in range(1 << half_bits)) for r in range(ROUNDS))
