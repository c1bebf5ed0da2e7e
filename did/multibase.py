"""Multibase base58btc (the ``z`` prefix), as used by Multikey and by Data Integrity proof values.

Controlled Identifiers v1.0 §2.4 "Multibase": a string whose first character names the base;
only ``z`` (base58btc, Bitcoin alphabet) is accepted here.
"""

from __future__ import annotations

import base58

BASE58BTC_PREFIX = "z"


def encode_base58btc(data: bytes) -> str:
    """``data`` as a multibase base58btc string (``z…``)."""
    return BASE58BTC_PREFIX + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    """The bytes of a multibase base58btc string.

    Raises:
        ValueError: ``value`` is not a string, lacks the ``z`` prefix, or is not valid base58btc.
    """
    if not isinstance(value, str) or not value.startswith(BASE58BTC_PREFIX) or len(value) < 2:
        raise ValueError("expected a multibase base58btc string starting with 'z'")
    try:
        return base58.b58decode(value[1:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as err:
        raise ValueError(f"invalid base58btc: {err}") from err
