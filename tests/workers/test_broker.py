"""Work handed to a broker that cannot be reached is a domain error (``worker.broker_unavailable``),
not kombu's traceback: ``revoke --distributed`` and the coordinators then say what to do. A broker
that is back within ``SHAHADA_BROKER_PATIENCE`` (a restart, a failover) is waited for."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
import redis

from shahada.workers.app import make_app, publish_retry_policy
from shahada.workers.errors import BrokerUnavailableError
from shahada.workers.publication import enqueue_publication
from tests.common.test_shared import RedisServer


def test_a_broker_that_cannot_be_reached_is_a_domain_error() -> None:
    app = make_app({"SHAHADA_BROKER_URL": "redis://127.0.0.1:1/0", "SHAHADA_BROKER_PATIENCE": "1"})  # nothing listens on port 1
    started = time.monotonic()
    with pytest.raises(BrokerUnavailableError) as caught:
        enqueue_publication(app, [("revocation", 0)])
    assert caught.value.code == "worker.broker_unavailable"
    assert "run the command again" in str(caught.value)
    assert time.monotonic() - started < 10  # gave up after its patience, not kombu's forever


def test_the_publish_retries_fit_in_the_patience() -> None:
    for patience in (0, 1, 2, 15, 60):
        policy = publish_retry_policy(patience)
        waits = [min(policy["interval_start"] + policy["interval_step"] * n, policy["interval_max"]) for n in range(int(policy["max_retries"]))]
        assert sum(waits) <= patience < sum(waits) + policy["interval_max"]
    assert publish_retry_policy(0)["max_retries"] == 0


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_a_broker_restarted_while_a_command_hands_it_work_is_waited_for(tmp_path: Path) -> None:
    broker = RedisServer(tmp_path)
    app = make_app({"SHAHADA_BROKER_URL": broker.url, "SHAHADA_BROKER_PATIENCE": "15"})
    try:
        enqueue_publication(app, [("revocation", 0)])  # connected: the pool holds a live connection
        broker.kill()
        restart = threading.Timer(2.5, broker.start)  # down longer than kombu's default retries (~0.6 s)
        restart.start()
        enqueue_publication(app, [("revocation", 1)])
        restart.join()
        queued = redis.Redis.from_url(broker.url).llen("publish")
        assert queued >= 1  # the second message reached the restarted broker (the first died with it)
    finally:
        broker.stop()
