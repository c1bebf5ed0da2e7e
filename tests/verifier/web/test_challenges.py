"""verifier/web/challenges.py: one use each, expiry, bounded memory that forgets safely."""

from __future__ import annotations

import itertools
import uuid

from shahada.verifier.web.challenges import ChallengeLimitError, ChallengeStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def store(clock: Clock, **kwargs: object) -> ChallengeStore:
    counter = itertools.count()
    return ChallengeStore(ttl=60, max_entries=int(str(kwargs.get("max_entries", 100))), clock=clock, token=lambda: f"c{next(counter)}")


def test_a_challenge_is_accepted_once() -> None:
    s = store(Clock())
    value = s.issue().value
    assert s.redeem(value) == "ok"
    assert s.redeem(value) == "challenge.replayed"
    assert s.redeem(value) == "challenge.replayed"


def test_unknown_and_expired() -> None:
    clock = Clock()
    s = store(clock)
    assert s.redeem("never-issued") == "challenge.unknown"
    assert s.redeem("x" * 10_000) == "challenge.unknown"
    value = s.issue().value
    clock.now += 61
    assert s.redeem(value) == "challenge.expired"
    assert s.redeem(value) == "challenge.unknown"  # forgotten once expired: still refused


def test_bounded_memory_forgets_expired_then_oldest() -> None:
    clock = Clock()
    s = store(clock, max_entries=3)
    old = [s.issue().value for _ in range(3)]
    clock.now += 61
    fresh = s.issue().value  # the three expired ones make room
    assert len(s) == 1 and s.redeem(fresh) == "ok"
    a, b, c = (s.issue().value for _ in range(3))  # full (fresh is remembered as redeemed): the oldest goes
    assert s.redeem(fresh) == "challenge.unknown"
    assert [s.redeem(v) for v in (a, b, c)] == ["ok", "ok", "ok"]
    assert all(s.redeem(v) == "challenge.unknown" for v in old)


def test_real_values_are_random_uuid4_strings() -> None:
    # ACA-Py refuses a DIF presentation request whose challenge is not a UUID4: a university passes
    # ours on to a wallet as it is. Version 4 is 122 random bits.
    s = ChallengeStore(ttl=60, max_entries=10)
    values = [s.issue().value for _ in range(50)]
    assert len(set(values)) == 50
    for value in values:
        parsed = uuid.UUID(value)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == value


def test_a_client_holds_and_creates_only_its_share() -> None:
    """Issue 17: one client's requests evict only its own challenges, and are rate limited."""
    clock = Clock()
    s = ChallengeStore(ttl=60, max_entries=6, per_client=3, clock=clock)
    theirs = [s.issue("victim").value for _ in range(2)]
    mine = [s.issue("attacker").value for _ in range(3)]
    try:
        s.issue("attacker")
    except ChallengeLimitError as err:
        assert err.retry_after == 60
    else:
        raise AssertionError("a 4th challenge within the time to live was issued")
    assert [s.peek(v) for v in theirs] == ["ok", "ok"] and [s.peek(v) for v in mine] == ["ok"] * 3
    clock.now += 30
    for i in range(10):  # many clients fill the store: it stays bounded
        s.issue(f"bot-{i}")
    assert len(s) == 6
    clock.now += 31  # the attacker's window has passed
    s.issue("attacker")


def test_peek_does_not_use_a_challenge() -> None:
    s = store(Clock())
    value = s.issue().value
    assert s.peek(value) == "ok" and s.peek(value) == "ok"
    assert s.redeem(value) == "ok" and s.peek(value) == "challenge.replayed"
