"""Rate limits in the database (issuer/portal/ratelimit.py), with an injected clock: sliding
windows, locks, and limits shared by two portal processes over one database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from shahada.portal.errors import RateLimitedError
from shahada.portal.ratelimit import RateLimiter, Rule
from shahada.portal.store import PortalStore
from tests.support.archives import migrated_sqlite

T0 = dt.datetime(2025, 7, 10, 9, 0, tzinfo=dt.UTC)
KEY = b"r" * 32
HOURLY = Rule("massar.code", limit=3, window=3600)
LOCKING = Rule("massar.failure", limit=5, window=900, lock_seconds=900)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def limiter(tmp_path: Path) -> Iterator[RateLimiter]:
    url = migrated_sqlite(tmp_path / "rate.sqlite3")
    engine = create_engine(url)
    yield RateLimiter(PortalStore(engine), KEY)
    engine.dispose()


def wait_of(limiter: RateLimiter, rule: Rule, value: str, now: dt.datetime) -> int | None:
    try:
        limiter.check(rule, value, now=now)
    except RateLimitedError as err:
        assert err.code == "rate.limited" and err.http_status == 429
        return err.retry_after
    return None


def test_a_sliding_window_refuses_until_the_oldest_events_age_out(limiter: RateLimiter) -> None:
    for seconds in (0, 600, 1200):
        assert wait_of(limiter, HOURLY, "R130045678", at(seconds)) is None
        limiter.hit(HOURLY, "R130045678", now=at(seconds))
    assert wait_of(limiter, HOURLY, "R130045678", at(1800)) == 1800  # the first event leaves at 3600
    assert wait_of(limiter, HOURLY, "S130045678", at(1800)) is None  # another subject is not affected
    assert wait_of(limiter, HOURLY, "R130045678", at(3599)) == 1
    assert wait_of(limiter, HOURLY, "R130045678", at(3600)) is None
    limiter.hit(HOURLY, "R130045678", now=at(3600))
    assert wait_of(limiter, HOURLY, "R130045678", at(3700)) == 500  # now the event of 600 s must leave


def test_reaching_the_limit_locks_for_the_lock_time_then_counts_afresh(limiter: RateLimiter) -> None:
    for i in range(4):
        assert limiter.hit(LOCKING, "R130045678", now=at(i * 10)) is False
        assert wait_of(limiter, LOCKING, "R130045678", at(i * 10)) is None
    assert limiter.hit(LOCKING, "R130045678", now=at(40)) is True  # the fifth
    assert wait_of(limiter, LOCKING, "R130045678", at(40)) == 900
    assert wait_of(limiter, LOCKING, "R130045678", at(900)) == 40
    assert wait_of(limiter, LOCKING, "R130045678", at(940)) is None
    # the five failures before the lock's end no longer count: one more does not lock again
    assert limiter.hit(LOCKING, "R130045678", now=at(941)) is False
    assert wait_of(limiter, LOCKING, "R130045678", at(942)) is None
    for i in range(3):
        assert limiter.hit(LOCKING, "R130045678", now=at(950 + i)) is False
    assert limiter.hit(LOCKING, "R130045678", now=at(960)) is True
    assert wait_of(limiter, LOCKING, "R130045678", at(960)) == 900


def test_failures_spread_beyond_the_window_do_not_lock(limiter: RateLimiter) -> None:
    for i in range(12):
        assert limiter.hit(LOCKING, "R130045678", now=at(i * 300)) is False  # 3 per window of 900 s at most
    assert wait_of(limiter, LOCKING, "R130045678", at(3600)) is None


def test_subjects_are_stored_as_keyed_hashes_only(limiter: RateLimiter, tmp_path: Path) -> None:
    for i in range(5):
        limiter.hit(LOCKING, "R130045678", now=at(i))
    limiter.hit(HOURLY, "203.0.113.7", now=at(0))
    with limiter.store.engine.connect() as conn:
        stored = [str(v) for table in ("portal_rate_events", "portal_locks") for row in conn.execute(text(f"SELECT * FROM {table}")) for v in row]
    assert stored and not any("R130045678" in v or "203.0.113" in v for v in stored)
    other_key = RateLimiter(limiter.store, b"z" * 32)
    assert wait_of(other_key, LOCKING, "R130045678", at(10)) is None  # the key is part of the subject


def test_two_processes_share_the_limits(tmp_path: Path) -> None:
    """Two portal processes have their own engines on one database: what one counts, the other sees."""
    url = migrated_sqlite(tmp_path / "shared.sqlite3")
    engines = [create_engine(url), create_engine(url)]
    try:
        first, second = (RateLimiter(PortalStore(e), KEY) for e in engines)
        for i in range(3):
            first.hit(LOCKING, "R130045678", now=at(i))
            second.hit(LOCKING, "R130045678", now=at(i))
        assert wait_of(first, LOCKING, "R130045678", at(10)) == 892  # the fifth failure (at 2 s, by the first) locked it
        assert wait_of(second, LOCKING, "R130045678", at(10)) == 892  # the fifth failure (at 2 s, by the first) locked it
    finally:
        for engine in engines:
            engine.dispose()
