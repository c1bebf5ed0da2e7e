"""Run a WSGI application with waitress, a production WSGI server (pure Python, threaded, no
reload or debug machinery), for every long-running service of the installation.

``WaitressServer(app, host=…, port=…).serve()`` blocks (the CLI); ``start()``/``stop()`` run it
in a background thread (tests, benchmarks, embedding). Port 0 picks a free port; ``port`` tells
which.
"""

from __future__ import annotations

import threading
from typing import Any, Self

from waitress.server import create_server


class WaitressServer:
    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 4,
        ident: str = "shahada",
        connection_limit: int = 100,
    ) -> None:
        self._server: Any = create_server(
            app, host=host, port=port, threads=threads, ident=ident, connection_limit=connection_limit
        )
        self.host = host
        self.port: int = int(self._server.effective_port)
        self._thread: threading.Thread | None = None
        self._ident = ident

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve(self) -> None:
        """Serve until KeyboardInterrupt (the CLI turns SIGTERM into one)."""
        self._server.run()

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._server.run, name=f"{self._ident}-http", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._server.close()
        self._server.task_dispatcher.shutdown()
        if self._thread is not None:
            self._thread.join(timeout)
