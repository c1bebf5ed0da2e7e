"""Names and places as text fit to print on a diploma and to sign.

A PV's names and places reach the printed document, the signed credential, the archive, the portal's
pages and the ministry's own exports. So each holds visible text only, of bounded length: no
character that prints nothing or reorders what is around it (a bidi override turns a name around on
paper while the signed bytes stay the same), no stack of combining marks drawn over its neighbours,
nothing a spreadsheet would run as a formula, nothing a web page would read as markup.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from shahada.schemas.jsonschema import NAME_MAX_LENGTH

__all__ = ["CELL_MAX_LENGTH", "COMBINING_RUN_MAX", "text_problem"]

# Every cell, and each name and place in NFC: the credentials' JSON Schemas allow no longer name.
CELL_MAX_LENGTH: Final = NAME_MAX_LENGTH
# Combining marks in a row: an Arabic letter takes shadda and a vowel (two), a Latin letter written
# decomposed an accent or two; more is a stack drawn over the neighbouring letters.
COMBINING_RUN_MAX: Final = 3

# Not text: controls, format characters (bidi overrides and isolates, zero-width space and joiners,
# soft hyphen, BOM), private use, unassigned, surrogates, line and paragraph separators.
_INVISIBLE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp", "Zs"})
_COMBINING_CATEGORIES: Final = frozenset({"Mn", "Mc", "Me"})
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets run as a formula
_MARKUP = re.compile(r"[<>]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def text_problem(value: str) -> tuple[str, str] | None:
    """What makes ``value`` unfit as a printed and signed name or place: (code, reason), or None.

    In order, the first that applies: ``pv.too_long`` (more than :data:`CELL_MAX_LENGTH`
    characters in NFC), ``pv.invisible_character`` (any character of the categories Cc, Cf, Co, Cn,
    Cs, Zl, Zp, or a space other than U+0020), ``pv.combining_marks`` (more than
    :data:`COMBINING_RUN_MAX` in a row), ``pv.formula`` (a leading ``=``, ``+``, ``-``, ``@``, tab
    or CR) and ``pv.markup`` (``<``, ``>`` or a character reference such as ``&amp;``). The reason
    names the character's code point, never the value.
    """
    if (size := len(unicodedata.normalize("NFC", value))) > CELL_MAX_LENGTH:
        return "pv.too_long", f"holds {size} characters; at most {CELL_MAX_LENGTH}"
    run = 0
    for position, char in enumerate(value, start=1):
        category = unicodedata.category(char)
        if category in _INVISIBLE_CATEGORIES and char != " ":
            name = unicodedata.name(char, "unnamed")
            return "pv.invisible_character", f"holds an invisible or control character, U+{ord(char):04X} {name}, at position {position}"
        run = run + 1 if category in _COMBINING_CATEGORIES else 0
        if run > COMBINING_RUN_MAX:
            return "pv.combining_marks", f"stacks more than {COMBINING_RUN_MAX} combining marks on one letter (position {position})"
    if value.startswith(_FORMULA_START):
        return "pv.formula", f"starts with {value[0]!r}, which a spreadsheet would run as a formula"
    if (markup := _MARKUP.search(value)) is not None:
        return "pv.markup", f"holds markup ({'a character reference' if markup.group().startswith('&') else repr(markup.group())})"
    return None
