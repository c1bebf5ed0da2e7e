"""Sign-in (account, password, TOTP code) and sign-out."""

from __future__ import annotations

from flask import Blueprint, request, session
from werkzeug.wrappers import Response

from shahada.console.web import back, client_address, console, page

bp = Blueprint("auth", __name__)


@bp.get("/signin")
def signin() -> Response:
    return page("signin.html")


@bp.post("/signin")
def signin_post() -> Response:
    form = request.form
    who, token = console().accounts.sign_in(
        form.get("account", "")[:64], form.get("password", "")[:1024], form.get("code", "")[:16], address=client_address(), now=console().now()
    )
    lang = session.get("lang")
    session.clear()  # a new session (and form token) for the signed-in account
    if isinstance(lang, str):
        session["lang"] = lang
    session["login"] = token
    session.permanent = True
    return back("dashboard.index")


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
