"""What every view of the console shares: its services, the reader's language, the signed-in
account, the anti-forgery token of forms, page rendering and the one error handler.

The session is Flask's signed cookie (HttpOnly, SameSite=Strict, Secure); it holds the language,
the form token and a random sign-in token whose keyed hash names a row of ``console_logins``, so
that signing out, idleness or the lifetime end the sign-in on the server too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from flask import current_app, g, make_response, redirect, render_template, request, session, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from shahada.common.pages import check_csrf as check_pages_csrf
from shahada.common.pages import csrf_token
from shahada.common.problems import problem, status_and_code
from shahada.console.accounts import Accounts
from shahada.console.errors import FormError, RateLimitedError, SignInError
from shahada.console.i18n import LANGUAGE_NAMES, direction, has, negotiate, reference_label, text
from shahada.console.jobs import Jobs
from shahada.console.roles import PERMISSIONS, Action, Actor
from shahada.console.settings import LANGUAGES, ConsoleSettings, Language
from shahada.console.workflow import Workflow

CONSOLE_KEY: Final = "SHAHADA_CONSOLE"


@dataclass(frozen=True, slots=True)
class Console:
    """Everything the views use, built once by ``create_app``."""

    settings: ConsoleSettings
    accounts: Accounts
    workflow: Workflow
    jobs: Jobs
    clock: Callable[[], dt.datetime]

    def now(self) -> dt.datetime:
        return self.clock()


def console() -> Console:
    found: Console = current_app.config[CONSOLE_KEY]
    return found


def reader_language() -> Language:
    if "lang" not in g:
        remembered = session.get("lang")
        g.lang = negotiate(
            param=request.args.get("lang"), remembered=remembered if isinstance(remembered, str) else None,
            accepted=list(request.accept_languages.values()), default=console().settings.default_language,
        )
    lang: Language = g.lang
    return lang


def remember_language() -> None:
    chosen = request.args.get("lang", "").strip().lower()
    if chosen in LANGUAGES:
        session["lang"] = chosen


def _lang_url(code: str) -> str:
    if request.method == "GET" and request.endpoint:
        kept = {k: v for k, v in request.args.items() if k != "lang" and not k.startswith("_")}
        try:
            return url_for(request.endpoint, **{**(request.view_args or {}), **kept, "lang": code})
        except BuildError:
            pass
    return url_for("dashboard.index", lang=code)


def _when(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.astimezone(dt.UTC).strftime("%d/%m/%Y %H:%M UTC")


def template_helpers() -> dict[str, Any]:
    lang = reader_language()
    who = actor()
    return {
        "lang": lang,
        "dir": direction(lang),
        "t": lambda key, **values: text(key, lang, **values),
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "lang_url": _lang_url,
        "csrf_token": csrf_token,
        "me": who,
        "can": lambda action: who is not None and action in PERMISSIONS[who.role],
        "idle_minutes": console().settings.idle_timeout // 60,
        "oidc": console().settings.oidc,
        "when": _when,
        "label": lambda kind, code: reference_label(kind, code, lang),  # a reference code in words
    }


# --- forms and the signed-in account -------------------------------------------------------------


def check_csrf() -> None:
    """Raises: FormError (form.csrf): the POST lacks this session's form token."""
    check_pages_csrf(lambda: FormError("the form's anti-forgery token is missing or does not belong to this session", code="form.csrf"))


def actor() -> Actor | None:
    if "actor" not in g:
        token = session.get("login")
        g.actor = console().accounts.signed_in(token, now=console().now()) if isinstance(token, str) else None
    found: Actor | None = g.actor
    return found


def require_actor(action: Action = "view") -> Actor:
    """The signed-in account, allowed ``action`` by its role.

    Raises:
        SignInError (signin.required): nobody signed in (pages send the reader to sign in).
        ForbiddenError (role.forbidden).
    """
    from shahada.console.roles import require

    who = actor()
    if who is None:
        raise SignInError("sign in first", code="signin.required")
    if action not in PERMISSIONS[who.role]:
        require(who, action)
    return who


def client_address() -> str:
    return request.remote_addr or ""


# --- responses -----------------------------------------------------------------------------------


def page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


def back(endpoint: str, **values: Any) -> Response:
    """After a POST: see the result page (303)."""
    return redirect(url_for(endpoint, **values), code=303)


def error_message(code: str, lang: Language, err: BaseException | None = None) -> str:
    if code == "rate.limited" and isinstance(err, RateLimitedError):
        return text("error.rate.limited", lang, minutes=max(1, -(-err.retry_after // 60)))
    if has(f"error.{code}"):
        return text(f"error.{code}", lang)
    return text("error.title", lang)


def render_error(err: Exception, *, logger: logging.Logger) -> Response:
    """The one error handler: a page in the reader's language, problem+json for JSON clients."""
    status, code, detail = status_and_code(err)
    if code == "server.error":
        logger.exception("unexpected error", exc_info=err)
    headers = {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimitedError) else {}
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return problem(status, code, detail, headers=headers)
    if code == "signin.required":
        return redirect(url_for("auth.signin"), code=303)
    try:
        lang = reader_language()
    except Exception:
        g.lang = lang = "fr"
    if code in ("signin.failed", "rate.limited") and request.endpoint == "auth.signin":
        response = page("signin.html", status, error=error_message(code, lang, err), account=request.form.get("account", "")[:64])
    else:
        response = page("error.html", status, code=code, message=error_message(code, lang, err), detail=detail if status < 500 else "")
    response.headers.update(headers)
    return response
