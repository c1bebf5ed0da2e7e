"""waitress under load: its "Task queue depth" warning, one line per interval instead of one per
waiting request (it flooded the logs of a loaded verifier), and start-up objects frozen out of
the garbage collector's reach when a server serves."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest

from shahada.common.wsgi import QUEUE_LOGGER, QueueWarnings, WaitressServer


def _app(environ: object, start_response: object) -> list[bytes]:
    return []


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def lines() -> Iterator[list[str]]:
    handler = Lines()
    logger = logging.getLogger(QUEUE_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


def test_a_server_logs_one_queue_warning_per_interval(lines: list[str]) -> None:
    """Fails without the throttle: 200 lines for 200 waiting requests."""
    server = WaitressServer(_app)
    try:
        for depth in range(200):
            logging.getLogger(QUEUE_LOGGER).warning("Task queue depth is %d", depth + 1)
    finally:
        server.stop()
    assert lines == ["Task queue depth is 1"]


def test_the_next_line_says_how_many_were_held_back() -> None:
    now = [100.0]
    throttle = QueueWarnings(interval=10, clock=lambda: now[0])
    logger = logging.getLogger("shahada.test.queue")
    logger.propagate = False
    handler = Lines()
    logger.addHandler(handler)
    logger.addFilter(throttle)
    for _ in range(5):
        logger.warning("Task queue depth is %d", 3)
    now[0] += 10
    logger.warning("Task queue depth is %d", 7)
    logger.warning("Task queue depth is %d", 8)
    assert handler.lines == ["Task queue depth is 3", "Task queue depth is 7 (4 more such warnings in the last 10 s)"]


def test_serving_freezes_what_start_up_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails without gc.freeze(): nothing is frozen when the server starts serving."""
    server = WaitressServer(_app)
    frozen: list[int] = []
    monkeypatch.setattr(server._server, "run", lambda: frozen.append(gc.get_freeze_count()))
    try:
        gc.unfreeze()
        server.serve()
    finally:
        gc.unfreeze()
        server.stop()
    assert frozen and frozen[0] > 0
