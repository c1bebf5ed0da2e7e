"""The ministry's public site: its DID document, JSON-LD contexts and JSON Schemas.

``did:web:<host>`` resolves to ``https://<host>/.well-known/did.json`` and ``did:web:<host>:<path>``
to ``https://<host>/<path>/did.json`` (did:web method §3.2). Contexts and schemas are served at
the stable URLs the credentials name, from the same pinned files the verifier uses. Status list credentials (W3C Bitstring Status List 1.0) are served at
``/status/<purpose>/<n>`` with an ``ETag`` and ``Cache-Control: max-age`` equal to their ``ttl``
(see :mod:`shahada.issuer.site.status`).

``create_site_app`` is a plain Flask application factory; ``SiteServer`` runs it over HTTPS on
loopback in a background thread for the local setup and the tests.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Mapping
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.types import WSGIApplication

from flask import Flask, Response, abort

from shahada.common.wsgi import STOP_POLL_SECONDS
from shahada.issuer.site.status import StatusLists, register_status_routes
from shahada.schemas.loader import PinnedDocumentLoader, schemas_dir

MINISTRY_ORIGIN = "https://diplomes.men.gov.ma"


def did_document_path(did: str) -> str:
    """The URL path at which a did:web DID's document is served."""
    parts = did.split(":")[3:]  # did:web:host[:path…]
    return "/" + "/".join(parts) + "/did.json" if parts else "/.well-known/did.json"


def create_site_app(
    *,
    did_documents: Mapping[str, Mapping[str, Any]],
    loader: PinnedDocumentLoader,
    status_lists: StatusLists | None = None,
) -> Flask:
    """The public site for the given DID documents (keyed by DID), and the status lists and
    registry of ``status_lists`` (the archive's :class:`~shahada.issuer.archive.status.StatusStore`) when given."""
    app = Flask("shahada.issuer.site.app")
    if status_lists is not None:
        register_status_routes(app, status_lists)
    documents = {did_document_path(did): json.dumps(doc, ensure_ascii=False, indent=2) for did, doc in did_documents.items()}
    ministry_contexts = {
        urlsplit(url).path: json.dumps(loader.document(url), ensure_ascii=False)
        for url in loader.urls
        if url.startswith(MINISTRY_ORIGIN + "/")
    }
    schema_files = {f"/schemas/{p.stem.rsplit('-v', 1)[0]}/v{p.stem.rsplit('-v', 1)[1]}.json": p for p in (schemas_dir() / "json").glob("*-v*.json")}

    @app.get("/<path:path>")
    def serve(path: str) -> Response:
        key = "/" + path
        if key in documents:
            return _json(documents[key], "application/did+json")
        if key in ministry_contexts:
            return _json(ministry_contexts[key], "application/ld+json")
        if key in schema_files:
            return _json(schema_files[key].read_text(encoding="utf-8"), "application/schema+json")
        abort(404)

    return app


def _json(body: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadedTLSServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True

    def finish_request(self, request: Any, client_address: Any) -> None:
        # the TLS handshake runs in the request's thread, so a slow client cannot stall accept()
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return
        super().finish_request(request, client_address)


class SiteServer:
    """Serve a WSGI app over HTTPS on one loopback port, in a daemon thread.

    Raises OSError (e.g. EADDRINUSE) when the port cannot be bound.
    """

    def __init__(self, app: WSGIApplication, *, host: str, port: int, cert: Path, key: Path) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(cert), str(key))
        self._server = _ThreadedTLSServer((host, port), _QuietHandler)
        self._server.set_app(app)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True, do_handshake_on_connect=False)
        # serve_forever checks for shutdown() every poll_interval (0.5 s by default: every stop waited)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": STOP_POLL_SECONDS}, name="shahada-site", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
