"""Telling an operator why a PV's text is unreadable, once per file: which encoding the file seems
to be in (``charset-normalizer``), or that its Arabic was lost or garbled by an earlier save.

Every message ends with what to do: save the file again as UTF-8, from its original.
"""

from __future__ import annotations

import re
from typing import Final

from shahada.issuer.pv.rules import ARABIC_LETTER

SAMPLE_BYTES: Final = 64 * 1024  # what the detector reads, from the first line that is not UTF-8

# Python codec names → what an operator recognises (the names Excel and LibreOffice show).
ENCODING_NAMES: Final = {
    "cp1256": "Windows-1256 (Arabic)",
    "iso8859_6": "ISO-8859-6 (Arabic)",
    "cp864": "IBM-864 (DOS Arabic)",
    "cp720": "DOS-720 (Arabic)",
    "mac_arabic": "Mac Arabic",
    "cp1252": "Windows-1252 (Western European)",
    "latin_1": "ISO-8859-1 (Western European)",
    "iso8859_15": "ISO-8859-15 (Western European)",
    "cp850": "DOS-850 (Western European)",
    "mac_roman": "Mac Roman",
}
_WESTERN: Final = ("cp1252", "latin_1")
SAVE_AS_UTF8: Final = "save it as UTF-8 ('CSV UTF-8' in Excel, 'Unicode (UTF-8)' in LibreOffice) and check it again"
_ONLY_QUESTION_MARKS = re.compile(r"[?\s]*\?[?\s]*")
_MOJIBAKE_HINT = re.compile("[\u00c3\u00d8\u00d9\u00da\u00db]")  # lead bytes of UTF-8 Arabic and accents read as Windows-1252


def guess_encoding(data: bytes, first_bad: int) -> str | None:
    """The likely encoding of ``data`` (bytes that are not UTF-8, the first bad one at ``first_bad``),
    in words, or None when nothing fits.

    A PV holds Arabic: ``charset-normalizer``'s guess is kept when the text it decodes holds Arabic
    letters; otherwise the bytes may be Windows-1252 (Western European), which has no Arabic letters.
    """
    from charset_normalizer import from_bytes

    start = data.rfind(b"\n", 0, first_bad) + 1
    sample = data[start : start + SAMPLE_BYTES]
    best = from_bytes(sample).best()
    if best is not None and ARABIC_LETTER.search(str(best)):
        return ENCODING_NAMES.get(best.encoding, best.encoding)
    for codec in _WESTERN:
        try:
            sample.decode(codec)
        except UnicodeDecodeError:
            continue
        return ENCODING_NAMES[codec]
    return None


def not_utf8_message(encoding: str | None, rows: int, first_line: int, *, arabic_lost: bool = False) -> str:
    """The one problem reported for a CSV whose rows are not UTF-8 (``arabic_lost``: some of its
    Arabic cells hold only question marks)."""
    guess = f": it looks like {encoding}" if encoding else ""
    if arabic_lost or (encoding is not None and "Western" in encoding):
        lost = " (its Arabic names became question marks)" if arabic_lost else ""
        which = ", which has no Arabic letters" if encoding else ""
        advice = f"{which}{lost}; export the PV again from its original and save it as UTF-8"
        return (
            f"the file is not UTF-8{guess}{advice} ('CSV UTF-8' in Excel, 'Unicode (UTF-8)' in LibreOffice), then check it again. "
            f"{rows} row(s) are affected, the first at line {first_line}; they were not checked"
        )
    return (
        f"the file is not UTF-8{guess}; {SAVE_AS_UTF8}. "
        f"{rows} row(s) hold such bytes, the first at line {first_line}; they were not checked"
    )


def arabic_damage(cell: str) -> str | None:
    """How an ``_ar`` cell's Arabic was damaged by an earlier save, or None if it was not:
    ``"lost"`` (only question marks: saved in an encoding without Arabic letters) or ``"mojibake"``
    (UTF-8 read as Windows-1252 and saved again: ``Ù…Ø­Ù…Ø¯`` for ``محمد``)."""
    text = cell.strip()
    if not text or ARABIC_LETTER.search(text):
        return None
    if _ONLY_QUESTION_MARKS.fullmatch(text):
        return "lost"
    if _MOJIBAKE_HINT.search(text):
        for codec in _WESTERN:
            try:
                repaired = text.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if ARABIC_LETTER.search(repaired):
                return "mojibake"
    return None


def arabic_damage_message(kind: str, rows: int, first_line: int) -> str:
    """The one problem reported for a PV whose Arabic columns were damaged (see :func:`arabic_damage`)."""
    if kind == "lost":
        why = (
            "the Arabic columns hold only question marks: the file was saved in an encoding without Arabic "
            "letters (e.g. Windows-1252), which replaced them; the names cannot be recovered from this file, "
            "export the PV again from its original and save it as UTF-8"
        )
    else:
        why = (
            "the Arabic columns hold text like 'Ù…Ø­Ù…Ø¯': the file's UTF-8 was read as Windows-1252 and saved "
            f"again; export the PV again from its original and {SAVE_AS_UTF8}"
        )
    return f"{why}. {rows} row(s) are affected, the first at line {first_line}; they were not checked"
