"""A printed document's status on every path of the verifier service: the QR code's page, an
uploaded photo or PDF, pasted text and ``POST /seals/verify`` all ask the signer's registry, so a
revoked or suspended diploma is never shown valid, and a registry that cannot be reached gives
"cannot verify now", never "invalid" (issue 11)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shahada.printing.qr import make_qr
from shahada.schemas.seal.content import SealContent
from tests.verifier.web.conftest import MemoryRegistry, make_app


@pytest.fixture
def states() -> dict[str, Any]:
    return {}


@pytest.fixture
def app(issuer_key: Any, sealer: Any, loader: Any, states: dict[str, Any]) -> Flask:
    return make_app(issuer_key, sealer, loader, registry=MemoryRegistry(states))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def credential_id(case_diploma: dict[str, Any]) -> str:
    return SealContent.from_credential(case_diploma).credential_id


def _png(seal: str) -> bytes:
    return make_qr(seal).png(scale=4)


PATHS = ("qr", "upload", "paste", "api")


def _verify(client: FlaskClient, seal: str, path: str, lang: str = "fr") -> tuple[str, str]:
    """(verdict, page or JSON text) of the seal verified along ``path``."""
    if path == "qr":
        response = client.get("/" + seal.split("/", 3)[3], query_string={"lang": lang})
    elif path == "upload":
        response = client.post("/verify", data={"file": (io.BytesIO(_png(seal)), "diploma.png")}, query_string={"lang": lang}, content_type="multipart/form-data")
    elif path == "paste":
        response = client.post("/verify", data={"text": seal}, query_string={"lang": lang})
    else:
        response = client.post("/seals/verify", json={"seal": seal})
        body = response.get_json()
        return str(body["verdict"]), response.get_data(as_text=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    verdict = page.split('data-verdict="', 1)[1].split('"', 1)[0]
    return verdict, page


@pytest.mark.parametrize("path", PATHS)
def test_a_revoked_printed_document_is_revoked_on_every_path(client: FlaskClient, seal: str, states: dict[str, Any], credential_id: str, path: str) -> None:
    states[credential_id] = ("revoked", "2025-07-12")
    verdict, shown = _verify(client, seal, path)
    assert verdict == "revoked"
    assert "Valide" not in shown.replace("Non valide", "")
    if path == "api":
        assert '"verified": false' in shown.replace('"verified":false', '"verified": false')
    else:
        assert "Révoqué" in shown and "depuis le 12 juillet 2025" in shown


@pytest.mark.parametrize("path", PATHS)
def test_a_suspended_printed_document_is_suspended_on_every_path(client: FlaskClient, seal: str, states: dict[str, Any], credential_id: str, path: str) -> None:
    states[credential_id] = ("suspended", None)
    verdict, shown = _verify(client, seal, path)
    assert verdict == "suspended"
    if path != "api":
        assert "Suspendu" in shown


@pytest.mark.parametrize("path", PATHS)
def test_an_unreachable_registry_is_cannot_verify_now(client: FlaskClient, seal: str, states: dict[str, Any], credential_id: str, path: str) -> None:
    states[credential_id] = "down"
    verdict, shown = _verify(client, seal, path)
    assert verdict == "incomplete"
    if path != "api":
        assert "Impossible de vérifier" in shown and "Non valide" not in shown
        assert "Le registre du ministère n&#39;a pas pu être joint" in shown or "Le registre du ministère n'a pas pu être joint" in shown


def test_the_api_says_verdict_and_keeps_its_shape(client: FlaskClient, seal: str, states: dict[str, Any], credential_id: str) -> None:
    states[credential_id] = ("revoked", "2025-07-12")
    body = client.post("/seals/verify", json={"seal": seal}).get_json()
    assert body["verified"] is False and body["verdict"] == "revoked"
    assert [e["code"] for e in body["errors"]] == ["registry.revoked"]
    status = next(c for c in body["checks"] if c["name"] == "status")
    assert status["since"] == "2025-07-12" and "reason" not in status


@pytest.mark.parametrize(
    ("lang", "word", "date"),
    [("ar", "ملغاة", "12 يوليوز 2025"), ("fr", "Révoqué", "12 juillet 2025"), ("en", "Revoked", "12 July 2025")],
)
def test_the_revoked_page_in_each_language_names_the_issuer(client: FlaskClient, seal: str, states: dict[str, Any], credential_id: str, lang: str, word: str, date: str) -> None:
    states[credential_id] = ("revoked", "2025-07-12")
    verdict, page = _verify(client, seal, "qr", lang)
    assert verdict == "revoked" and word in page and date in page
    assert "data-issuer" in page and ("وزارة التربية الوطنية" in page if lang == "ar" else "Ministry of National Education" in page if lang == "en" else "Ministère de l" in page)
