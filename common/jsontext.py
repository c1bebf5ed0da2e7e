"""JSON text as Internet JSON (I-JSON, RFC 7493 §2.1): every string is Unicode text.

RFC 8259 §8.2 lets ``"\\ud800"`` through — an escaped surrogate with no partner, which no UTF-8,
hence no canonical form, no hash and no response body, can hold. :func:`loads` parses as
``json.loads`` does and refuses such a string anywhere (a key or a value) with
:class:`NotUnicodeError`, a ``ValueError``: callers that answer a JSON error for a ``ValueError``
answer it for this too, instead of failing later on the first ``encode``.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["NotUnicodeError", "loads"]


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class NotUnicodeError(ValueError):
    """A string of the JSON text holds a lone surrogate (``\\ud800``…``\\udfff`` unpaired)."""


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``, refusing strings that are not Unicode text.

    Raises:
        ValueError: what ``json.loads`` raises (``JSONDecodeError``, ``UnicodeDecodeError``…), and
            :class:`NotUnicodeError`.
        RecursionError: JSON nested too deeply for the parser.
    """
    value = json.loads(text)
    if isinstance(text, bytes) and text[:1] in (b"{", b"[") and b"\x00" not in text[:4] and not _SURROGATE_ESCAPE.search(text):
        # UTF-8 JSON text (json.loads's own encoding detection): a lone surrogate can only come
        # from a \\uD800–\\uDFFF escape, and there is none
        return value
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            _require_text(node)
        elif isinstance(node, dict):
            for key, item in node.items():
                _require_text(key)
                stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)
    return value


def _require_text(value: str) -> None:
    if value.isascii():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise NotUnicodeError(f"a string holds a lone surrogate \\u{ord(value[err.start]):04x} at character {err.start}: not Unicode text") from None
