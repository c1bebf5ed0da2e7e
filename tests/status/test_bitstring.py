"""Bitstring Status List encoding (W3C Bitstring Status List 1.0 §4)."""

from __future__ import annotations

import base64
import gzip

import pytest

from shahada.status.bitstring import MIN_BITS, Bitstring
from shahada.status.errors import EncodedListError, StatusIndexError


def test_bit_order_is_most_significant_first() -> None:
    bits = Bitstring(MIN_BITS)
    assert bits.set(0, True) and bits.set(9, True)
    raw = bits.to_bytes()
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000
    assert not bits.set(0, True)  # unchanged
    assert bits.set(0, False) and not bits.get(0) and bits.get(9)


def test_encode_decode_round_trip_and_stable_encoding() -> None:
    bits = Bitstring(MIN_BITS)
    for i in (0, 7, 8, 65_535, MIN_BITS - 1):
        bits.set(i, True)
    encoded = bits.encode()
    assert encoded.startswith("u") and "=" not in encoded
    again = Bitstring.decode(encoded)
    assert [i for i in range(MIN_BITS) if again.get(i)] == [0, 7, 8, 65_535, MIN_BITS - 1]
    assert again.encode() == encoded  # no timestamp in the GZIP header: same bits, same string
    assert len(encoded) < 200  # a mostly-empty 16 KiB list compresses to almost nothing


def test_decode_refuses_malformed_small_and_oversized_lists() -> None:
    def enc(data: bytes) -> str:
        return "u" + base64.urlsafe_b64encode(gzip.compress(data)).rstrip(b"=").decode()

    for bad in ("", "zabc", "u***", "u" + base64.urlsafe_b64encode(b"not gzip").decode()):
        with pytest.raises(EncodedListError):
            Bitstring.decode(bad)
    with pytest.raises(EncodedListError, match="fewer than the minimum"):
        Bitstring.decode(enc(bytes(100)))
    with pytest.raises(EncodedListError, match="size limit"):
        Bitstring.decode(enc(bytes(17 * 1024 * 1024)))


def test_out_of_range_index() -> None:
    with pytest.raises(StatusIndexError):
        Bitstring(MIN_BITS).get(MIN_BITS)
    with pytest.raises(StatusIndexError):
        Bitstring(MIN_BITS).set(-1, True)
