"""Credential ids and printed document numbers, derived from the ministry's secret.

Pure functions. Spec anchors: RFC 9562 §5.8 (UUIDv8: the 122 free bits are ours) and §4.1
(variant), RFC 2104 (HMAC, and its advice on key length), Crockford's Base32
(https://www.crockford.com/base32.html: alphabet without I, L, O, U, lenient decoding). The check
symbol is not Crockford's mod-37 one, whose five extra symbols (``*~$=U``) do not belong on paper:
it is a GF(32) check that stays in the 32-symbol alphabet (see ``document_number``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from typing import Final, Literal

from shahada.schemas.errors import CredentialBuildError

__all__ = ["MIN_SECRET_BYTES", "Kind", "check_year", "credential_id", "document_number", "normalize_document_number"]

Kind = Literal["diploma", "transcript"]

MIN_SECRET_BYTES: Final = 32  # RFC 2104 §3: a key shorter than the hash output weakens HMAC
_ID_DOMAIN: Final = "shahada:credential-id:v1"  # domain separation: this key may serve other HMACs
_MASSAR: Final = re.compile(r"[A-Z][0-9]{9}")
_SESSIONS: Final = ("normale", "rattrapage")
_KIND_LETTERS: Final = {"diploma": "D", "transcript": "T"}

_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DATA_SYMBOLS: Final = 11  # 55 bits: see document_number for the collision bound


def credential_id(massar: str, year: int, session: str, kind: Kind, *, secret: bytes, revision: int = 0) -> str:
    """The credential's ``id``: ``urn:uuid:`` + a UUIDv8 whose 122 free bits come from HMAC-SHA256.

    Stable per (candidate, year, session, document type), so re-running an import yields the same
    ids; keyed by the ministry's secret, so the id reveals nothing about the Code Massar and cannot
    be recomputed (or brute-forced over the 2.6·10¹⁰ possible Massar codes) without the secret.

    Args:
        massar: the Code Massar (one capital letter, nine digits).
        year: the session's year.
        session: ``"normale"`` or ``"rattrapage"``.
        kind: ``"diploma"`` or ``"transcript"``.
        secret: the ministry's id secret, at least ``MIN_SECRET_BYTES`` bytes.
        revision: 0 for the credential first issued; n for the n-th rectified credential that
            supersedes it (a distinct id, so the superseded one can be revoked and named).

    Returns:
        ``urn:uuid:xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx``.

    Raises:
        CredentialBuildError: ``credential.build`` for a malformed argument or a short secret.
    """
    if not _MASSAR.fullmatch(massar):
        raise CredentialBuildError("Code Massar must be one capital letter followed by nine digits")
    check_year(year)
    if session not in _SESSIONS:
        raise CredentialBuildError(f"session must be one of {_SESSIONS}, not {session!r}")
    _check_kind(kind)
    if len(secret) < MIN_SECRET_BYTES:
        raise CredentialBuildError(f"the id secret must be at least {MIN_SECRET_BYTES} bytes")
    if revision < 0:
        raise CredentialBuildError("revision must be 0 or more")
    parts = (_ID_DOMAIN, massar, str(year), session, kind) + ((f"rev{revision}",) if revision else ())
    message = "\x1f".join(parts).encode("ascii")
    value = int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest()[:16], "big")
    value = (value & ~(0xF << 76)) | (0x8 << 76)  # version 8 (RFC 9562 §5.8)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # variant 10 (RFC 9562 §4.1)
    return uuid.UUID(int=value).urn


def document_number(credential_id: str, kind: Kind, year: int) -> str:
    """The number printed on paper, e.g. ``BAC-2025-D-7K3M-9QXP-2F4C``.

    Eleven Crockford Base32 symbols carry the first 55 free bits of the credential's UUID, and a
    twelfth is a check symbol over the whole number (prefix included), computed in GF(32): it
    catches every single-symbol error, every adjacent or jump transposition and every twin error.
    55 bits keep the chance of any collision among 450,000 numbers of one year and kind below
    3·10⁻⁶ (birthday bound n²/2⁵⁶); the archive's unique constraint is the final guard.

    Raises:
        CredentialBuildError: ``credential.build`` if the id is not one made by ``credential_id``.
    """
    _check_kind(kind)
    check_year(year)
    try:
        parsed = uuid.UUID(credential_id.removeprefix("urn:uuid:"))
    except ValueError:
        parsed = None
    if parsed is None or not credential_id.startswith("urn:uuid:") or parsed.version != 8:
        raise CredentialBuildError(f"{credential_id!r} is not a credential id (urn:uuid: UUIDv8)")
    value = parsed.int
    # Drop the 4 version and 2 variant bits: 48 + 12 + 62 = 122 bits of HMAC output.
    free = (value >> 80 << 74) | ((value >> 64) & 0xFFF) << 62 | (value & ((1 << 62) - 1))
    data = free >> (122 - 5 * _DATA_SYMBOLS)
    symbols = "".join(_CROCKFORD[(data >> (5 * i)) & 31] for i in reversed(range(_DATA_SYMBOLS)))
    letter = _KIND_LETTERS[kind]
    body = symbols + _check_symbol(f"BAC{year}{letter}{symbols}")
    return f"BAC-{year}-{letter}-{body[0:4]}-{body[4:8]}-{body[8:12]}"


def normalize_document_number(text: str) -> str | None:
    """A typed document number in canonical form, or None if malformed or its check fails.

    Lenient as Crockford's decoding rules ask: case, spaces and hyphens do not matter, and
    ``I``/``L`` read as ``1``, ``O`` as ``0``.
    """
    compact = re.sub(r"[\s-]", "", text.upper()).translate(str.maketrans("ILO", "110"))  # "BAC" has none
    if not re.fullmatch(r"BAC[0-9]{4}[DT][0-9A-Z]{12}", compact):
        return None
    year, letter, body = compact[3:7], compact[7], compact[8:]
    if any(ch not in _CROCKFORD for ch in body):
        return None
    if _check_symbol(f"BAC{year}{letter}{body[:-1]}") != body[-1]:
        return None
    return f"BAC-{year}-{letter}-{body[0:4]}-{body[4:8]}-{body[8:12]}"


def _check_symbol(symbols: str) -> str:
    """Horner evaluation in GF(2⁵) = GF(2)[x]/(x⁵+x²+1); the check makes the total zero."""
    acc = 0
    for ch in symbols:
        acc = _times_x(acc) ^ _CROCKFORD.index(ch)
    return _CROCKFORD[_times_x(acc)]


def _times_x(value: int) -> int:
    value <<= 1
    return value ^ 0b100101 if value & 0b100000 else value


def check_year(year: int) -> None:
    """Years are four digits (they are printed in the document number); 2000..2099 in practice."""
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2099:
        raise CredentialBuildError(f"year must be an integer in 2000..2099, not {year!r}")


def _check_kind(kind: str) -> None:
    if kind not in _KIND_LETTERS:
        raise CredentialBuildError(f"kind must be 'diploma' or 'transcript', not {kind!r}")
