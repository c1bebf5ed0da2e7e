"""What every view of the portal shares: its services, the reader's language, the signed-in
graduate, the anti-forgery token of forms, page rendering, and the one error handler.

Sessions are Flask's signed cookie (HttpOnly, SameSite=Lax, Secure over https, the configured
lifetime). It holds the language, the form token, a sign-in in progress (challenge id and Code
Massar) and, once signed in, a random token whose SHA-256 names a row of ``portal_logins``, so that
signing out, or the lifetime running out, ends the sign-in on the server too.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from flask import current_app, g, make_response, redirect, render_template, request, session, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from shahada.common.pages import CSRF_FIELD, csrf_token
from shahada.common.pages import check_csrf as check_pages_csrf
from shahada.common.problems import problem, status_and_code
from shahada.issuer.archive.store import Archive
from shahada.portal.documents import DocumentPrinter, StatusSource
from shahada.portal.errors import FormError, PortalError, RateLimitedError, SignInError
from shahada.portal.i18n import LANGUAGE_NAMES, LANGUAGES, Language, direction, has, negotiate, text
from shahada.portal.settings import PortalSettings
from shahada.portal.shares import Shares
from shahada.portal.signin import SignIn
from shahada.portal.store import PortalStore
from shahada.portal.wallet import Offers, WalletClaimService, WalletDeliveryService
from shahada.verifier.web.display import format_date

PORTAL_KEY: Final = "SHAHADA_PORTAL"
FIELD_CHARS: Final = 64  # what is read of a short form field, and echoed back, at most


@dataclass(frozen=True, slots=True)
class Portal:
    """Everything the views use, built once by ``create_app``."""

    settings: PortalSettings
    archive: Archive
    store: PortalStore
    signin: SignIn
    shares: Shares
    offers: Offers
    printer: DocumentPrinter | None
    delivery: WalletDeliveryService | None
    status: StatusSource | None
    clock: Callable[[], dt.datetime]
    claims: WalletClaimService | None = None

    def now(self) -> dt.datetime:
        return self.clock()


def portal() -> Portal:
    found: Portal = current_app.config[PORTAL_KEY]
    return found


# --- language ------------------------------------------------------------------------------------


def reader_language() -> Language:
    if "lang" not in g:
        remembered = session.get("lang")
        g.lang = negotiate(
            param=request.args.get("lang"),
            cookie=remembered if isinstance(remembered, str) else None,
            accepted=list(request.accept_languages),
            default=portal().settings.default_language,
        )
    lang: Language = g.lang
    return lang


def remember_language() -> None:
    """``?lang=`` on any page switches the language and keeps it in the session."""
    chosen = request.args.get("lang", "").strip().lower()
    if chosen in LANGUAGES:
        session["lang"] = chosen


def _lang_url(code: str) -> str:
    """This page in another language (after a POST or an error: the start page)."""
    if request.method == "GET" and request.endpoint:
        kept = {k: v for k, v in request.args.items() if k != "lang" and not k.startswith("_")}  # no url_for options from the query
        try:
            return url_for(request.endpoint, **{**(request.view_args or {}), **kept, "lang": code})
        except BuildError:
            pass
    return url_for("signin.home", lang=code)


def template_helpers() -> dict[str, Any]:
    lang = reader_language()
    return {
        "lang": lang,
        "dir": direction(lang),
        "t": lambda key, **values: text(key, lang, **values),
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "lang_url": _lang_url,
        "csrf_token": csrf_token,
        "signed_in": graduate() is not None,
        "session_minutes": portal().settings.session_lifetime // 60,
        "when": _when,
    }


def _when(moment: dt.datetime) -> str:
    """A time as the pages show it, in UTC, the month by its name (never 03/04: which is the
    month?): "12 juillet 2025, 09:00", "12 July 2025, 09:00", "12 يوليوز 2025، 09:00"."""
    utc = moment.astimezone(dt.UTC)
    lang = reader_language()
    return f"{format_date(utc.date(), lang)}{'،' if lang == 'ar' else ','} {utc.strftime('%H:%M')}"


# --- forms -------------------------------------------------------------------------------------


def check_csrf() -> None:
    """Every POST carries the session's form token.

    Raises:
        FormError (form.csrf, 400): missing or not this session's.
    """
    check_pages_csrf(lambda: FormError("the form's anti-forgery token is missing or does not belong to this session", code="form.csrf", field=CSRF_FIELD))


@contextmanager
def lasting_at_least(seconds: float) -> Iterator[None]:
    """Make the enclosed work take at least ``seconds``, whatever it did (or raised)."""
    started = time.monotonic()
    try:
        yield
    finally:
        left = seconds - (time.monotonic() - started)
        if left > 0:
            time.sleep(left)


def client_address() -> str:
    """The client's address as the limits count it: an IPv6 client by its /64 (one subscriber)."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ip.ipv4_mapped) if ip.ipv4_mapped else str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def public_base() -> str:
    """The portal's public URL (share links, wallet short links): configured, else this request's."""
    return portal().settings.public_url or request.url_root.rstrip("/")


