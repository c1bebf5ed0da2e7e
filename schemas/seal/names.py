"""Compact coding of the names carried by a paper seal: a static canonical Huffman code per script.

Names are the bulk of a seal. In UTF-8 an Arabic letter takes two bytes; a diploma's QR code must
stay at version 15 (error correction Q) for the longest names in both scripts, so names are coded
with a *static* Huffman code, the mechanism HPACK uses for HTTP header strings (RFC 7541 §5.2 and
Appendix B), with one published table per script instead of HPACK's:

- the table (``names-v1.json`` beside this module) gives a code length, 1–15 bits, for each
  character of the script's alphabet and for ``ESC``;
- codes are assigned canonically, as DEFLATE does (RFC 1951 §3.2.2): symbols sorted by (code
  length, code point), ``ESC`` ordered before every character and ``EOS`` after every one;
- a character missing from the table is coded as ``ESC`` followed by its UTF-8 bytes, 8 bits each;
- bits are packed most significant bit first; the last byte is padded with 1-bits. ``EOS`` is
  never coded: as in HPACK its code is the all-ones code of the longest length (8 bits or more),
  so padding can never complete a code; decoding ``EOS`` (padding longer than 7 bits) is an error.

Only unigram letter frequencies shape the table, so names absent from the corpus it was built from
code about as well as those in it (about 4.5 bits a character, against 8 to 16 in UTF-8).
``python -m shahada.schemas.seal.names`` rebuilds the table from its corpus (see ``build_lengths``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Literal

from shahada.schemas.seal.errors import SealFormatError

Script = Literal["latin", "arabic"]
ESC: Final = "ESC"
EOS: Final = "EOS"
MAX_CODE_LENGTH: Final = 15
TABLE_FILE: Final = Path(__file__).with_name("names-v1.json")
_MAX_CHARS: Final = 512  # no printed name is longer; bounds the work on hostile input


@dataclass(frozen=True, slots=True)
class NameCode:
    """One script's canonical Huffman code: ``encode`` and ``decode`` a name."""

    script: Script
    codes: Mapping[str, tuple[int, int]]  # symbol → (code, length)
    decoding: Mapping[tuple[int, int], str]  # (length, code) → symbol

    @classmethod
    def from_lengths(cls, script: Script, lengths: Mapping[str, int]) -> NameCode:
        """Build the canonical code (RFC 1951 §3.2.2) from code lengths.

        Raises:
            ValueError: a length outside 1..15, no ``ESC`` or ``EOS``, a multi-character symbol, a
                code that is not complete (Kraft sum ≠ 1), or ``EOS`` not of the longest length
                (at least 8 bits).
        """
        if ESC not in lengths or EOS not in lengths or any(s not in (ESC, EOS) and len(s) != 1 for s in lengths):
            raise ValueError(f"{script}: symbols must be single characters plus ESC and EOS")
        if any(not 1 <= n <= MAX_CODE_LENGTH for n in lengths.values()):
            raise ValueError(f"{script}: code lengths must be in 1..{MAX_CODE_LENGTH}")
        if sum(2 ** (MAX_CODE_LENGTH - n) for n in lengths.values()) != 2**MAX_CODE_LENGTH:
            raise ValueError(f"{script}: the code is not complete (Kraft sum ≠ 1)")
        if lengths[EOS] != max(lengths.values()) or lengths[EOS] < 8:
            raise ValueError(f"{script}: EOS must have the longest code, of 8 bits or more (padding rule)")
        order = sorted(lengths, key=lambda s: (lengths[s], -1 if s == ESC else 0x110000 if s == EOS else ord(s)))
        codes: dict[str, tuple[int, int]] = {}
        code, previous = 0, lengths[order[0]]
        for symbol in order:
            code <<= lengths[symbol] - previous
            previous = lengths[symbol]
            codes[symbol] = (code, previous)
            code += 1
        return cls(script, codes, {(n, c): s for s, (c, n) in codes.items()})

    def encode(self, text: str) -> bytes:
        """The coded bytes of ``text`` (padded with 1-bits to a whole byte)."""
        acc, nbits = 0, 0
        esc_code, esc_len = self.codes[ESC]
        for ch in text:
            found = self.codes.get(ch)
            if found is not None:
                code, length = found
                acc, nbits = (acc << length) | code, nbits + length
            else:
                raw = ch.encode("utf-8")
                acc = (acc << esc_len) | esc_code
                acc = (acc << (8 * len(raw))) | int.from_bytes(raw, "big")
                nbits += esc_len + 8 * len(raw)
        pad = -nbits % 8
        acc, nbits = (acc << pad) | ((1 << pad) - 1), nbits + pad
        return acc.to_bytes(nbits // 8, "big")

    def decode(self, data: bytes) -> str:
        """The name coded in ``data``.

        Raises:
            SealFormatError: ``seal.malformed`` for bits that are not a coded name (a code cut
                short, padding that is not 1-bits or longer than 7 bits, a bad escape, too long).
        """
        bits = "".join(f"{byte:08b}" for byte in data)
        out: list[str] = []
        i, n = 0, len(bits)
        while i < n:
            if n - i < 8 and bits[i:] == "1" * (n - i):
                break  # padding
            code, length = 0, 0
            while True:
                if i >= n or length >= MAX_CODE_LENGTH:
                    raise SealFormatError(f"a {self.script} name ends inside a code")
                code, length, i = (code << 1) | (bits[i] == "1"), length + 1, i + 1
                symbol = self.decoding.get((length, code))
                if symbol is not None:
                    break
            if symbol == EOS:
                raise SealFormatError(f"a {self.script} name has more than 7 bits of padding")
            if symbol == ESC:
                symbol, i = _escaped(bits, i, self.script)
            out.append(symbol)
            if len(out) > _MAX_CHARS:
                raise SealFormatError(f"a {self.script} name longer than {_MAX_CHARS} characters")
        return "".join(out)


def _escaped(bits: str, i: int, script: str) -> tuple[str, int]:
    """One UTF-8 character after ESC: its lead byte says how many bytes follow."""
    if len(bits) - i < 8:
        raise SealFormatError(f"a {script} name ends inside an escaped character")
    lead = int(bits[i : i + 8], 2)
    size = 1 if lead < 0x80 else 2 if lead >> 5 == 0b110 else 3 if lead >> 4 == 0b1110 else 4 if lead >> 3 == 0b11110 else 0
    if size == 0 or len(bits) - i < 8 * size:
        raise SealFormatError(f"a {script} name holds a malformed escaped character")
    raw = int(bits[i : i + 8 * size], 2).to_bytes(size, "big")
    try:
        return raw.decode("utf-8"), i + 8 * size
    except UnicodeDecodeError:
        raise SealFormatError(f"a {script} name holds a malformed escaped character") from None


@cache
def name_codes() -> dict[Script, NameCode]:
    """The two codes of seal format version 1, from ``names-v1.json`` (loaded once)."""
    raw = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    return {script: NameCode.from_lengths(script, raw[script]) for script in ("latin", "arabic")}
