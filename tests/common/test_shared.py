"""The shared store (common/shared.py) and the verifier's state in it: in memory, and on a real
Redis server of the test's own (its own port and directory), where two verifier applications —
two processes behind one load balancer — share challenges and rate limits, and a stopped Redis
makes the service answer 503 ``shared.unavailable`` rather than from a state it does not share."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from shahada.common.ports import free_port
from shahada.common.shared import MemoryShared, RedisShared, SharedStore, SharedUnavailableError
from shahada.verifier.web import create_app
from shahada.verifier.web.challenges import SharedChallengeStore
from shahada.verifier.web.lookup import LookupLimiter, LookupRateLimitedError

ISSUER = "did:web:ministry.example"


class RedisServer:
    """A redis-server of the test's own (never the machine's) on its own port and directory, which
    can be stopped, killed and started again (with ``appendonly``, on the data it had)."""

    def __init__(self, directory: Path, *, appendonly: bool = False) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.appendonly = appendonly
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory), "--save", "",
             "--appendonly", "yes" if self.appendonly else "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except (redis.ConnectionError, redis.BusyLoadingError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(30)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    yield server
    server.stop()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def stores(redis_server: RedisServer) -> list[SharedStore]:
    return [MemoryShared(), RedisShared(redis_server.url, prefix=f"t-{uuid.uuid4().hex[:6]}:")]


def test_both_stores_count_windows_swap_once_and_expire(redis_server: RedisServer) -> None:
    for store in stores(redis_server):
        assert [store.hit("w", 60)[0] for _ in range(3)] == [1, 2, 3]
        assert 1 <= store.hit("w", 60)[1] <= 60
        assert store.swap("c", "x") is None and store.get("c") is None  # nothing stored by a swap of nothing
        store.put("c", "issued", 60)
        assert store.swap("c", "used") == "issued"
        assert store.swap("c", "used") == "used"
        store.delete("c")
        assert store.get("c") is None
    clock = Clock()
    memory = MemoryShared(clock=clock)
    memory.put("k", "v", 5)
    memory.hit("w", 5)
    clock.now += 5
    assert memory.get("k") is None and memory.hit("w", 5) == (1, 5)  # a new window


def test_a_shared_challenge_is_redeemed_once_whoever_redeems_it(redis_server: RedisServer) -> None:
    clock = Clock()
    one, two = (SharedChallengeStore(RedisShared(redis_server.url, prefix="same:"), ttl=60, per_client=2, clock=clock) for _ in range(2))
    value = one.issue("192.0.2.1").value
    assert two.peek(value) == "ok" and two.redeem(value) == "ok"
    assert one.redeem(value) == "challenge.replayed" and one.peek(value) == "challenge.replayed"
    assert two.redeem("never-issued") == "challenge.unknown"
    late = two.issue("192.0.2.1").value
    clock.now += 61
    assert one.redeem(late) == "challenge.expired"


def app(redis_url: str, prefix: str, **settings: Any) -> Flask:
    values: dict[str, Any] = {"trusted_issuers": frozenset({ISSUER}), "work_processes": 0, "redis_url": redis_url, "redis_prefix": prefix}
    values.update(settings)
    return create_app(values)


def test_two_verifier_processes_share_challenges_and_limits(redis_server: RedisServer) -> None:
    prefix = f"verifier-{uuid.uuid4().hex[:6]}:"
    first, second = app(redis_server.url, prefix, challenges_per_client=2), app(redis_server.url, prefix, challenges_per_client=2)
    client = {"REMOTE_ADDR": "198.51.100.9"}
    value = first.test_client().post("/challenges", environ_base=client).get_json()["challenge"]
    assert second.config["SHAHADA_VERIFIER_SERVICE"].challenges.redeem(value) == "ok"  # issued by one, redeemed by the other
    assert first.config["SHAHADA_VERIFIER_SERVICE"].challenges.redeem(value) == "challenge.replayed"
    assert second.test_client().post("/challenges", environ_base=client).status_code == 200
    refused = first.test_client().post("/challenges", environ_base=client)  # the third in the window, counted across both
    assert refused.status_code == 429 and refused.get_json()["code"] == "challenge.rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 300


def test_the_lookup_window_is_shared(redis_server: RedisServer) -> None:
    shared = [LookupLimiter(2, 600, store=RedisShared(redis_server.url, prefix="lookup-test:")) for _ in range(2)]
    shared[0].take("203.0.113.5")
    shared[1].take("203.0.113.5")
    with pytest.raises(LookupRateLimitedError) as refused:
        shared[0].take("203.0.113.5")
    assert 1 <= refused.value.retry_after <= 600


def test_a_stopped_redis_is_a_503_not_a_guess(redis_server: RedisServer) -> None:
    verifier = app(redis_server.url, "down:")
    assert verifier.test_client().post("/challenges").status_code == 200
    redis_server.stop()
    answer = verifier.test_client().post("/challenges")
    assert answer.status_code == 503 and answer.get_json()["code"] == "shared.unavailable"
    with pytest.raises(SharedUnavailableError):
        LookupLimiter(2, 600, store=RedisShared(redis_server.url)).take("203.0.113.5")


def test_a_memory_challenge_429_says_when_to_come_back() -> None:
    verifier = create_app({"trusted_issuers": frozenset({ISSUER}), "work_processes": 0, "challenges_per_client": 1})
    client = verifier.test_client()
    assert client.post("/challenges").status_code == 200
    refused = client.post("/challenges")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 300
