"""The public pages: a home page to upload or paste a document (or give a share link), the page a
printed QR code opens, the page of a graduate portal's share link (``GET /shares?url=<link>``), and
the result page — the verdict, the document laid out from its signed content, the checks — in
Arabic (right to left), French or English. An upload without a readable QR code gets tips (come
closer, light, upload the PDF). The look-up by number is :mod:`~shahada.verifier.web.lookup`.

Thin views: read the form or the URL, call the service, render ``templates/`` with a display model
(:mod:`shahada.verifier.web.display`). The printed QR code holds ``<seal_base_url><Base32 seal>``
(``docs/seal.md`` §1): the service answers GET on the path of ``seal_base_url`` followed by the
seal, as printed (in capitals) and in lower case, since a phone may change either; a base URL
ending with ``=`` is a query parameter instead. Every page works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, Response, g, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from shahada.common.problems import status_and_code
from shahada.verifier.result import Check
from shahada.verifier.verdict import INCOMPLETE_CODES
from shahada.verifier.web.api import service
from shahada.verifier.web.display import Cell, Content, credential_content, format_date, format_instant, seal_content
from shahada.verifier.web.errors import BadRequestError
from shahada.verifier.web.i18n import LANGUAGE_NAMES, direction, has, negotiate, text
from shahada.verifier.web.parse import MAX_URL_CHARS, valid_massar
from shahada.verifier.web.service import Report, verdict_of
from shahada.verifier.web.settings import LANGUAGES, Language

bp = Blueprint("pages", __name__)
DEFAULT_SEAL_PATH: Final = "/V/"
LANG_COOKIE: Final = "lang"
SCAN_TIPS_CODES: Final = frozenset({"scan.no_code", "scan.unreadable"})


def reader_language() -> Language:
    if "lang" not in g:
        g.lang = negotiate(
            param=request.args.get("lang"),
            cookie=request.cookies.get(LANG_COOKIE),
            accepted=list(request.accept_languages),
            default=service().settings.default_language,
        )
    lang: Language = g.lang
    return lang


def _lang_url(code: str) -> str:
    if request.method != "GET":
        return url_for("pages.home", lang=code)
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    lang = reader_language()
    return {
        "lang": lang,
        "dir": direction(lang),
        "t": lambda key: text(key, lang),
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "lang_url": _lang_url,
    }


def page(template: str, status: int = 200, *, headers: Mapping[str, str] | None = None, **context: Any) -> Response:
    """A page of this site in the reader's language (never cached; ``?lang=`` remembered)."""
    response = make_response(render_template(template, **context), status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.get("/")
def home() -> Response:
    return page("home.html")


@bp.post("/verify")
def verify_form() -> Response:
    svc = service()
    upload = request.files.get("file")
    pasted = request.form.get("text", "")
    if upload is not None and upload.filename:
        report = svc.verify_upload(upload.stream.read(svc.settings.max_upload_bytes + 1))
    elif pasted.strip():
        report = svc.verify_text(pasted)
    else:
        raise BadRequestError("nothing to verify: choose a file or paste a text", code="request.empty")
    return _result(report)


@bp.get("/shares")
def share_page() -> Response:
    """A graduate portal's share link, verified at once (fetched only from an allowed portal)."""
    url = request.args.get("url", "").strip()
    if not url:
        raise BadRequestError("no share link: paste the link the graduate gave you", code="request.url_missing")
    if len(url) > MAX_URL_CHARS:
        raise BadRequestError(f"a share link has at most {MAX_URL_CHARS} characters", code="request.invalid")
    return _result(service().verify_share(url, visit=request.args.get("visit", "")[:64] or None))


def seal_page(payload: str | None = None, param: str | None = None) -> Response:
    """GET of a printed QR code's URL: the seal verified at once (``?massar=`` checks a Code Massar)."""
    svc = service()
    seal = payload if param is None else request.args.get(param, "")
    massar = request.args.get("massar", "").strip() or None
    massar_error = massar is not None and not valid_massar(massar)
    report = svc.verify_seal(seal or "", massar=None if massar_error else massar)
    return _result(report, massar=massar, massar_error=massar_error)


def seal_fragment_page() -> Response:
    """A base URL ending with ``#``: the seal is in the fragment, which browsers never send; a
    small script of this app moves it into the query (``?seal=``), which is then verified."""
    if "seal" in request.args:
        return seal_page(param="seal")
    return page("fragment.html")


def register_seal_routes(app: Flask, seal_base_url: str) -> None:
    """The route of the printed QR codes' URL, from the installation's ``verify_base_url``."""
    parts = urlsplit(seal_base_url) if seal_base_url else None
    if parts is not None and seal_base_url.endswith("="):
        param = parts.query[:-1].rsplit("&", 1)[-1]
        app.add_url_rule(parts.path or "/", "seal_query", seal_page, defaults={"param": param}, methods=["GET"])
        return
    if parts is not None and seal_base_url.endswith("#"):
        app.add_url_rule(parts.path or "/", "seal_fragment", seal_fragment_page, methods=["GET"])
        return
    prefix = (parts.path if parts is not None else "") or DEFAULT_SEAL_PATH
    for index, variant in enumerate(dict.fromkeys([prefix, prefix.lower(), prefix.upper()])):
        app.add_url_rule(f"{variant}<payload>", f"seal_{index}", seal_page, methods=["GET"])
        if variant.rstrip("/"):  # the website printed in words on the paper: the home page (upload, paste)
            app.add_url_rule(variant.rstrip("/"), f"seal_home_{index}", _to_home, methods=["GET"], strict_slashes=False)


def _to_home() -> WerkzeugResponse:
    query = request.query_string.decode("latin-1")
    return redirect(url_for(f"{bp.name}.home") + (f"?{query}" if query else ""), code=302)


def _checks_shown(report: Report, massar_given: bool) -> list[dict[str, str]]:
    lang = reader_language()
    shown: list[dict[str, str]] = []
    for check in report.checks:
        if report.kind == "seal" and check.name == "holder" and not massar_given:
            continue  # offered as a form instead of a skipped line
        shown.append(_check_view(check, report.kind, lang))
    return shown


def _check_view(check: Check, kind: str, lang: Language) -> dict[str, str]:
    specific = f"check.{kind}.{check.name}"
    label = text(specific if has(specific) else f"check.{check.name}", lang)
    meaning = text(f"code.{check.code}", lang) if check.outcome == "failed" and has(f"code.{check.code}") else ""
    return {
        "name": check.name,
        "label": label,
        "outcome": check.outcome,
        "outcome_label": text(f"outcome.{check.outcome}", lang),
        "code": check.code,
        "meaning": meaning,
        "message": check.message,
    }


def _contents(report: Report, lang: Language) -> list[Content]:
    if report.share is not None:
        return []  # each credential of a share is shown with its own verdict (_share_view)
    reference = service().reference
    if report.seal is not None:
        return [seal_content(report.seal, reference, lang)]
    if report.credential is not None:
        return [credential_content(report.credential, lang, reference)]
    return [credential_content(c, lang, reference) for c in report.held]


def _share_view(report: Report, lang: Language) -> dict[str, Any] | None:
    """The recipient, the expiry and each credential of a share link: its verdict, its failed
    checks, and its signed content when its signature and schema held."""
    if report.share is None:
        return None
    document = report.share.document
    items: list[dict[str, Any]] = []
    credentials = document.credentials if document is not None else ()
    for credential, result in zip(credentials, report.share.credentials, strict=False):
        verdict = verdict_of(result.verified, result.errors)
        shown = {c.name: c.outcome for c in result.checks}
        signed = shown.get("signature") == shown.get("schema") == "passed"
        items.append({
            "verdict": verdict,
            "verdict_label": text(f"verdict.{verdict}", lang),
            "problems": [_check_view(c, "credential", lang) for c in result.errors],
            "content": credential_content(credential, lang, service().reference) if signed else None,
        })
    return {
        "recipient": document.recipient if document is not None else None,
        "expires": format_instant(document.expires, lang) if document is not None else None,
        "items": items,
    }


def _issuer_name(report: Report, lang: Language) -> Cell | None:
    """Who issued the document, for the verdict: the name the issuer signed in a credential, the
    ministry's name for its own seals, else the signer's DID. None when nothing was verified."""
    credential = report.credential or (report.held[0] if len(report.held) == 1 else None)
    if credential is not None:
        issuer = credential.get("issuer")
        did = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        if did and did == service().settings.ministry_did:
            return _name_of_did(str(did), lang)  # the ministry, named in the reader's language
        if isinstance(issuer, Mapping) and "name" in issuer:
            named = credential_content({"issuer": issuer}, lang).rows
            if named:
                return named[-1].value
        return _name_of_did(str(did), lang) if did else None
    if report.seal is not None and report.signer is not None:
        return _name_of_did(report.signer.split("#", 1)[0], lang)
    return None


def _name_of_did(did: str, lang: Language) -> Cell:
    if did and did == service().settings.ministry_did:
        return Cell(text("site.ministry", lang), lang, "rtl" if lang == "ar" else "ltr")
    return Cell(did, "", "ltr")


def _since(report: Report, lang: Language) -> str | None:
    if report.since is None:
        return None
    try:
        return format_date(dt.date.fromisoformat(report.since), lang)
    except ValueError:
        return None


def _causes(report: Report, lang: Language) -> list[str]:
    """Why a verification could not be completed, in words (never an exception's text)."""
    failed = [*report.errors]
    for inner in (report.presentation.credentials if report.presentation else report.share.credentials if report.share else ()):
        failed.extend(inner.errors)
    codes = dict.fromkeys(c.code for c in failed if c.code in INCOMPLETE_CODES)
    return [text(f"code.{code}", lang) for code in codes if has(f"code.{code}")]


def result_page(report: Report) -> Response:
    """The verdict page of a verification made elsewhere (an OpenID4VP presentation)."""
    return _result(report)


def _result(report: Report, *, massar: str | None = None, massar_error: bool = False) -> Response:
    lang = reader_language()
    verdict = report.verdict
    explanation = text(f"verdict.valid.{report.kind}", lang) if verdict == "valid" else text(f"verdict.{verdict}.any", lang)
    return page(
        "result.html",
        report=report,
        verdict=verdict,
        verdict_label=text(f"verdict.{verdict}", lang),
        explanation=explanation,
        issuer=_issuer_name(report, lang) if verdict in ("valid", "revoked", "suspended") else None,
        since=_since(report, lang) if verdict in ("revoked", "suspended") else None,
        causes=_causes(report, lang) if verdict == "incomplete" else [],
        checks=_checks_shown(report, massar is not None and not massar_error),
        contents=_contents(report, lang),
        share=_share_view(report, lang),
        warnings=report.warnings,
        massar=massar or "",
        massar_error=massar_error,
        seal_action=request.path if report.kind == "seal" and request.method == "GET" else None,
    )


def error_page(err: BaseException, *, logger: logging.Logger) -> Response:
    """An error as a page in the reader's language, with its code and status."""
    status, code, detail = status_and_code(err)
    if code == "server.error":
        logger.exception("unexpected error", exc_info=err)
    try:
        lang = reader_language()
    except Exception:
        g.lang = lang = "fr"
    if code in SCAN_TIPS_CODES:  # a photo or PDF without a readable QR code: how to do better
        return page("error.html", status=status, title=text("scan.title", lang), body=text("scan.intro", lang), code=code, detail=detail, meaning="", tips=True)
    title = text("error.notfound", lang) if status == 404 else text("error.title", lang)
    body = "" if status == 404 else text("error.body", lang)
    return page("error.html", status=status, title=title, body=body, code=code, detail=detail, meaning=_meaning(code, lang))


def _meaning(code: str, lang: Language) -> str:
    return text(f"code.{code}", lang) if has(f"code.{code}") else ""


__all__: list[str] = ["bp", "error_page", "page", "reader_language", "register_seal_routes", "result_page", "seal_page", "share_page"]
