"""The bitstring of a W3C Bitstring Status List 1.0 (§4 "Algorithms").

Bit ``i`` is the ``i % 8``-th most significant bit of byte ``i // 8`` (bit 0 is the leftmost bit of
the first byte). ``encodedList`` is the Multibase base64url (``u`` prefix, no padding) encoding of
the GZIP-compressed bitstring; lists have at least 131,072 entries (16 KiB) so that a set bit
hides among many (herd privacy, §5.2).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib

from shahada.status.errors import EncodedListError, StatusIndexError

MIN_BITS = 131_072
# Refuse to inflate a published list beyond this (a GZIP bomb): 16 MiB = 134 million entries.
MAX_DECODED_BYTES = 16 * 1024 * 1024


class Bitstring:
    """A mutable fixed-length bitstring."""

    __slots__ = ("_bits",)

    def __init__(self, size: int = MIN_BITS, *, data: bytes | None = None) -> None:
        if data is not None:
            self._bits = bytearray(data)
        else:
            if size <= 0 or size % 8:
                raise ValueError("a bitstring's size must be a positive multiple of 8")
            self._bits = bytearray(size // 8)

    def __len__(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < len(self):
            raise StatusIndexError(f"status index {index} is outside the list (0..{len(self) - 1})")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool) -> bool:
        """Set a bit; returns True when it changed."""
        byte, mask = self._locate(index)
        before = bool(self._bits[byte] & mask)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF
        return before != value

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        """The ``encodedList`` value: ``u`` + base64url(gzip(bits)), no padding.

        ``mtime=0`` makes the encoding a function of the bits alone (stable ETags, no re-signing for nothing).
        """
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, encoded: str, *, min_bits: int = MIN_BITS) -> Bitstring:
        """Parse an ``encodedList``; EncodedListError for anything malformed or too small."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise EncodedListError("encodedList must be a Multibase base64url string starting with 'u'")
        body = encoded[1:]
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as err:
            raise EncodedListError(f"encodedList is not base64url: {err}") from err
        try:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP container
            data = inflater.decompress(compressed, MAX_DECODED_BYTES + 1)
        except zlib.error as err:
            raise EncodedListError(f"encodedList is not GZIP data: {err}") from err
        if len(data) > MAX_DECODED_BYTES or inflater.unconsumed_tail:
            raise EncodedListError("encodedList inflates beyond the size limit")
        if len(data) * 8 < min_bits:
            raise EncodedListError(f"the list has {len(data) * 8} entries, fewer than the minimum {min_bits}")
        return cls(data=data)
