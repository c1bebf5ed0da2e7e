"""Rate limits kept in the database, so that they hold across portal processes and restarts.

A :class:`Rule` counts events of one scope for one subject (a keyed hash of a Code Massar or of a
client address) in a sliding window. Without ``lock_seconds``, the subject is refused while the
window holds ``limit`` events, until enough of them have aged out. With ``lock_seconds``, the
event that reaches ``limit`` locks the subject for that long; events before a lock's end no longer
count, so a graduate who waited the lock out has the full allowance again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shahada.portal.errors import RateLimitedError
from shahada.portal.store import LockRow, PortalStore, RateEventRow


@dataclass(frozen=True, slots=True)
class Rule:
    scope: str  # "massar.code", "massar.failure", "ip.attempt"
    limit: int
    window: int  # seconds
    lock_seconds: int | None = None


class RateLimiter:
    """Checks and counts events against :class:`Rule`s.

    Args:
        store: the portal's tables.
        key: keys the subjects' hashes (no Code Massar nor address is stored in clear).
    """

    def __init__(self, store: PortalStore, key: bytes) -> None:
        self.store = store
        self._key = key

    def subject(self, rule: Rule, value: str) -> str:
        return hmac.new(self._key, f"{rule.scope}|{value}".encode(), hashlib.sha256).hexdigest()

    def check(self, rule: Rule, value: str, *, now: dt.datetime) -> None:
        """Refuse when ``value`` is locked or has used its allowance.

        Raises:
            RateLimitedError (rate.limited): with ``retry_after`` in seconds.
        """
        subject = self.subject(rule, value)
        with self.store.reading() as session:
            wait = self._wait(session, rule, subject, now)
        if wait > 0:
            raise RateLimitedError(f"too many attempts ({rule.scope}); retry in {wait} s", retry_after=wait)

    def hit(self, rule: Rule, value: str, *, now: dt.datetime) -> bool:
        """Count one event; return True when it locked ``value`` (rules with ``lock_seconds``)."""
        subject = self.subject(rule, value)
        with self.store.transaction() as session:
            # events no rule of this scope looks at any more, whoever they were about (few at a time)
            horizon = now - dt.timedelta(seconds=max(rule.window, rule.lock_seconds or 0))
            session.execute(delete(RateEventRow).where(RateEventRow.scope == rule.scope, RateEventRow.at < horizon))
            session.add(RateEventRow(scope=rule.scope, subject=subject, at=now))
            session.flush()
            if rule.lock_seconds is None:
                return False
            lock = session.get(LockRow, (rule.scope, subject))
            if lock is not None and lock.until > now:
                return False
            since = now - dt.timedelta(seconds=rule.window)
            if lock is not None and lock.until > since:
                since = lock.until
            count = session.scalar(
                select(func.count()).select_from(RateEventRow).where(RateEventRow.scope == rule.scope, RateEventRow.subject == subject, RateEventRow.at >= since)
            )
            if int(count or 0) < rule.limit:
                return False
            until = now + dt.timedelta(seconds=rule.lock_seconds)
            if lock is None:
                session.add(LockRow(scope=rule.scope, subject=subject, until=until))
            else:
                lock.until = until
            return True

    def _wait(self, session: Session, rule: Rule, subject: str, now: dt.datetime) -> int:
        """Seconds until ``subject`` may try again (0: now)."""
        if rule.lock_seconds is not None:
            lock = session.get(LockRow, (rule.scope, subject))
            return _seconds(lock.until - now) if lock is not None and lock.until > now else 0
        since = now - dt.timedelta(seconds=rule.window)
        times = session.scalars(
            select(RateEventRow.at).where(RateEventRow.scope == rule.scope, RateEventRow.subject == subject, RateEventRow.at > since).order_by(RateEventRow.at)
        ).all()
        if len(times) < rule.limit:
            return 0
        # the window falls below the limit once the (count - limit + 1) oldest events have left it
        return _seconds(times[len(times) - rule.limit] + dt.timedelta(seconds=rule.window) - now)


def _seconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))
