"""Printed documents with real parts: WeasyPrint PDFs, rasterised by pdftoppm at 150 dpi, their QR
codes decoded by zxing-cpp and their seals verified offline; pdftotext reads the Arabic back."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from shahada.printing.errors import QRCodeError
from shahada.printing.pdf import Renderer, render_naive, write_atomic
from shahada.printing.qr import make_qr
from shahada.schemas.seal.content import SealContent
from shahada.verifier.seal import verify_seal
from tests.printing.conftest import documents, seal_of
from tests.support.local_sealer import MINISTRY_DID, LocalSealer

DOCUMENTS = documents()


def _subject(credential: dict[str, Any]) -> dict[str, Any]:
    return credential["credentialSubject"]


def _boxes(box: Any) -> Any:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _arabic(text: str) -> str:
    """Arabic letters only, in logical order. pdftotext puts bidi marks and stray spaces around
    letters that do not join to the left, and places harakat (combining marks, positioned by the
    font) by their position rather than their logical order: they are left out here and checked
    on the reference images (docs/printing/)."""
    return "".join(ch for ch in text if "\u0600" <= ch <= "\u06ff" and unicodedata.category(ch) != "Mn")


@pytest.fixture(scope="module")
def rendered(renderer: Renderer, sealer: LocalSealer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Any, str]]:
    out = tmp_path_factory.mktemp("pdf")
    result = {}
    for name, credential in DOCUMENTS.items():
        seal = seal_of(credential, sealer)
        document = renderer.render(credential, seal)
        path = out / f"{name}.pdf"
        write_atomic(path, document.write_pdf())
        result[name] = (path, document, seal)
    return result


@pytest.mark.parametrize("name", DOCUMENTS)
def test_one_page_the_right_size_and_nothing_outside_it(name: str, rendered: dict[str, tuple[Path, Any, str]]) -> None:
    _, document, _ = rendered[name]
    assert len(document.pages) == 1
    page = document.pages[0]
    landscape = name.startswith("diploma")
    assert (round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) == ((297, 210) if landscape else (210, 297))
    right, bottom = page.width, page.height
    footer = next(b for b in _boxes(page._page_box) if getattr(b, "element_tag", "") == "footer")
    in_footer = {id(b) for b in _boxes(footer)}
    for box in _boxes(page._page_box):
        if id(box) not in in_footer and getattr(box, "element_tag", "") in ("table", "p", "h1", "header"):
            assert box.position_y + box.margin_height() <= footer.position_y + 0.5, (name, box.element_tag)
    for box in _boxes(page._page_box):
        if getattr(box, "width", None) is None or not hasattr(box, "position_x"):
            continue
        assert box.position_x + box.margin_width() <= right + 0.5, (name, type(box).__name__, getattr(box, "text", ""))
        assert box.position_y + box.margin_height() <= bottom + 0.5, (name, type(box).__name__, getattr(box, "text", ""))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_qr_code_read_from_a_150_dpi_raster_verifies_offline(name: str, rendered: dict[str, tuple[Path, Any, str]], sealer: LocalSealer) -> None:
    path, _, seal = rendered[name]
    png = path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(png)], check=True)
    codes = zxingcpp.read_barcodes(Image.open(f"{png}.png"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [c.text for c in codes] == [seal]
    assert codes[0].ec_level == "Q"
    result = verify_seal(codes[0].text, trusted_issuers=frozenset({MINISTRY_DID}), resolver=sealer.resolver())
    assert result.verified, result.to_dict()
    assert result.content == SealContent.from_credential(DOCUMENTS[name])


@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdftotext_reads_back_the_names_labels_and_number(name: str, rendered: dict[str, tuple[Path, Any, str]]) -> None:
    path, _, _ = rendered[name]
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    arabic = _arabic(text)
    subject = _subject(DOCUMENTS[name])
    values = [subject[f][1]["@value"] for f in ("familyName", "givenName", "birthPlace")]
    values += [subject["stream"]["name"][1]["@value"], "المملكة المغربية", "وزارة التربية الوطنية والتعليم الأولي والرياضة"]
    values += [r["subjectName"][1]["@value"] for r in subject.get("result", [])]
    for value in values:
        if any(unicodedata.category(ch) == "Mn" for ch in value):
            # harakat move glyphs between pdftotext's lines: the letters must all be there
            assert not Counter(_arabic(value)) - Counter(arabic), value
        else:
            assert _arabic(value) in arabic, value
    flat = re.sub(r"\s+", " ", text)
    for value in (subject["familyName"][0]["@value"].split()[-1], subject["documentNumber"], "Royaume du Maroc"):
        assert value in flat, value
    if "result" in subject:
        for r in subject["result"]:
            assert r["mark"].replace(".", ",") in flat  # Western digits, French decimal comma


def test_the_naive_renderer_prints_the_same_document(renderer: Renderer, sealer: LocalSealer) -> None:
    credential = DOCUMENTS["diploma-long-names"]
    seal = seal_of(credential, sealer)
    naive = subprocess.run(["pdftotext", "-", "-"], input=render_naive(credential, seal), capture_output=True, check=True).stdout
    batch = subprocess.run(["pdftotext", "-", "-"], input=renderer.pdf(credential, seal), capture_output=True, check=True).stdout
    assert naive == batch


def test_qr_modules_are_at_least_a_third_of_a_millimetre(sealer: LocalSealer) -> None:
    qr = make_qr(seal_of(DOCUMENTS["diploma-long-names"], sealer))
    assert qr.version <= 15 and qr.side_mm(0.33) == pytest.approx((qr.size + 8) * 0.33)
    with pytest.raises(QRCodeError) as caught:
        qr.side_mm(0.3)
    assert caught.value.code == "print.qr_module"
    with pytest.raises(QRCodeError) as caught:
        make_qr("A" * 5000)
    assert caught.value.code == "print.qr_overflow"
