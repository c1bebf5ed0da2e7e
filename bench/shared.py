"""The verifier's shared state (common/shared.py): what keeping challenges and rate limits in Redis
costs next to this process's memory, measured in the same run.

1. the store alone: one challenge's life (``hit`` of the client's window, ``put``, ``swap`` when
   redeemed), ``--operations`` times, in memory and on Redis;
2. through Flask: ``POST /challenges`` of the verifier application (the test client, no sockets),
   ``--requests`` times, with ``[verifier] redis_url`` empty (memory) and set (Redis).

The baseline is memory; the ratio says how much of a request Redis adds. Redis is the one at
``--redis-url`` (default the machine's, database 15), under a key prefix of this run, deleted after.

    .venv/bin/python bench/shared.py [--operations 20000] [--requests 3000] [--redis-url redis://127.0.0.1:6379/15]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import redis

from shahada.common.shared import MemoryShared, RedisShared, SharedStore
from shahada.verifier.web import create_app


def store_rate(store: SharedStore, operations: int) -> float:
    started = time.perf_counter()
    for i in range(operations):
        store.hit(f"rate:client-{i % 500}", 300)
        store.put(f"challenge:{i}", "1e12", 600)
        store.swap(f"challenge:{i}", "redeemed")
    return operations / (time.perf_counter() - started)


def flask_rate(redis_url: str, prefix: str, requests: int) -> float:
    app = create_app({"trusted_issuers": frozenset({"did:web:ministry.example"}), "work_processes": 0, "challenges_per_client": 10**9,
                      "challenge_entries": 10**7, "redis_url": redis_url, "redis_prefix": prefix})
    client = app.test_client()
    environ: dict[str, Any] = {"REMOTE_ADDR": "198.51.100.1"}
    started = time.perf_counter()
    for _ in range(requests):
        answer = client.post("/challenges", environ_base=environ)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    return requests / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    prefix = f"bench-shared-{uuid.uuid4().hex[:8]}:"
    try:
        memory = store_rate(MemoryShared(), args.operations)
        shared = RedisShared(args.redis_url, prefix=prefix)
        remote = store_rate(shared, args.operations)
        shared.close()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"store alone, challenges/s   memory {memory:10.0f}   redis {remote:8.0f}   redis/memory {remote / memory:.3f}")
        flask_memory = flask_rate("", prefix, args.requests)
        flask_redis = flask_rate(args.redis_url, prefix, args.requests)
        print(f"POST /challenges, req/s      memory {flask_memory:10.0f}   redis {flask_redis:8.0f}   redis/memory {flask_redis / flask_memory:.3f}")
    finally:
        client = redis.Redis.from_url(args.redis_url)
        keys = list(client.scan_iter(match=f"{prefix}*", count=10_000))
        for start in range(0, len(keys), 10_000):
            client.delete(*keys[start : start + 10_000])
        client.close()


if __name__ == "__main__":
    main()
