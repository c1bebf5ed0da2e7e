"""The public pages in a real browser: Playwright driving Debian's chromium (headless, no sandbox,
no background networking) against the service under waitress, with a diploma issued and sealed
by the real agent and printed to PDF by the real renderer.

- the QR URL read back from a genuine printed diploma → "valid", every check passed, in Arabic,
  French and English (the browser's language), and the Arabic page is right to left;
- a tampered PDF uploaded through the form → "invalid", the failing checks named.

Screenshots go to a temporary directory, or to ``$SHAHADA_SCREENSHOTS`` (``docs/verifier`` keeps
the reference ones: ``SHAHADA_SCREENSHOTS=docs/verifier pytest tests/verifier/web/test_browser.py``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from shahada.printing.pdf import Renderer
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.cose import decode_sign1, encode_sign1
from shahada.schemas.seal.text import seal_bytes, seal_text
from shahada.verifier.scan import read_qr_texts
from tests.verifier.web.conftest import RunningVerifier

pytestmark = pytest.mark.agent
PHONE = {"width": 412, "height": 915}
VERDICTS = {"ar": "صالحة", "fr": "Valide", "en": "Valid"}
LOCALES = {"ar": "ar-MA", "fr": "fr-FR", "en": "en-US"}


@pytest.fixture(scope="module")
def printed(running_verifier: RunningVerifier, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A genuine printed diploma, and a copy whose average was raised and whose QR code carries
    the changed fields under the genuine signature."""
    work = tmp_path_factory.mktemp("printed")
    diploma = running_verifier.diploma()
    text = running_verifier.seal_of(diploma)
    renderer = Renderer()
    (work / "genuine.pdf").write_bytes(renderer.pdf(diploma, text))

    changed = copy.deepcopy(diploma)
    changed["credentialSubject"]["generalAverage"] = "19.50"
    changed["credentialSubject"]["mention"] = {"code": "TB", "name": [{"@value": "Très bien", "@language": "fr"}, {"@value": "حسن جدا", "@language": "ar", "@direction": "rtl"}]}
    genuine = decode_sign1(seal_bytes(text))
    forged = encode_sign1(genuine.protected, SealContent.from_credential(changed).to_cbor(), genuine.signature)
    (work / "tampered.pdf").write_bytes(renderer.pdf(changed, seal_text(forged, running_verifier.seal_base)))
    return {"genuine": work / "genuine.pdf", "tampered": work / "tampered.pdf"}


def new_page(browser: Any, lang: str) -> Any:
    context = browser.new_context(locale=LOCALES[lang], viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    return context.new_page()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_qr_url_of_a_genuine_diploma_is_valid(browser: Any, running_verifier: RunningVerifier, printed: dict[str, Path], shots: Path, lang: str) -> None:
    [url] = read_qr_texts(printed["genuine"].read_bytes())  # what a phone camera reads from the paper
    assert url.startswith(running_verifier.seal_base)
    page = new_page(browser, lang)
    try:
        response = page.goto(url)
        assert response is not None and response.status == 200
        assert page.get_attribute("html", "lang") == lang
        verdict = page.locator("[data-verdict]")
        assert verdict.get_attribute("data-verdict") == "valid"
        assert page.locator("#verdict").inner_text().strip().endswith(VERDICTS[lang])
        checks = page.locator("[data-check]")
        names = [checks.nth(i).get_attribute("data-check") for i in range(checks.count())]
        assert names == ["decode", "key", "signature", "archive", "status"]
        assert all(checks.nth(i).get_attribute("data-outcome") == "passed" for i in range(checks.count()))
        family = page.locator('[data-field="familyName"] dd')
        expected = next(v for v in running_verifier.diploma()["credentialSubject"]["familyName"] if v["@language"] == ("ar" if lang == "ar" else "fr"))
        assert family.inner_text() == expected["@value"]
        page.screenshot(path=str(shots / f"seal-valid-{lang}.png"), full_page=True)
    finally:
        page.context.close()


def test_the_arabic_page_is_right_to_left(browser: Any, running_verifier: RunningVerifier, printed: dict[str, Path]) -> None:
    [url] = read_qr_texts(printed["genuine"].read_bytes())
    page = new_page(browser, "ar")
    try:
        page.goto(url)
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        # laid out from the right: a check's mark stands right of its label, labels end at the right
        mark = page.locator('[data-check="signature"] .mark').bounding_box()
        label = page.locator('[data-check="signature"] .check-label').bounding_box()
        assert mark is not None and label is not None and mark["x"] > label["x"]
        term = page.locator('[data-field="familyName"] dt').bounding_box()
        assert term is not None and term["x"] + term["width"] > PHONE["width"] / 2
        page.goto(running_verifier.url + "/")
        assert page.evaluate("getComputedStyle(document.querySelector('form.verify')).direction") == "rtl"
    finally:
        page.context.close()


def test_a_tampered_pdf_uploaded_is_invalid_and_names_the_check(browser: Any, running_verifier: RunningVerifier, printed: dict[str, Path], shots: Path) -> None:
    page = new_page(browser, "fr")
    try:
        page.goto(running_verifier.url + "/")
        page.set_input_files("#file", str(printed["tampered"]))
        page.click("button[type=submit]")
        page.wait_for_selector("[data-verdict]")
        assert page.locator("[data-verdict]").get_attribute("data-verdict") == "invalid"
        assert page.locator("#verdict").inner_text().strip().endswith("Non valide")
        signature = page.locator('[data-check="signature"]')
        assert signature.get_attribute("data-outcome") == "failed" and signature.get_attribute("data-code") == "signature.invalid"
        assert "Signature numérique" in signature.inner_text() and "modifié après sa signature" in signature.inner_text()
        archive = page.locator('[data-check="archive"]')
        assert archive.get_attribute("data-code") == "archive.mismatch"
        archive.locator("summary").click()
        assert "general_average" in archive.inner_text()
        assert "19,50" not in page.content()  # nothing of an unverified seal is shown
        page.screenshot(path=str(shots / "upload-tampered-fr.png"), full_page=True)
    finally:
        page.context.close()
