"""Verification traffic for the dashboard: the verifier's counts (``verification_counts``, written
by the public verifier: :mod:`shahada.verifier.traffic`) and the graduate portal's share-link
accesses (``portal_share_accesses``), per UTC day over the last days. Counts only."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import column, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from shahada.common.db import UTCDateTime
from shahada.verifier.traffic import VerificationCount

__all__ = ["OUTCOMES", "SHARE_OUTCOMES", "Traffic", "verification_traffic"]

OUTCOMES: Final = ("valid", "invalid", "revoked", "suspended", "incomplete", "unusable", "error")  # verdicts, look-ups' "unknown" as invalid
SHARE_OUTCOMES: Final = ("served", "refused")
_SHARE_ACCESSES = table("portal_share_accesses", column("at", UTCDateTime()), column("outcome"))
_LOOKUP: Final = {"unknown": "invalid"}


@dataclass
class Traffic:
    """Verifications per day and outcome, failures per code, verifications per kind, and
    share-link accesses per day (served or refused), since ``since``."""

    since: dt.date
    by_day: dict[str, dict[dt.date, int]] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    shares: dict[str, dict[dt.date, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def days(self) -> list[dt.date]:
        return sorted({d for series in self.by_day.values() for d in series})

    def share_days(self) -> list[dt.date]:
        return sorted({d for series in self.shares.values() for d in series})


def verification_traffic(engine: Engine, *, today: dt.date, days: int = 31) -> Traffic:
    """The last ``days`` days of traffic, ``today`` included."""
    since = today - dt.timedelta(days=days - 1)
    found = Traffic(since, by_day={o: {} for o in OUTCOMES}, shares={o: {} for o in SHARE_OUTCOMES})
    with Session(engine) as session:
        rows = session.execute(
            select(VerificationCount.day, VerificationCount.kind, VerificationCount.verdict, VerificationCount.code, VerificationCount.count).where(
                VerificationCount.day >= since
            )
        )
        for day, kind, verdict, code, count in rows:
            outcome = _LOOKUP.get(verdict, verdict) if verdict in OUTCOMES or verdict in _LOOKUP else "invalid"
            series = found.by_day[outcome]
            series[day] = series.get(day, 0) + count
            found.kinds[kind] += count
            if code:
                found.failures[code] += count
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        accesses = select(_SHARE_ACCESSES.c.at, _SHARE_ACCESSES.c.outcome).where(_SHARE_ACCESSES.c.at >= start)
        for moment, outcome in session.execute(accesses):
            series = found.shares["served" if outcome == "served" else "refused"]
            series[moment.date()] = series.get(moment.date(), 0) + 1
    return found

