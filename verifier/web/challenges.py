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

:class:`ChallengeStore` is in memory, per process: waitress serves one process with threads.
:class:`SharedChallengeStore` keeps them in a shared store (``[verifier] redis_url``: Redis), so
that a challenge issued by one process of the service is redeemed once by any (issue 14). The
memory store is bounded, and so that no client
can evict another's challenges (issue 17: 10,001 anonymous ``POST /challenges`` used to push every
pending challenge out):

- each client (its address) has at most ``per_client`` challenges remembered; a new one beyond that
  evicts that client's own oldest, never anyone else's;
- each client may create at most ``per_client`` challenges in ``ttl`` seconds (a sliding window);
  beyond that :meth:`ChallengeStore.issue` raises :class:`ChallengeLimitError` (429);
- at most ``max_entries`` challenges in all: when full, expired ones go first, then the oldest of
  the client holding the most (so that a client who asks for many loses its own first). A forgotten
  challenge is refused as unknown, never accepted.

Redeeming: :meth:`ChallengeStore.redeem` uses the challenge up; :meth:`ChallengeStore.peek` says what
redeeming would answer without using it (for presentations that fail before their proof is
checked, which must not burn a challenge they could not have answered).
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from shahada.common.shared import SharedStore

__all__ = ["Challenge", "ChallengeLimitError", "ChallengeStore", "Redemption", "SharedChallengeStore"]

Redemption = Literal["ok", "challenge.unknown", "challenge.expired", "challenge.replayed"]
MAX_CHALLENGE_CHARS: Final = 256


class ChallengeLimitError(Exception):
    """A client asked for too many challenges (code ``challenge.rate_limited``)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Challenge:
    value: str
    expires_in: float  # seconds


class ChallengeStore:
    """Issues and redeems one-time challenges (see the module docstring).

    Args:
        ttl: seconds a challenge may be redeemed after it is issued.
        max_entries: challenges remembered at most.
        per_client: challenges one client may have pending, and create in ``ttl`` seconds.
        clock: a monotonic clock.
        token: makes a new challenge value (a random UUID4 string by default).
    """

    def __init__(
        self,
        *,
        ttl: float,
        max_entries: int,
        per_client: int = 100,
        clock: Callable[[], float] = time.monotonic,
        token: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._ttl = ttl
        self._max = max(1, max_entries)
        self._per_client = max(1, per_client)
        self._clock = clock
        self._token = token
        # value → (expires at, redeemed, client); insertion order is issue order
        self._entries: OrderedDict[str, tuple[float, bool, str]] = OrderedDict()
        # client → values it holds (issue order), and the times of its recent requests
        self._held: dict[str, OrderedDict[str, None]] = {}
        self._recent: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def issue(self, client: str = "") -> Challenge:
        """A new challenge for ``client``, remembered until it expires.

        Raises:
            ChallengeLimitError: ``client`` created ``per_client`` challenges in the last ``ttl``
                seconds.
        """
        now = self._clock()
        with self._lock:
            recent = [t for t in self._recent.get(client, []) if t > now - self._ttl]
            if len(recent) >= self._per_client:
                self._recent[client] = recent
                wait = max(1, math.ceil(recent[0] + self._ttl - now))
                raise ChallengeLimitError(f"too many challenges from this client; retry in {wait} s", retry_after=wait)
            held = self._held.setdefault(client, OrderedDict())
            while len(held) >= self._per_client:  # the client's own oldest, never another's
                self._forget(next(iter(held)))
            self._make_room(now)
            value = self._token()
            recent.append(now)
            self._recent[client] = recent
            self._entries[value] = (now + self._ttl, False, client)
            self._held.setdefault(client, OrderedDict())[value] = None
        return Challenge(value, self._ttl)

    def redeem(self, value: str) -> Redemption:
        """Accept ``value`` once (see the module docstring for the outcomes)."""
        return self._look(value, use=True)

    def peek(self, value: str) -> Redemption:
        """What :meth:`redeem` would answer now, without using the challenge up."""
        return self._look(value, use=False)

    def _look(self, value: str, *, use: bool) -> Redemption:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(value) if len(value) <= MAX_CHALLENGE_CHARS else None
            if entry is None:
                return "challenge.unknown"
            expires, redeemed, client = entry
            if redeemed:
                return "challenge.replayed"
            if now >= expires:
                if use:
                    self._forget(value)
                return "challenge.expired"
            if use:
                self._entries[value] = (expires, True, client)
            return "ok"

    def _forget(self, value: str) -> None:
        _, _, client = self._entries.pop(value)
        held = self._held.get(client)
        if held is not None:
            held.pop(value, None)
            if not held:
                del self._held[client]

    def _make_room(self, now: float) -> None:
        if len(self._entries) < self._max:
            return
        for value in [v for v, (expires, _, _) in self._entries.items() if expires <= now]:
            self._forget(value)
        for client in [c for c, times in self._recent.items() if not times or times[-1] <= now - self._ttl]:
            del self._recent[client]
        while len(self._entries) >= self._max:  # the oldest of the client holding the most
            biggest = max(self._held.values(), key=len)
            self._forget(next(iter(biggest)))


_REDEEMED: Final = "redeemed"


class SharedChallengeStore:
    """:class:`ChallengeStore`'s issue, redeem and peek on a :class:`~shahada.common.shared.SharedStore`
    (Redis), for a service of several processes. Each challenge is one key holding its expiry
    (wall-clock seconds: the processes may be on different machines), kept for twice ``ttl`` so
    that an expired one is told apart from an unknown one; redeeming swaps it atomically for a mark,
    so that of two processes redeeming it at once one gets ``ok``, the other ``challenge.replayed``.
    Each client may create ``per_client`` challenges per ``ttl`` seconds (a fixed window, shared).

    Raises (every method): SharedUnavailableError (``shared.unavailable``, 503): the store cannot
    be reached.
    """

    def __init__(
        self,
        store: SharedStore,
        *,
        ttl: float,
        per_client: int = 100,
        clock: Callable[[], float] = time.time,
        token: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._store = store
        self._ttl = ttl
        self._per_client = max(1, per_client)
        self._clock = clock
        self._token = token

    def issue(self, client: str = "") -> Challenge:
        """A new challenge for ``client``.

        Raises:
            ChallengeLimitError: ``client`` created ``per_client`` challenges in this window.
        """
        made, wait = self._store.hit(f"challenge-rate:{client}", self._ttl)
        if made > self._per_client:
            raise ChallengeLimitError(f"too many challenges from this client; retry in {wait} s", retry_after=wait)
        value = self._token()
        self._store.put(f"challenge:{value}", repr(self._clock() + self._ttl), max(1.0, 2 * self._ttl))
        return Challenge(value, self._ttl)

    def redeem(self, value: str) -> Redemption:
        if len(value) > MAX_CHALLENGE_CHARS:
            return "challenge.unknown"
        key = f"challenge:{value}"
        before = self._store.swap(key, _REDEEMED)
        if before is None:
            return "challenge.unknown"
        if before == _REDEEMED:
            return "challenge.replayed"
        if self._clock() >= float(before):
            self._store.delete(key)
            return "challenge.expired"
        return "ok"

    def peek(self, value: str) -> Redemption:
        found = self._store.get(f"challenge:{value}") if len(value) <= MAX_CHALLENGE_CHARS else None
        if found is None:
            return "challenge.unknown"
        if found == _REDEEMED:
            return "challenge.replayed"
        return "challenge.expired" if self._clock() >= float(found) else "ok"
