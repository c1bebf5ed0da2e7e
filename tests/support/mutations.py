"""Tampering helpers: every leaf of a credential, and a one-character change that keeps it
well-formed (a digit stays a digit, a language tag stays a tag)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every scalar in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, (*path, i))
    else:
        yield path


_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def altered(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    """A deep copy of ``document`` with the scalar at ``path`` changed minimally."""
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    value = target[path[-1]]
    if isinstance(value, bool):
        target[path[-1]] = not value
    elif isinstance(value, int):
        target[path[-1]] = value + 1
    elif path[-1] == "@direction":
        target[path[-1]] = "ltr"
    elif path[-1] == "@language":
        target[path[-1]] = "en"
    elif path[-1] == "proofValue" and value.startswith("z"):
        # stay inside base58btc (a plain "last digit + 1" can give "0", which is not in the alphabet,
        # and the proof would then be malformed rather than wrong): flip the last character's low bit
        i = _BASE58.index(value[-1])
        target[path[-1]] = value[:-1] + _BASE58[i ^ 1]
    else:
        # change one character but keep the value well-formed: the last digit if there is one
        digits = [i for i, ch in enumerate(value) if ch.isdigit()]
        if digits:
            i = digits[-1]
            target[path[-1]] = value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]
        else:
            target[path[-1]] = value[:-1] + ("x" if value[-1:] != "x" else "y")
    return changed
