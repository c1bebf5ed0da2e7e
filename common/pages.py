"""What the Flask services that serve pages with forms share (the graduate portal, the staff
console): the security headers of a page that loads nothing from elsewhere, the session's
anti-forgery token of forms, and the parsing of on/off settings.

The form token lives in Flask's signed session cookie; every POST must carry it in the ``csrf``
field (:func:`check_csrf`, from a ``before_request`` hook), and a service raises its own error
type when it is missing or wrong.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Final

from flask import Response, request, session

__all__ = ["CSRF_FIELD", "PAGE_SECURITY_HEADERS", "check_csrf", "csrf_token", "on_off", "secure_page"]

CSRF_FIELD: Final = "csrf"

# No resource from elsewhere, no framing, no referrer (pages and links carry capabilities).
PAGE_SECURITY_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def secure_page(response: Response) -> Response:
    """An ``after_request`` hook: the security headers, unless the view set its own."""
    for name, value in PAGE_SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def csrf_token() -> str:
    """This session's form token (made on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def check_csrf(refuse: Callable[[], Exception]) -> None:
    """Raise ``refuse()`` unless the POST carries this session's form token."""
    expected = session.get(CSRF_FIELD)
    given = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise refuse()


def on_off(value: object) -> bool:
    """A boolean setting from TOML or the environment (true/false, 1/0, yes/no, on/off).

    Raises:
        ValueError: anything else.
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, not {value!r}")
