"""The ministry's public site over real HTTPS on loopback, trusted through the local CA."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from shahada.did.document import build_did_document
from shahada.issuer.site.app import SiteServer, create_site_app, did_document_path
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.tls import ensure_local_tls

DID = "did:web:localhost%3A8443:bac"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    tls = ensure_local_tls(tmp_path_factory.mktemp("tls"))
    document = build_did_document(DID, bytes(range(32)))
    app = create_site_app(did_documents={DID: document}, loader=PinnedDocumentLoader())
    server = SiteServer(app, host="127.0.0.1", port=0, cert=tls.server_cert, key=tls.server_key).start()
    yield f"https://127.0.0.1:{server.port}", str(tls.ca_cert), document
    server.stop()


def test_did_document_path_follows_did_web() -> None:
    assert did_document_path("did:web:diplomes.men.gov.ma") == "/.well-known/did.json"
    assert did_document_path("did:web:localhost%3A8443:bac:v1") == "/bac/v1/did.json"


def test_serves_did_document_context_and_schema_over_https(site) -> None:
    base, ca, document = site
    response = requests.get(f"{base}/bac/did.json", verify=ca, timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/did+json")
    assert response.json() == document
    context = requests.get(f"{base}/contexts/baccalaureate/v1", verify=ca, timeout=5)
    assert context.json() == PinnedDocumentLoader().document("https://diplomes.men.gov.ma/contexts/baccalaureate/v1")
    schema = requests.get(f"{base}/schemas/baccalaureate-diploma/v1.json", verify=ca, timeout=5).json()
    assert schema["$id"] == "https://diplomes.men.gov.ma/schemas/baccalaureate-diploma/v1.json"
    assert requests.get(f"{base}/.well-known/did.json", verify=ca, timeout=5).status_code == 404


def test_an_untrusting_client_refuses_the_certificate(site) -> None:
    base, _, _ = site
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{base}/bac/did.json", timeout=5)


def test_tls_material_is_created_once(tmp_path: Path) -> None:
    first = ensure_local_tls(tmp_path)
    pem = first.server_cert.read_bytes()
    assert ensure_local_tls(tmp_path).server_cert.read_bytes() == pem
    assert oct(first.server_key.stat().st_mode & 0o777) == "0o600"
