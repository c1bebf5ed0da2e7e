"""Run a WSGI application with waitress, a production WSGI server (pure Python, threaded, no
reload or debug machinery), for every long-running service of the installation.

``WaitressServer(app, host=…, port=…).serve()`` blocks (the CLI); ``start()``/``stop()`` run it
in a background thread (tests, benchmarks, embedding). Port 0 picks a free port; ``port`` tells
which. ``sock``: serve on a socket already listening (one a parent process bound and shares with
its children, each serving it: :func:`listening_socket`).

:class:`ServerLimits` are enforced by waitress before the application sees a request: open
connections, idle connections closed after ``channel_timeout``, and a body refused with 413 as
soon as ``max_request_body_size`` bytes have arrived (chunked bodies included: counted as they
come, never buffered whole). What waitress cannot do — limits per client address, slow-client
(slowloris) protection, TLS — is the job of the proxy in front (README, "Deploying").

Under load waitress logs "Task queue depth is N" for every request that waits for a thread; the
``waitress.queue`` logger is throttled (:class:`QueueWarnings`) to one line per ``interval``
seconds that says how many were held back. :meth:`WaitressServer.serve` freezes the objects made at
start-up (``gc.freeze()``: imports, settings, contexts, templates), so the collections triggered by
each request's garbage no longer walk them.
"""

from __future__ import annotations

import gc
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Self

from waitress.server import create_server


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """Attributes:
    connection_limit: connections open at once; past it waitress accepts no more until one
        closes (idle ones are closed after ``channel_timeout``).
    channel_timeout: seconds a connection may stay without any activity.
    cleanup_interval: how often, in seconds, idle connections are looked for.
    max_request_body_size: bytes of a request body; past it 413, the rest unread.
    inbuf_overflow: body bytes kept in memory; beyond, waitress buffers to a temporary file.
    """

    connection_limit: int = 500
    channel_timeout: int = 15
    cleanup_interval: int = 5
    max_request_body_size: int = 1 << 20
    inbuf_overflow: int = 256 * 1024


STOP_POLL_SECONDS = 0.05  # how often a serving loop checks it was asked to stop


QUEUE_LOGGER: Final = "waitress.queue"


class QueueWarnings(logging.Filter):
    """Lets one "Task queue depth" warning through per ``interval`` seconds; the next one that
    passes says how many were held back meanwhile. Thread-safe (waitress warns from any thread)."""

    def __init__(self, interval: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval = interval
        self.clock = clock
        self._last: float | None = None
        self._held = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        with self._lock:
            if self._last is not None and now - self._last < self.interval:
                self._held += 1
                return False
            held, self._held, self._last = self._held, 0, now
        if held:
            record.msg = f"{record.msg} ({held} more such warnings in the last {self.interval:g} s)"
        return True


def throttle_queue_warnings(interval: float = 10.0) -> QueueWarnings:
    """The :class:`QueueWarnings` filter of the ``waitress.queue`` logger (added once)."""
    logger = logging.getLogger(QUEUE_LOGGER)
    for existing in logger.filters:
        if isinstance(existing, QueueWarnings):
            return existing
    added = QueueWarnings(interval)
    logger.addFilter(added)
    return added


class WaitressServer:
    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 4,
        ident: str = "shahada",
        limits: ServerLimits = ServerLimits(),
        sock: socket.socket | None = None,
    ) -> None:
        self.limits = limits
        where: dict[str, Any] = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
        self._server: Any = create_server(
            app,
            **where,
            threads=threads,
            ident=ident,
            connection_limit=limits.connection_limit,
            channel_timeout=limits.channel_timeout,
            cleanup_interval=limits.cleanup_interval,
            max_request_body_size=limits.max_request_body_size,
            inbuf_overflow=limits.inbuf_overflow,
            asyncore_use_poll=True,  # select() cannot watch descriptors past 1024
        )
        # waitress polls its sockets with a 1 s timeout (an int setting) and notices close() only
        # then: every stop took up to a second. Polling every 50 ms costs nothing measurable.
        self._server.adj.asyncore_loop_timeout = STOP_POLL_SECONDS
        self.host = host if sock is None else str(sock.getsockname()[0])
        self.port: int = int(self._server.effective_port) if sock is None else int(sock.getsockname()[1])
        self._thread: threading.Thread | None = None
        self._ident = ident
        throttle_queue_warnings()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve(self) -> None:
        """Serve until KeyboardInterrupt (the CLI turns SIGTERM into one); what exists by now is
        frozen out of the garbage collector's reach (``gc.freeze``)."""
        gc.collect()
        gc.freeze()
        self._server.run()

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._server.run, name=f"{self._ident}-http", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening, let the requests being served finish (``timeout`` seconds at most) and
        their answers go out, then close the connections left (idle keep-alive ones): the serving
        loop runs while any is open, so a client's pooled connection kept it, and this call,
        waiting for ``timeout``."""
        self._server.close()
        self._server.task_dispatcher.shutdown(timeout=timeout)
        channels: dict[int, Any] = self._server._map
        deadline = time.monotonic() + min(timeout, 1.0)
        while any(getattr(c, "total_outbufs_len", 0) for c in list(channels.values())) and time.monotonic() < deadline:
            time.sleep(0.01)  # answers still being written
        for channel in list(channels.values()):
            channel.handle_close()  # its buffers too (a large answer spills to a temporary file)
        if self._thread is not None:
            self._thread.join(timeout)


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A TCP socket listening on ``host:port`` (0: a free port), to share with child processes.

    Raises:
        OSError: the address cannot be listened on.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock
