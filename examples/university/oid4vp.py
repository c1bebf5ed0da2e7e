"""The university asks with OpenID for Verifiable Presentations 1.0: a QR code (or, on the phone
that holds the wallet, a link) carrying ``openid4vp://?client_id=…&request_uri=…``.

The university runs this small web application at its own origin, with its own request key
(a did:key: ``client_id`` ``decentralized_identifier:<did:key>``): it is the verifier the wallet
talks to, and no third party sees the presentation.

- ``GET /`` makes a request and shows its QR code and link; the page polls the result and shows
  the verdict once the wallet has answered (``?transcript=1`` asks for the transcript too);
- ``GET /oid4vp/requests/<id>/object``: the signed request object (request by reference) with
  its DCQL query for an ``ldp_vc`` ``BaccalaureateDiploma``, ``response_mode`` ``direct_post``;
- ``POST /oid4vp/responses/<id>``: the wallet's ``vp_token``, verified in this process by the
  project's verifier library (:class:`shahada.verifier.web.VerifierService`: the presentation's
  proof by the holder, its nonce — a one-time challenge — and ``domain`` = ``client_id``, the
  holder binding, each credential's signature, trusted issuer, schema and status list);
- ``GET /oid4vp/requests/<id>/result``: ``pending``, or ``answered`` with the verification.

The protocol's routes are the verifier service's (:mod:`shahada.verifier.web.oid4vp`), mounted
here with the university's own key, trust list and verifier.
"""

from __future__ import annotations

import html
import json

from flask import Flask, Response, request

from shahada.common.problems import render_error
from shahada.verifier.web import SERVICE_KEY, VerifierService
from shahada.verifier.web.oid4vp import OID4VP_KEY, Oid4vpRequests, start
from shahada.verifier.web.oid4vp import bp as oid4vp_bp
from shahada.verifier.web.oid4vp_page import qr_data_uri

__all__ = ["university_oid4vp_app"]


def university_oid4vp_app(service: VerifierService, requests: Oid4vpRequests) -> Flask:
    """The university's OpenID4VP verifier: ``service`` verifies (its settings name the trusted
    ministry DIDs), ``requests`` holds the university's request key and public URL."""
    app = Flask("examples.university.oid4vp")
    app.config[SERVICE_KEY] = service
    app.config[OID4VP_KEY] = requests
    app.register_blueprint(oid4vp_bp)
    app.register_error_handler(Exception, lambda err: render_error(err, logger=app.logger))
    app.add_url_rule("/", "ask", _ask)
    return app


def _ask() -> Response:
    made = start(transcript=request.args.get("transcript") == "1")
    page = PAGE.format(
        qr=qr_data_uri(made["request"]), link=html.escape(made["request"]), result=json.dumps(made["result"]), request_id=html.escape(made["id"])
    )
    return Response(page, mimetype="text/html")


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Present your baccalaureate</title></head>
<body data-request="{request_id}">
<h1>Present your baccalaureate diploma</h1>
<p>Scan with your wallet (OpenID4VP), or on this phone:</p>
<img id="qr" src="{qr}" alt="QR code of the request" width="280" height="280">
<p><a id="link" href="{link}">Open in my wallet</a></p>
<p id="verdict">Waiting for the wallet…</p>
<script>
(function poll() {{
  fetch({result}, {{cache: "no-store"}}).then(function (r) {{ return r.json(); }}).then(function (body) {{
    if (body.state !== "answered") {{ setTimeout(poll, 1500); return; }}
    var ok = body.result.verified;
    var el = document.getElementById("verdict");
    el.textContent = ok ? "Verified: diploma accepted" : "Refused: " + body.result.errors.map(function (e) {{ return e.code; }}).join(", ");
    el.setAttribute("data-verified", ok ? "true" : "false");
  }});
}})();
</script>
</body></html>
"""
