"""The public pages of verifier/web/pages.py with the real app: the reader's language, the QR
URL of a printed document, uploads and pasted text, only signed content, nothing from elsewhere."""

from __future__ import annotations

import copy
import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shahada.printing.qr import make_qr
from tests.verifier.web.conftest import SEAL_BASE


def html(response: Any) -> str:
    text: str = response.get_data(as_text=True)
    return text


def verdict(page: str) -> str:
    found = re.search(r'data-verdict="(\w+)"', page)
    assert found, page
    return found.group(1)


def outcomes(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-check="(\w+)" data-outcome="(\w+)"', page))


@pytest.mark.parametrize(
    ("accept", "lang", "direction", "word"),
    [("ar-MA,ar;q=0.9,fr;q=0.8", "ar", "rtl", "تحقق"), ("fr-FR,fr;q=0.9", "fr", "ltr", "Vérifier"), ("en-CA,en;q=0.9", "en", "ltr", "Verify"), ("de-DE", "fr", "ltr", "Vérifier")],
)
def test_home_in_the_browser_language(client: FlaskClient, accept: str, lang: str, direction: str, word: str) -> None:
    page = html(client.get("/", headers={"Accept-Language": accept}))
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert word in page and 'enctype="multipart/form-data"' in page


def test_language_link_sets_a_cookie(client: FlaskClient) -> None:
    response = client.get("/?lang=ar", headers={"Accept-Language": "en"})
    assert 'dir="rtl"' in html(response) and "lang=ar" in response.headers["Set-Cookie"]
    assert 'lang="ar" dir="rtl"' in html(client.get("/", headers={"Accept-Language": "en"}))  # the cookie wins
    assert 'lang="fr"' in html(client.get("/?lang=fr"))


def test_qr_url_verifies_at_once(client: FlaskClient, seal: str) -> None:
    path = seal.removeprefix("HTTPS://VERIFY.TEST")
    for variant in (path, path.lower().replace("/v/", "/v/"), "/v/" + path.removeprefix("/V/")):
        page = html(client.get(variant, headers={"Accept-Language": "fr"}))
        assert verdict(page) == "valid"
        assert outcomes(page) == {"decode": "passed", "key": "passed", "signature": "passed", "archive": "skipped", "status": "passed"}
        assert "Benali" in page and "BAC-2025-D-" in page and "15,30" in page


def test_seal_page_in_arabic_shows_arabic_values(client: FlaskClient, seal: str) -> None:
    page = html(client.get(seal.removeprefix("HTTPS://VERIFY.TEST") + "?lang=ar"))
    assert 'dir="rtl"' in page and "صالحة" in page
    assert "بنعلي" in page and 'lang="ar" dir="rtl">ياسمين<' in page


def test_seal_page_massar_form(client: FlaskClient, seal: str) -> None:
    path = seal.removeprefix("HTTPS://VERIFY.TEST")
    good = html(client.get(path + "?massar=R130045678"))
    assert verdict(good) == "valid" and outcomes(good)["holder"] == "passed"
    bad = html(client.get(path + "?massar=R000000001"))
    assert verdict(bad) == "invalid" and outcomes(bad)["holder"] == "failed"
    odd = client.get(path + "?massar=%00%27%3Cscript%3E")
    assert odd.status_code == 200 and "<script>" not in html(odd) and verdict(html(odd)) == "valid"


def test_a_tampered_seal_shows_no_content(client: FlaskClient, seal: str, sealer: Any, case_diploma: dict[str, Any]) -> None:
    from shahada.schemas.seal.content import SealContent
    from shahada.schemas.seal.cose import decode_sign1, encode_sign1
    from shahada.schemas.seal.text import seal_bytes, seal_text

    original = decode_sign1(seal_bytes(seal))
    changed = copy.deepcopy(case_diploma)
    changed["credentialSubject"]["generalAverage"] = "18.30"
    forged = encode_sign1(original.protected, SealContent.from_credential(changed).to_cbor(), original.signature)
    page = html(client.get(seal_text(forged, SEAL_BASE).removeprefix("HTTPS://VERIFY.TEST") + "?lang=en"))
    assert verdict(page) == "invalid" and outcomes(page)["signature"] == "failed"
    assert "18.30" not in page and "18,30" not in page and "could not be verified" in page


def test_unusable_qr_url_is_a_page_with_the_code(client: FlaskClient) -> None:
    response = client.get("/V/ABC", headers={"Accept-Language": "en"})
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert 'data-verdict="unusable"' in html(response) and "seal.truncated" in html(response)


def test_upload_a_pdf_like_photo(client: FlaskClient, seal: str) -> None:
    data = {"file": (io.BytesIO(make_qr(seal).png(scale=4)), "photo.png")}
    page = html(client.post("/verify", data=data, content_type="multipart/form-data"))
    assert verdict(page) == "valid" and "Benali" in page


@pytest.mark.parametrize("kind", ["PDF", "JPEG"])
def test_a_file_without_a_qr_code_gets_scan_tips(client: FlaskClient, kind: str) -> None:
    from PIL import Image

    blank = io.BytesIO()
    Image.new("RGB", (600, 800), (250, 250, 245)).save(blank, kind)  # a scanned page, or a photo, with no code on it
    response = client.post("/verify", data={"file": (io.BytesIO(blank.getvalue()), f"scan.{kind.lower()}")}, content_type="multipart/form-data", headers={"Accept-Language": "en"})
    page = html(response)
    assert response.status_code == 422 and 'data-code="scan.no_code"' in page and "No QR code found" in page
    assert re.findall(r'data-tip="(\w+)"', page) == ["closer", "light", "pdf", "lookup"]
    assert "Come closer" in page and "good light" in page and "upload that PDF itself" in page and 'href="/lookup"' in page
    other = html(client.post("/verify", data={"text": "hello"}, headers={"Accept-Language": "en"}))
    assert "data-tips" not in other  # tips only where a picture or a PDF was read


def test_paste_a_credential(client: FlaskClient, genuine: dict[str, Any]) -> None:
    page = html(client.post("/verify", data={"text": json.dumps(genuine)}, headers={"Accept-Language": "en"}))
    assert verdict(page) == "valid" and "Amina El Idrissi" in page
    assert set(outcomes(page).values()) == {"passed", "skipped"} and outcomes(page)["archive"] == "skipped"


def test_paste_a_tampered_credential(client: FlaskClient, genuine: dict[str, Any]) -> None:
    tampered = copy.deepcopy(genuine)
    tampered["credentialSubject"]["name"] = "Mallory"
    page = html(client.post("/verify", data={"text": json.dumps(tampered)}, headers={"Accept-Language": "fr"}))
    assert verdict(page) == "invalid" and outcomes(page)["signature"] == "failed"
    assert "Mallory" not in page and "modifié après sa signature" in page


def test_paste_a_qr_text(client: FlaskClient, seal: str) -> None:
    assert verdict(html(client.post("/verify", data={"text": "  " + seal.lower() + "\n"}))) == "valid"


@pytest.mark.parametrize(("form", "status", "code"), [({}, 400, "request.empty"), ({"text": "hello, world!"}, 422, "input.unrecognized"), ({"text": "{oops"}, 422, "input.unrecognized")])
def test_nothing_to_verify(client: FlaskClient, form: dict[str, str], status: int, code: str) -> None:
    response = client.post("/verify", data=form, headers={"Accept-Language": "ar"})
    assert response.status_code == status and f'data-code="{code}"' in html(response) and 'dir="rtl"' in html(response)


def test_unknown_page(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "Page not found" in html(response)


def test_security_headers_and_no_external_resource(client: FlaskClient, seal: str) -> None:
    for path in ("/", seal.removeprefix("HTTPS://VERIFY.TEST"), "/static/style.css"):
        with client.get(path) as response:
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
            assert response.headers["Referrer-Policy"] == "no-referrer"
            body = html(response)
        assert not re.search(r'(src|href)="(https?:)?//', body), path
        assert "@import" not in body and "url(http" not in body


def test_mobile_viewport(client: FlaskClient) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html(client.get("/"))


@pytest.mark.parametrize(
    ("base", "path"),
    [("https://diplomes.men.gov.ma/verify?seal=", "/verify?seal={}"), ("HTTPS://D.MA/V:", "/V:{}"), ("https://d.ma/check/", "/check/{}")],
)
def test_other_base_url_shapes(issuer_key: Any, sealer: Any, loader: Any, seal: str, base: str, path: str) -> None:
    from tests.verifier.web.conftest import make_app

    payload = seal.removeprefix(SEAL_BASE)
    client = make_app(issuer_key, sealer, loader, seal_base_url=base).test_client()
    assert verdict(html(client.get(path.format(payload)))) == "valid"


def test_fragment_base_url(issuer_key: Any, sealer: Any, loader: Any, seal: str) -> None:
    from tests.verifier.web.conftest import make_app

    client = make_app(issuer_key, sealer, loader, seal_base_url="https://d.ma/v#").test_client()
    assert "fragment.js" in html(client.get("/v"))
    assert verdict(html(client.get("/v?seal=" + seal.removeprefix(SEAL_BASE)))) == "valid"
    with client.get("/static/fragment.js") as script:
        assert "location.hash" in html(script)


def test_app_factory_takes_settings_or_a_mapping(app: Flask) -> None:
    from shahada.verifier.web import SERVICE_KEY, VerifierSettings

    assert isinstance(app.config[SERVICE_KEY].settings, VerifierSettings)


@pytest.mark.parametrize("path", ["/V", "/V/", "/v", "/v/"])
def test_the_website_printed_in_words_opens_the_home_page(client: FlaskClient, path: str) -> None:
    """The paper writes the QR code's base URL out (``https://verify.test/V``): typed by hand,
    with or without its slash, it opens the page where a document is checked."""
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    assert response.request.path == "/"
    assert html(response) == html(client.get("/"))
