"""Status indexes: a keyed permutation, so positions are unique and not in issuance order."""

from __future__ import annotations

import pytest

from shahada.status.indexes import IndexPermutation


def test_is_a_bijection_of_the_domain() -> None:
    perm = IndexPermutation(secret=b"k" * 32, capacity=10_000)
    images = [perm.permute(i) for i in range(10_000)]
    assert sorted(images) == list(range(10_000))


def test_does_not_follow_issuance_order_and_depends_on_the_key() -> None:
    perm = IndexPermutation(secret=b"k" * 32, capacity=131_072 * 4)
    first = [perm.permute(i) for i in range(1000)]
    ascending = sum(1 for a, b in zip(first, first[1:], strict=False) if b > a)
    assert 400 < ascending < 600  # like random order, not increasing
    assert max(first) > 131_072  # spread over the whole capacity, not packed at the start
    other = IndexPermutation(secret=b"j" * 32, capacity=131_072 * 4)
    assert [other.permute(i) for i in range(50)] != first[:50]
    assert [perm.permute(i) for i in range(50)] == first[:50]  # deterministic: restarts agree


def test_refuses_counters_outside_the_domain_and_weak_keys() -> None:
    perm = IndexPermutation(secret=b"k" * 32, capacity=100)
    with pytest.raises(ValueError):
        perm.permute(100)
    with pytest.raises(ValueError):
        IndexPermutation(secret=b"short", capacity=100)