# --- the graduate ------------------------------------------------------------------------------


def graduate() -> str | None:
    """The signed-in graduate's Code Massar, or None."""
    if "graduate" not in g:
        token = session.get("login")
        g.graduate = portal().signin.graduate(token, now=portal().now()) if isinstance(token, str) else None
    found: str | None = g.graduate
    return found


def require_graduate() -> str:
    """Raises:
    SignInError (signin.required, 401): nobody is signed in (pages send the reader to sign in).
    """
    massar = graduate()
    if massar is None:
        raise SignInError("sign in first", code="signin.required", http_status=401)
    return massar


# --- responses ---------------------------------------------------------------------------------


def page(template: str, status: int = 200, *, headers: dict[str, str] | None = None, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def form_error(template: str, err: PortalError, status: int | None = None, **context: Any) -> Response:
    """The form again, with the refusal's message next to its field."""
    return page(
        template,
        status or err.http_status,
        headers=retry_headers(err),
        error=err.code,
        error_field=getattr(err, "field", ""),
        message=error_message(err.code, reader_language(), err),
        **context,
    )


def error_message(code: str, lang: Language, err: BaseException | None = None) -> str:
    """The localized sentence for an error code."""
    if code == "rate.limited" and isinstance(err, RateLimitedError):
        return text("error.rate.limited", lang, minutes=max(1, -(-err.retry_after // 60)))
    if code == "form.duration":
        return text("error.form.duration", lang, longest=portal().settings.share_max_days)
    if has(f"error.{code}"):
        return text(f"error.{code}", lang)
    if code.startswith(("agent.", "print.", "archive.")):
        return text("error.unavailable", lang)
    return text("error.title", lang)


def retry_headers(err: BaseException) -> dict[str, str]:
    return {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimitedError) else {}


def wants_json() -> bool:
    """A JSON endpoint, or a client that prefers JSON to HTML."""
    if g.get("json_endpoint"):
        return True
    accept = request.accept_mimetypes
    return max(accept["application/json"], accept["application/problem+json"]) > accept["text/html"]


def render_error(err: Exception, *, logger: logging.Logger) -> Response:
    """The one error handler: problem+json for JSON endpoints and clients, a page in the reader's
    language otherwise (a page that needs a sign-in sends the reader to sign in)."""
    status, code, detail = status_and_code(err)
    if code == "server.error":
        logger.exception("unexpected error", exc_info=err)
    if wants_json():
        return problem(status, code, detail, headers=retry_headers(err))
    if code == "signin.required":
        return redirect(url_for("signin.home"), code=303)
    try:
        lang = reader_language()
    except Exception:
        g.lang = lang = "fr"
    return page("error.html", status, headers=retry_headers(err), code=code, message=error_message(code, lang, err))
