"""Sign-in (account, password, TOTP code; or through the OpenID Connect provider) and sign-out."""

from __future__ import annotations

from flask import Blueprint, abort, request, session
from werkzeug.wrappers import Response

from shahada.console import oidc
from shahada.console.web import back, client_address, console, page

bp = Blueprint("auth", __name__)


@bp.get("/signin")
def signin() -> Response:
    return page("signin.html")


@bp.post("/signin")
def signin_post() -> Response:
    form = request.form
    _, token = console().accounts.sign_in(
        form.get("account", "")[:64], form.get("password", "")[:1024], form.get("code", "")[:16], address=client_address(), now=console().now()
    )
    return _signed_in(token)


def _signed_in(token: str) -> Response:
    lang = session.get("lang")
    session.clear()  # a new session (and form token) for the signed-in account
    if isinstance(lang, str):
        session["lang"] = lang
    session["login"] = token
    session.permanent = True
    return back("dashboard.index")


@bp.get("/signin/oidc")
def oidc_start() -> Response:
    if not console().settings.oidc:
        abort(404)
    return oidc.authorize()


@bp.get("/signin/oidc/callback")
def oidc_callback() -> Response:
    c = console()
    if not c.settings.oidc:
        abort(404)
    name = oidc.account_of(oidc.callback(), c.settings)
    _, token = c.accounts.sign_in_external(name, via="oidc", address=client_address(), now=c.now())
    return _signed_in(token)


@bp.post("/signout")
def signout() -> Response:
    token = session.get("login")
    if isinstance(token, str):
        console().accounts.sign_out(token, now=console().now())
    lang = session.get("lang")
    session.clear()
    if isinstance(lang, str):
        session["lang"] = lang
    return back("auth.signin")
