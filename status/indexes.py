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

Allocating a national session fills whole lists (131,072 positions each): :meth:`IndexPermutation.span`
then reads them from the list's whole permutation, computed once per list (:func:`_whole`) with the
Feistel rounds run on every value of the domain at once — each half a byte string per 8 bits,
a round's table look-up one ``bytes.translate`` per table page, the XORs on big integers — and
the cycle walking on the resulting table; the positions are the same.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

ROUNDS = 8
WHOLE_DOMAIN_LIMIT = 1 << 20  # a permutation whose Feistel domain is at most this is computed whole by span()


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

    def span(self, start: int, stop: int) -> list[int]:
        """The positions of counters ``start`` … ``stop - 1`` (:meth:`permute_many` of that range),
        read from the whole permutation, computed once per permutation, when its domain is small
        (a status list's: see the module docstring).

        Raises:
            ValueError: a counter outside ``[0, capacity)``.
        """
        if not 0 <= start <= stop <= self.capacity:
            raise ValueError(f"counters {start}..{stop} outside [0, {self.capacity})")
        if 1 << (2 * self._half_bits) > WHOLE_DOMAIN_LIMIT:
            return self.permute_many(range(start, stop))
        return _whole(self.secret, self.capacity)[start:stop].tolist()


def _lookup(lo: bytes, hi: bytes, table: tuple[int, ...]) -> tuple[int, int]:
    """``table[x]`` for every ``x`` given by its low byte (``lo``) and its high bits (``hi``), one
    byte a value, as two big integers of one byte a value: the low bytes and the high bits. One
    ``bytes.translate`` per 256 entries of the table and per output byte, the page chosen by masks."""
    size = len(table)
    pages = (size + 255) >> 8
    out_lo = out_hi = 0
    for page in range(pages):
        entries = [table[(page << 8) | b] if (page << 8) | b < size else 0 for b in range(256)]
        looked_lo = int.from_bytes(lo.translate(bytes(e & 0xFF for e in entries)), "big")
        looked_hi = int.from_bytes(lo.translate(bytes(e >> 8 for e in entries)), "big")
        if pages == 1:
            return looked_lo, looked_hi
        select = int.from_bytes(hi.translate(bytes(0xFF if b == page else 0 for b in range(256))), "big")
        out_lo |= looked_lo & select
        out_hi |= looked_hi & select
    return out_lo, out_hi


@lru_cache(maxsize=64)
def _whole(secret: bytes, capacity: int) -> array[int]:
    """The position of every counter of ``[0, capacity)``: the Feistel rounds on every value of the
    domain at once (see the module docstring), then the cycle walking on the resulting table."""
    half = (max(2, (capacity - 1).bit_length()) + 1) // 2
    side = 1 << half
    count = side * side
    # every value of the domain in order, value = left << half | right: each half as two byte
    # strings, its low byte and its high bits
    halves = [
        b"".join(bytes([v & 0xFF]) * side for v in range(side)),  # left, low byte
        b"".join(bytes([v >> 8]) * side for v in range(side)),  # left, high bits
        bytes(v & 0xFF for v in range(side)) * side,  # right, low byte
        bytes(v >> 8 for v in range(side)) * side,  # right, high bits
    ]
    for round_no, table in enumerate(_round_tables(secret, half)):  # left ^= F(right), then right ^= F(left), …
        source, target = (2, 0) if round_no % 2 == 0 else (0, 2)
        looked_lo, looked_hi = _lookup(halves[source], halves[source + 1], table)
        halves[target] = (int.from_bytes(halves[target], "big") ^ looked_lo).to_bytes(count, "big")
        halves[target + 1] = (int.from_bytes(halves[target + 1], "big") ^ looked_hi).to_bytes(count, "big")

    def spread(stream: bytes) -> int:  # one byte a value → one 32-bit little-endian slot a value
        slots = bytearray(4 * count)
        slots[0::4] = stream
        return int.from_bytes(slots, "little")

    combined = spread(halves[2]) | spread(halves[3]) << 8 | spread(halves[0]) << half | spread(halves[1]) << (half + 8)
    domain = array("I")
    assert domain.itemsize == 4
    domain.frombytes(combined.to_bytes(4 * count, "little"))
    if sys.byteorder != "little":  # pragma: no cover - the machines Shahada runs on are little-endian
        domain.byteswap()
    images = domain.tolist()
    out: list[int] = []
    append = out.append
    for position in images[:capacity]:
        while position >= capacity:  # cycle walking, as permute_many
            position = images[position]
        append(position)
    return array("I", out)


def _round_value(secret: bytes, half_bits: int, round_no: int, value: int) -> int:
    digest = hmac.digest(secret, b"shahada-status-index:%d:%d" % (round_no, value), hashlib.sha256)
    return int.from_bytes(digest[:8], "big") & ((1 << half_bits) - 1)


@lru_cache(maxsize=256)
def _round_tables(secret: bytes, half_bits: int) -> tuple[tuple[int, ...], ...]:
    """Every round's value of every half, for one permutation (see the module docstring)."""
    return tuple(tuple(_round_value(secret, half_bits, r, v) for v in range(1 << half_bits)) for r in range(ROUNDS))
