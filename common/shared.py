"""Short-lived state that every process of a service must see alike — one-time challenges, rate
limit windows — so that any process behind the load balancer can answer any request (issue 14).

Two stores with the same few operations, each atomic:

- :class:`MemoryShared` (the default): this process only, bounded; right for one process with
  threads, as ``shahada serve`` runs by default.
- :class:`RedisShared`: a Redis server (``redis_url``; keys under ``prefix``), for several
  processes or machines. Expiry is Redis's own. When Redis cannot be reached an operation raises
  :class:`SharedUnavailableError` (``shared.unavailable``, 503): a request is refused, never
  answered from a state other processes do not share.

:func:`open_shared` picks one from a URL (empty: memory).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from shahada.common.errors import ShahadaError


class SharedUnavailableError(ShahadaError):
    """The shared store (Redis) cannot be reached: the request cannot be answered now."""

    code = "shared.unavailable"
    http_status = 503


class SharedStore(Protocol):
    def hit(self, key: str, window: float) -> tuple[int, int]:
        """Count one event in ``key``'s fixed window of ``window`` seconds (started by its first
        event); returns (events in the window so far, whole seconds until it ends, at least 1)."""
        ...

    def put(self, key: str, value: str, ttl: float) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds."""
        ...

    def get(self, key: str) -> str | None: ...

    def swap(self, key: str, value: str) -> str | None:
        """Replace the value of an existing ``key`` (keeping its expiry) and return the old one;
        None, and nothing stored, when there is none."""
        ...

    def delete(self, key: str) -> None: ...


class MemoryShared:
    """:class:`SharedStore` in this process: at most ``max_keys`` keys, the oldest forgotten first."""

    def __init__(self, *, max_keys: int = 200_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._max = max(1, max_keys)
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()  # key → (expires at, value)
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> tuple[float, str] | None:
        item = self._items.get(key)
        if item is not None and item[0] <= now:
            del self._items[key]
            return None
        return item

    def _set(self, key: str, expires: float, value: str) -> None:
        self._items[key] = (expires, value)
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def hit(self, key: str, window: float) -> tuple[int, int]:
        now = self._clock()
        with self._lock:
            item = self._live(key, now)
            expires, count = (item[0], int(item[1])) if item is not None else (now + window, 0)
            self._set(key, expires, str(count + 1))
        return count + 1, max(1, math.ceil(expires - now))

    def put(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            self._set(key, self._clock() + ttl, value)

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._live(key, self._clock())
        return None if item is None else item[1]

    def swap(self, key: str, value: str) -> str | None:
        with self._lock:
            item = self._live(key, self._clock())
            if item is None:
                return None
            self._items[key] = (item[0], value)
        return item[1]

    def delete(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)


_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
"""


class RedisShared:
    """:class:`SharedStore` on a Redis server, keys under ``prefix``. ``timeout``: seconds to
    connect and to answer, after which :class:`SharedUnavailableError` is raised."""

    def __init__(self, url: str, *, prefix: str = "shahada:", timeout: float = 2.0) -> None:
        import redis  # only an installation that configures Redis loads it

        self._errors: tuple[type[BaseException], ...] = (redis.RedisError,)
        self._client: Any = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout, decode_responses=True)
        self._prefix = prefix
        self._hit = self._client.register_script(_HIT)

    def _call(self, operation: Callable[[], Any]) -> Any:
        try:
            return operation()
        except self._errors as err:
            raise SharedUnavailableError(f"the shared store (Redis) cannot be reached: {type(err).__name__}") from err

    def hit(self, key: str, window: float) -> tuple[int, int]:
        count, left_ms = self._call(lambda: self._hit(keys=[self._prefix + key], args=[max(1, int(window * 1000))]))
        return int(count), max(1, math.ceil(max(0, int(left_ms)) / 1000))

    def put(self, key: str, value: str, ttl: float) -> None:
        self._call(lambda: self._client.set(self._prefix + key, value, px=max(1, int(ttl * 1000))))

    def get(self, key: str) -> str | None:
        found: str | None = self._call(lambda: self._client.get(self._prefix + key))
        return found

    def swap(self, key: str, value: str) -> str | None:
        old: str | None = self._call(lambda: self._client.set(self._prefix + key, value, xx=True, get=True, keepttl=True))
        return old

    def delete(self, key: str) -> None:
        self._call(lambda: self._client.delete(self._prefix + key))

    def close(self) -> None:
        self._client.close()


def open_shared(url: str = "", *, prefix: str = "shahada:") -> MemoryShared | RedisShared:
    """The store ``url`` names: ``redis://…`` / ``rediss://…`` / ``unix://…``, or memory when empty."""
    return RedisShared(url, prefix=prefix) if url else MemoryShared()
