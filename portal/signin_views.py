"""Signing in and out: ``GET /``, ``POST /signin`` (Code Massar and date of birth),
``GET``/``POST /signin/code`` (the one-time code), ``POST /signout``.

Step one answers the same redirect and the same next page whether or not the details match a
candidate, and both steps take at least ``signin_min_seconds``. A refused form is shown again
with a message in the reader's language next to the field, with 400 (the field), 422 (a wrong or
expired code) or 429 and ``Retry-After`` (too many attempts).
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for
from werkzeug.wrappers import Response

from shahada.issuer.archive.publication import results_open
from shahada.portal import forms
from shahada.portal.errors import FormError, RateLimitedError, SignInError
from shahada.portal.signin import Pending
from shahada.portal.web import FIELD_CHARS, client_address, form_error, graduate, lasting_at_least, page, portal

bp = Blueprint("signin", __name__)


@bp.get("/")
def home() -> Response:
    if graduate() is not None:
        return redirect(url_for("documents.index"), code=303)
    return page("signin.html", form={})


@bp.post("/signin")
def request_code() -> Response:
    p = portal()
    form = {name: request.form.get(name, "")[:FIELD_CHARS] for name in ("massar", "birth_date")}
    if p.settings.results_gate and not results_open(p.archive.engine):
        return form_error("signin.html", SignInError("the results are not open yet", code="signin.closed", http_status=403), form=form)
    with lasting_at_least(p.settings.signin_min_seconds):
        try:
            massar = forms.massar(form["massar"])
            born = forms.birth_date(form["birth_date"], today=p.now().date())
            pending = p.signin.request_code(massar, born, client=client_address(), now=p.now())
        except (FormError, RateLimitedError) as err:
            return form_error("signin.html", err, form=form)
        session["pending"] = {"challenge": pending.challenge_id, "massar": pending.massar}
        session.permanent = True
    return redirect(url_for("signin.code_form"), code=303)


def _pending() -> Pending | None:
    found = session.get("pending")
    if not isinstance(found, dict) or not isinstance(found.get("challenge"), str) or not isinstance(found.get("massar"), str):
        return None
    return Pending(found["challenge"], found["massar"])


@bp.get("/signin/code")
def code_form() -> Response:
    if _pending() is None:
        return redirect(url_for("signin.home"), code=303)
    return page("code.html", minutes=portal().settings.otp_ttl // 60)


@bp.post("/signin/code")
def verify_code() -> Response:
    p = portal()
    pending = _pending()
    if pending is None:
        restart = SignInError("no sign-in in progress in this session", code="signin.restart", http_status=400)
        return form_error("signin.html", restart, form={})
    with lasting_at_least(p.settings.signin_min_seconds):
        try:
            code = forms.one_time_code(request.form.get("code", "")[:FIELD_CHARS])
            token = p.signin.verify_code(pending, code, client=client_address(), now=p.now())
        except (FormError, SignInError, RateLimitedError) as err:
            return form_error("code.html", err, minutes=p.settings.otp_ttl // 60)
    lang = session.get("lang")
    session.clear()  # a fresh session after signing in: nothing from before carries over
    session["login"] = token
    if isinstance(lang, str):
        session["lang"] = lang
    session.permanent = True
    return redirect(url_for("documents.index"), code=303)


@bp.post("/signout")
def sign_out() -> Response:
    token = session.get("login")
    if isinstance(token, str):
        portal().signin.sign_out(token, now=portal().now())
    lang = session.get("lang")
    session.clear()
    if isinstance(lang, str):
        session["lang"] = lang
    return redirect(url_for("signin.home"), code=303)
