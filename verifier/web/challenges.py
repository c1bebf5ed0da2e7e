"""One-time challenges for presentations (W3C CCG VC API "Create Challenge"; VC Data Integrity
1.0 §2.1 ``challenge`` and its "Security Considerations": a verifier that asks for a fresh
challenge and accepts it once defeats replay).

The store remembers every challenge it issued until it expires, and every challenge redeemed
until the expiry it had, so that a presentation answered to a challenge is accepted once. Outcomes
of :meth:`ChallengeStore.redeem`, with their codes in verification results:

- ``ok``: issued here, not expired, never redeemed (it is redeemed now, whatever the result);
- ``challenge.unknown``: never issued here (or forgotten: past its expiry, or evicted when full):
  the caller's own challenge, which the proof must carry, and replay is the caller's concern;
- ``challenge.expired``: issued here, but its time to live is over;
- ``challenge.replayed``: already redeemed once.

Values are UUID version 4 strings (RFC 9562 §5.4, 122 random bits from the OS): a university puts
the challenge from ``POST /challenges`` in a DIDComm present-proof request to a wallet, and ACA-Py
refuses a DIF presentation request whose challenge is not a UUID4.

In memory and per process: waitress serves one process with threads. Bounded: at most
``max_entries`` challenges are remembered; when full, expired ones go first, then the oldest (a
forgotten challenge is then refused as unknown, never accepted).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["Challenge", "ChallengeStore", "Redemption"]

Redemption = Literal["ok", "challenge.unknown", "challenge.expired", "challenge.replayed"]
MAX_CHALLENGE_CHARS: Final = 256


@dataclass(frozen=True, slots=True)
class Challenge:
    value: str
    expires_in: float  # seconds


class ChallengeStore:
    """Issues and redeems one-time challenges (see the module docstring).

    Args:
        ttl: seconds a challenge may be redeemed after it is issued.
        max_entries: challenges remembered at most.
        clock: a monotonic clock.
        token: makes a new challenge value (a random UUID4 string by default).
    """

    def __init__(
        self,
        *,
        ttl: float,
        max_entries: int,
        clock: Callable[[], float] = time.monotonic,
        token: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._ttl = ttl
        self._max = max(1, max_entries)
        self._clock = clock
        self._token = token
        # value → (expires at, redeemed); insertion order is issue order
        self._entries: OrderedDict[str, tuple[float, bool]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def issue(self) -> Challenge:
        """A new challenge, remembered until it expires."""
        now = self._clock()
        value = self._token()
        with self._lock:
            self._make_room(now)
            self._entries[value] = (now + self._ttl, False)
        return Challenge(value, self._ttl)

    def redeem(self, value: str) -> Redemption:
        """Accept ``value`` once (see the module docstring for the outcomes)."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(value) if len(value) <= MAX_CHALLENGE_CHARS else None
            if entry is None:
                return "challenge.unknown"
            expires, redeemed = entry
            if redeemed:
                return "challenge.replayed"
            if now >= expires:
                del self._entries[value]
                return "challenge.expired"
            self._entries[value] = (expires, True)
            return "ok"

    def _make_room(self, now: float) -> None:
        if len(self._entries) < self._max:
            return
        for value in [v for v, (expires, _) in self._entries.items() if expires <= now]:
            del self._entries[value]
        while len(self._entries) >= self._max:
            self._entries.popitem(last=False)
