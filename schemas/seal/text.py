"""The seal as text: the verifier's base URL followed by the COSE_Sign1 bytes in Base32.

    seal text = <verify base URL> <Base32(COSE_Sign1)>

Base32 is RFC 4648 §6 (alphabet ``A–Z 2–7``) without ``=`` padding. Every character of it is in
the QR code's alphanumeric set (ISO/IEC 18004 §7.4.4, 5.5 bits a character), and all are safe in
a URL path, so a phone camera opens the URL as printed. (Base45, RFC 9285, is denser but holds
space, ``%`` and ``+``, which a URL cannot carry as they are.) A base URL in capitals
(``HTTPS://DIPLOMES.MEN.GOV.MA/V/``) keeps the whole text alphanumeric and the QR code smaller.

Reading is lenient about what surrounds the payload (any URL, or none) and strict about the
payload: it is the run of Base32 characters after the last ``/``, ``#``, ``=`` or ``:``.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

from shahada.schemas.seal.errors import SealFormatError, SealOversizedError, SealTruncatedError

MAX_SEAL_BYTES: Final = 2048  # a version-40 QR code holds at most 2,677 Base32-coded bytes
MAX_TEXT_CHARS: Final = 4296  # the alphanumeric capacity of a version-40 QR code (level L)
_BASE32_ONLY: Final = re.compile(r"[A-Z2-7]+")
_SEPARATORS: Final = "/#=:"


def seal_text(cose: bytes, base_url: str) -> str:
    """The text put in the QR code."""
    return base_url + base64.b32encode(cose).decode("ascii").rstrip("=")


def seal_payload(text: str) -> str:
    """The Base32 payload of a seal text or URL (upper-cased; surrounding whitespace ignored).

    Raises:
        SealOversizedError: ``seal.oversized``, longer than any QR code can hold.
        SealFormatError: ``seal.malformed``, no Base32 payload at the end of the text.
    """
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise SealOversizedError(f"the text is {len(text)} characters; no QR code holds more than {MAX_TEXT_CHARS}")
    cut = max(text.rfind(sep) for sep in _SEPARATORS)
    payload = text[cut + 1 :].upper()
    if not payload or not _BASE32_ONLY.fullmatch(payload):
        raise SealFormatError("no seal found: the text does not end with a Base32 payload (RFC 4648, A–Z 2–7)")
    return payload


def seal_bytes(text: str) -> bytes:
    """The COSE_Sign1 bytes carried by a seal text.

    Raises:
        SealOversizedError: ``seal.oversized``, more than 2,048 bytes.
        SealTruncatedError: ``seal.truncated``, a Base32 length no whole number of bytes has.
        SealFormatError: ``seal.malformed``, no Base32 payload.
    """
    payload = seal_payload(text)
    if len(payload) * 5 // 8 > MAX_SEAL_BYTES:
        raise SealOversizedError(f"the seal holds {len(payload) * 5 // 8} bytes; a printed seal holds at most {MAX_SEAL_BYTES}")
    if len(payload) % 8 in (1, 3, 6):  # RFC 4648 §6: no byte count gives these lengths
        raise SealTruncatedError("the seal's Base32 payload has an impossible length: it was cut (truncated)")
    try:
        return base64.b32decode(payload + "=" * (-len(payload) % 8))
    except binascii.Error as err:
        raise SealFormatError(f"the seal's Base32 payload cannot be decoded: {err}") from err
