"""Share links: the graduate's page (``GET /shares``: create, list with state and access log;
``POST /shares``; ``POST /shares/<id>/revoke``) and the link itself (``GET /s/<token>``).

A link answers software (``Accept: application/json``, or no preference) with the shared
credentials as JSON (:func:`shahada.portal.shares.share_document`), and a browser (which prefers
HTML) with 303 to the public verifier's page for it, ``<verifier_url>/shares?url=<link>&visit=<v>``,
which fetches the JSON in turn and shows the verdict and the documents. Refusals are problem+json:
404 ``share.unknown``, 410 ``share.expired`` or ``share.revoked``. Every request on a known token
is logged first, once per visit: the verifier's fetch that carries the visit's token
(:func:`shahada.portal.shares.visit_token`, header ``Shahada-Visit``, two minutes) is the browser's
visit already logged, not a second access.
"""

from __future__ import annotations

import json
from typing import Final
from urllib.parse import quote

from flask import Blueprint, g, redirect, request, session, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from shahada.portal import forms
from shahada.portal.documents import graduate_credentials
from shahada.portal.errors import FormError, GoneError, NotFoundError
from shahada.portal.i18n import text
from shahada.portal.shares import VISIT_HEADER, Access, Channel, is_visit, share_document, software_of, truncate_address, visit_token
from shahada.portal.web import FIELD_CHARS, form_error, page, portal, public_base, reader_language, require_graduate

bp = Blueprint("shares", __name__)
DURATIONS = (1, 7, 30, 90, 180)
RECIPIENT_INPUT_CHARS = 400  # read at most; the rule is 200
MAX_DOCUMENTS = 16  # a graduate has a diploma and a transcript a session


def _shares_page(massar: str, status: int = 200, *, error: FormError | None = None, form: dict[str, object] | None = None) -> Response:
    p = portal()
    now = p.now()
    links = p.shares.of(massar)
    credentials = graduate_credentials(p.archive, massar)
    context = {
        "links": [(link, link.state(now)) for link in links],
        "log": p.shares.accesses(link.id for link in links),
        "documents": {c.id: c for c in credentials},
        "durations": [d for d in DURATIONS if d <= p.settings.share_max_days],
        "form": form or {"days": "30", "documents": [c.id for c in credentials]},
        "created": session.pop("created_link", None),
        "access_words": _access_words,
        "access_network": _access_network,
    }
    if error is not None:
        return form_error("shares.html", error, status, **context)
    return page("shares.html", status, **context)


_SLOT: Final = "\x00"


def _with_name(key: str, slot: str, name: str | None, unknown: str) -> Markup:
    """A sentence of the catalogue with a Latin name (a program, a network) in ``slot``, set apart
    as a left-to-right island kept on one line when it fits, so that an Arabic sentence neither
    reorders nor breaks "admissions-bot/1.0" (UAX #9 isolates); without a name, the ``unknown``
    sentence's word. The catalogue's text is escaped."""
    lang = reader_language()
    if not name:
        return escape(text(key, lang, **{slot: text(unknown, lang) if slot != "software" else f"({text(unknown, lang)})"}))
    shape = '<span class="program">(<bdi dir="ltr">{}</bdi>)</span>' if slot == "software" else '<bdi dir="ltr" class="program">{}</bdi>'
    island = Markup(shape).format(name)
    return escape(text(key, lang, **{slot: _SLOT})).replace(_SLOT, island)


def _access_words(access: Access) -> Markup:
    """One access of the log in a sentence: how the link was used and what it gave."""
    return _with_name(f"access.{access.channel}.{access.outcome}", "software", software_of(access.user_agent), "access.unknown_software")


def _access_network(access: Access) -> Markup:
    return _with_name("access.network", "client", access.client, "access.unknown_network")


@bp.get("/shares")
def index() -> Response:
    return _shares_page(require_graduate())


@bp.post("/shares")
def create() -> Response:
    massar = require_graduate()
    p = portal()
    owned = {c.id for c in graduate_credentials(p.archive, massar)}
    recipient_text = request.form.get("recipient", "")[:RECIPIENT_INPUT_CHARS]
    days_text = request.form.get("days", "")[:FIELD_CHARS]
    wanted = request.form.getlist("documents")[:MAX_DOCUMENTS]
    form: dict[str, object] = {"recipient": recipient_text, "days": days_text, "documents": wanted}
    try:
        recipient = forms.recipient(recipient_text)
        days = forms.days(days_text, longest=p.settings.share_max_days)
        chosen = forms.documents(wanted, owned=owned)
    except FormError as err:
        return _shares_page(massar, err.http_status, error=err, form=form)
    token, _ = p.shares.create(massar, recipient=recipient, credential_ids=chosen, days=days, now=p.now())
    session["created_link"] = link_of(token)
    return redirect(url_for("shares.index"), code=303)


@bp.post("/shares/<int:share_id>/revoke")
def revoke(share_id: int) -> Response:
    massar = require_graduate()
    portal().shares.revoke(massar, share_id, now=portal().now())
    return redirect(url_for("shares.index"), code=303)


def link_of(token: str) -> str:
    return f"{public_base()}/s/{token}"


def _wants_page() -> bool:
    accept = request.accept_mimetypes
    return accept["text/html"] > max(accept["application/json"], accept["application/ld+json"])


@bp.get("/s/<token>")
def shared(token: str) -> Response:
    p = portal()
    verifier = p.settings.verifier_url
    channel: Channel = "browser" if verifier and _wants_page() else "api"
    g.json_endpoint = channel == "api"
    link = link_of(token)
    now = p.now()
    key = p.settings.key("visit")
    followed = channel == "api" and is_visit(key, token, request.headers.get(VISIT_HEADER, "")[:64], now)
    try:
        share = p.shares.open(
            token,
            channel=channel,
            client=truncate_address(request.remote_addr),
            user_agent=request.headers.get("User-Agent", ""),
            now=now,
            log=not followed,
        )
    except (NotFoundError, GoneError):
        if channel == "api":
            raise
        share = None  # the verifier's page tells the reader why, from the JSON it fetches
    if share is None or channel == "browser":
        response = redirect(f"{verifier}/shares?url={quote(link, safe='')}&visit={visit_token(key, token, now)}", code=303)
    else:
        documents = [stored.document for cid in share.credential_ids if (stored := p.archive.get(cid)) is not None]
        response = Response(json.dumps(share_document(share, link, documents), ensure_ascii=False), mimetype="application/json")
        response.headers["Access-Control-Allow-Origin"] = "*"  # a capability URL: whoever holds it may read it
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.vary.add("Accept")
    return response
