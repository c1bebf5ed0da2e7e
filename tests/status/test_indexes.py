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


def _reference_permute(secret: bytes, capacity: int, counter: int) -> int:
    """The definition, one HMAC-SHA256 per round and no tables (the module's first implementation)."""
    import hashlib
    import hmac

    half = (max(2, (capacity - 1).bit_length()) + 1) // 2
    mask = (1 << half) - 1

    def feistel(value: int) -> int:
        left, right = value >> half, value & mask
        for round_no in range(8):
            digest = hmac.new(secret, b"shahada-status-index:%d:%d" % (round_no, right), hashlib.sha256).digest()
            left, right = right, left ^ (int.from_bytes(digest[:8], "big") & mask)
        return (left << half) | right

    value = feistel(counter)
    while value >= capacity:
        value = feistel(value)
    return value


@pytest.mark.parametrize("capacity", [2, 100, 10_000, 131_072, 131_072 * 4 + 3])
def test_the_tables_give_the_positions_of_the_hmac_definition(capacity: int) -> None:
    """Positions already handed out in an archive stay the ones a restarted issuer computes."""
    secret = bytes(range(32))
    perm = IndexPermutation(secret=secret, capacity=capacity)
    counters = sorted({0, capacity - 1, *range(0, capacity, max(1, capacity // 300))})
    expected = [_reference_permute(secret, capacity, c) for c in counters]
    assert perm.permute_many(counters) == expected
    assert [perm.permute(c) for c in counters] == expected
    with pytest.raises(ValueError):
        perm.permute_many([0, capacity])


@pytest.mark.parametrize("capacity", [2, 3, 100, 10_000, 131_072, 200_003])
def test_a_whole_permutation_gives_the_positions_of_the_counters_one_by_one(capacity: int) -> None:
    """``span`` (the Feistel rounds run on the whole domain at once, then the cycle walking) hands
    out the positions ``permute_many`` gives: allocations do not change."""
    perm = IndexPermutation(secret=bytes(range(1, 33)), capacity=capacity)
    assert perm.span(0, capacity) == perm.permute_many(range(capacity))
    middle = capacity // 3
    assert perm.span(middle, capacity - 1) == perm.permute_many(range(middle, capacity - 1)) and perm.span(middle, middle) == []
    with pytest.raises(ValueError):
        perm.span(0, capacity + 1)
