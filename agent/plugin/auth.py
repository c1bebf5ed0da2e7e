"""The admin API key on the plugin's routes.

ACA-Py 1.x does not check ``X-API-Key`` globally: each admin route is wrapped by
``admin_authentication`` (or ``tenant_authentication``). A plugin route without it would be open
to anyone who reaches the admin port. ``protected`` is that decorator, typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from acapy_agent.admin.decorators.auth import admin_authentication
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def protected(handler: Handler) -> Handler:
    """``handler`` answering 401 unless the request carries the admin API key."""
    return cast(Handler, admin_authentication(handler))
