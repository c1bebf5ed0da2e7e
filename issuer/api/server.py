"""Run the VC API issuer with waitress, a production WSGI server (pure Python, threaded,
no reload or debug machinery): :class:`shahada.common.wsgi.WaitressServer` under the issuer's name.

``IssuerServer(app, host, port).serve()`` blocks (the CLI); ``start()``/``stop()`` run it in a
background thread (tests, embedding). Port 0 picks a free port; ``port`` tells which.
"""

from __future__ import annotations

from typing import Any

from shahada.common.wsgi import ServerLimits, WaitressServer
from shahada.issuer.api import MAX_BODY_BYTES

# waitress refuses bodies well past the application's own limit, unread; up to it, the application
# answers its own 413 as problem+json
LIMITS = ServerLimits(max_request_body_size=4 * MAX_BODY_BYTES)


class IssuerServer(WaitressServer):
    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, threads: int = 4) -> None:
        super().__init__(app, host=host, port=port, threads=threads, ident="shahada-issuer", limits=LIMITS)
