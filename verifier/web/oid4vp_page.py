"""The page where a university's staff member asks a graduate's wallet for a diploma with
OpenID4VP (:mod:`shahada.verifier.web.oid4vp`), in Arabic, French or English.

    GET  /oid4vp/ask          a form: the diploma, or the diploma and the transcript
    POST /oid4vp/ask          starts a request, then redirects to its page
    GET  /oid4vp/ask/<id>     the request's QR code and same-phone link while it waits; once the
                              wallet answered, the verdict page of the presentation

Waiting, a small script (``static/oid4vp.js``) polls ``/oid4vp/requests/<id>/result`` and reloads
the page when the wallet has answered; without JavaScript, the "refresh" link does the same.
The QR code is drawn here (``qrcode``, SVG as a ``data:`` image: the pages' CSP allows no other
origin).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from typing import Final

from flask import Blueprint, Response, current_app, redirect, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from shahada.verifier.web.oid4vp import OID4VP_KEY, REQUEST_TTL, UnavailableError, answered_request, start
from shahada.verifier.web.pages import page, reader_language, result_page
from shahada.verifier.web.settings import Language

__all__ = ["bp", "qr_data_uri"]

bp = Blueprint("oid4vp_page", __name__)

_T = Mapping[Language, str]
TEXTS: Final[Mapping[str, _T]] = {
    "title": {"ar": "طلب شهادة من محفظة رقمية", "fr": "Demander un diplôme à un portefeuille numérique", "en": "Ask a digital wallet for a diploma"},
    "intro": {
        "ar": "يمسح حامل الشهادة رمز QR بمحفظته (OpenID4VP)، أو يفتح الرابط على هاتفه. تظهر النتيجة هنا بعد تحقق الخدمة من الوثيقة المقدمة.",
        "fr": "Le titulaire scanne le code QR avec son portefeuille (OpenID4VP), ou ouvre le lien sur son téléphone. Le résultat s'affiche ici dès que le service a vérifié le document présenté.",
        "en": "The holder scans the QR code with their wallet (OpenID4VP), or opens the link on their phone. The result appears here once the service has verified the document presented.",
    },
    "transcript": {"ar": "طلب كشف النقط أيضا", "fr": "Demander aussi le relevé de notes", "en": "Also ask for the transcript"},
    "submit": {"ar": "إنشاء الطلب", "fr": "Créer la demande", "en": "Create the request"},
    "waiting": {"ar": "في انتظار جواب المحفظة…", "fr": "En attente de la réponse du portefeuille…", "en": "Waiting for the wallet's answer…"},
    "scan": {"ar": "امسح هذا الرمز بالمحفظة", "fr": "Scannez ce code avec le portefeuille", "en": "Scan this code with the wallet"},
    "link": {"ar": "فتح في المحفظة على هذا الهاتف", "fr": "Ouvrir dans le portefeuille de ce téléphone", "en": "Open in the wallet on this phone"},
    "refresh": {"ar": "تحديث", "fr": "Actualiser", "en": "Refresh"},
    "expires": {"ar": "تنتهي صلاحية هذا الطلب بعد {minutes} دقائق.", "fr": "Cette demande expire dans {minutes} minutes.", "en": "This request expires in {minutes} minutes."},
    "nav": {"ar": "طلب من محفظة", "fr": "Demande à un portefeuille", "en": "Ask a wallet"},
}


def _texts(lang: Language) -> dict[str, str]:
    return {key: entry.get(lang, entry["fr"]) for key, entry in TEXTS.items()}


@bp.app_context_processor
def _nav() -> dict[str, str]:
    if current_app.config[OID4VP_KEY].unavailable is not None:
        return {}
    return {"oid4vp_nav": _texts(reader_language())["nav"]}


@bp.get("/oid4vp/ask")
def ask_form() -> Response:
    unavailable = current_app.config[OID4VP_KEY].unavailable
    if unavailable is not None:
        raise UnavailableError(unavailable, code="oid4vp.unavailable")
    return page("oid4vp.html", w=_texts(reader_language()), made=None)


@bp.post("/oid4vp/ask")
def ask() -> WerkzeugResponse:
    made = start(transcript=request.form.get("transcript") == "1")
    return redirect(url_for("oid4vp_page.asked", request_id=made["id"], lang=reader_language()), code=303)


@bp.get("/oid4vp/ask/<request_id>")
def asked(request_id: str) -> Response:
    report, made = answered_request(request_id)
    if report is not None:
        return result_page(report)
    texts = _texts(reader_language())
    texts["expires"] = texts["expires"].format(minutes=REQUEST_TTL // 60)
    return page("oid4vp.html", w=texts, made=made, qr=qr_data_uri(made["request"]))


def qr_data_uri(text: str) -> str:
    """``text`` as a QR code (level M), an SVG ``data:`` URI for an ``<img>``."""
    import qrcode  # type: ignore[import-untyped]
    import qrcode.image.svg  # type: ignore[import-untyped]

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")
