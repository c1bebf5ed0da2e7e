"""Counting the RDF canonicalization work (pyld's RDFC-1.0 / URDNA2015), so that a test bounds the
work a request causes instead of timing it.

``runs``: canonicalizations (one per document and one per proof's options), by either engine of
``shahada.proofs.canonical`` (the native one's canonical forms, computed or remembered, and pyld's);
``first_degree``: pyld's first-degree hashes (one per blank node and canonicalization, linear in the
document); ``n_degree``: pyld's N-degree hashes, only for blank nodes whose first-degree hashes
collide: the part that grows faster than the document (a poisoned graph makes it explode). The
native engine does no N-degree hashing: a dataset that needs it goes to pyld's, counted here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pyld import canon

from shahada.proofs import rdfc_native

_COUNTED = {"main": "runs", "hash_first_degree_quads": "first_degree", "hash_n_degree_quads": "n_degree"}
_NATIVE_RUNS = ("canonical_nquads", "remembered")


@contextmanager
def counting_canonicalization() -> Iterator[Counter[str]]:
    """Within this block, the returned counter holds the canonicalization work done so far."""
    work: Counter[str] = Counter()
    originals = {name: getattr(canon.URDNA2015, name) for name in _COUNTED}

    def counted(name: str) -> Any:
        original = originals[name]

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            work[_COUNTED[name]] += 1
            return original(self, *args, **kwargs)

        return wrapper

    native = {name: getattr(rdfc_native, name) for name in _NATIVE_RUNS}

    def counted_native(name: str) -> Any:
        original = native[name]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            work["runs"] += 1
            return original(*args, **kwargs)

        return wrapper

    for name in _COUNTED:
        setattr(canon.URDNA2015, name, counted(name))
    for name in _NATIVE_RUNS:
        setattr(rdfc_native, name, counted_native(name))
    try:
        yield work
    finally:
        for name, original in originals.items():
            setattr(canon.URDNA2015, name, original)
        for name, original in native.items():
            setattr(rdfc_native, name, original)
