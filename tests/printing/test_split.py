"""Many documents typeset in one Typst compile, then split into one PDF/A file each
(``Renderer.pdf_each``, ``shahada.printing.split``): each file must be what the archive would get
from the document typeset alone — PDF/A-2u of its own, the same page to the pixel, its QR code and
both languages read back — and the files must come out in the documents' order."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from shahada.printing.errors import TemplateError
from shahada.printing.pdf import PER_COMPILE, Renderer
from shahada.printing.split import split_pages
from tests.printing.conftest import documents, seal_of
from tests.support.local_sealer import LocalSealer

DOCUMENTS = list(documents().values())


@pytest.fixture(scope="module")
def each(renderer: Renderer, sealer: LocalSealer) -> list[tuple[dict[str, Any], str, bytes]]:
    """More documents than one compile takes (two compiles), each of the hard cases several times."""
    items = [(DOCUMENTS[i % len(DOCUMENTS)], seal_of(DOCUMENTS[i % len(DOCUMENTS)], sealer)) for i in range(PER_COMPILE + 2)]
    files = renderer.pdf_each(items)
    assert len(files) == len(items)
    return [(c, s, f) for (c, s), f in zip(items, files, strict=True)]


def _number(credential: dict[str, Any]) -> str:
    return str(credential["credentialSubject"]["documentNumber"])


def _raster(pdf: bytes, dpi: int = 150) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image: Image.Image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
        return image
    finally:
        document.close()


def _arabic(text: str) -> str:
    """Arabic letters only, in logical order, without harakat (as test_pdf compares them)."""
    return "".join(ch for ch in text if "\u0600" <= ch <= "\u06ff" and unicodedata.category(ch) != "Mn")


def _xmp(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return bytes(opened.Root.Metadata.read_bytes()).decode()


def test_each_file_is_pdf_a_2u_of_its_own(each: list[tuple[dict[str, Any], str, bytes]], tmp_path: Path) -> None:
    """What PDF/A-2u declares and needs, per file (no validator is packaged, see test_pdf): the XMP
    identification, an output intent with its ICC profile, an unfiltered metadata stream, every
    font embedded with a Unicode map, PDF 1.7; and the file's own title, page count and id, which
    the document information dictionary repeats."""
    ids = set()
    for credential, _, data in each:
        xmp = _xmp(data)
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>U</pdfaid:conformance>" in xmp
        assert "<xmpTPg:NPages>1</xmpTPg:NPages>" in xmp
        title = re.search(r'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">(.*?)</rdf:li>', xmp)
        assert title is not None and title.group(1).endswith(f" {_number(credential)}")
        ids.update(re.findall(r"<xmpMM:DocumentID>([^<]*)</xmpMM:DocumentID>", xmp))
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert pdf.pdf_version == "1.7" and len(pdf.pages) == 1
            assert "/Filter" not in pdf.Root.Metadata.stream_dict
            intents = pdf.Root.OutputIntents
            assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1" and len(intents[0].DestOutputProfile.read_bytes()) > 0
            assert str(pdf.docinfo.Title) == title.group(1)
            assert "/Lang" in pdf.Root
        path = tmp_path / "one.pdf"
        path.write_bytes(data)
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
        assert len(fonts) >= 4
        for line in fonts:
            assert line.split()[-5:-2] == ["yes", "yes", "yes"], line
        info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
        assert "Syntax Error" not in info.stderr and "Pages:           1" in info.stdout
    assert len(ids) == len(each)  # one document id per file


def test_each_file_shows_exactly_the_page_typeset_alone(each: list[tuple[dict[str, Any], str, bytes]], renderer: Renderer) -> None:
    for credential, seal, data in each[: len(DOCUMENTS)] + each[PER_COMPILE:]:  # each case, and the second compile's
        alone = renderer.pdf(credential, seal)
        assert _raster(data).tobytes() == _raster(alone).tobytes(), _number(credential)


def test_each_files_qr_code_decodes_and_pdftotext_reads_both_languages(each: list[tuple[dict[str, Any], str, bytes]]) -> None:
    for credential, seal, data in each[: len(DOCUMENTS) + 1] + each[-2:]:
        codes = zxingcpp.read_barcodes(_raster(data).convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
        assert [c.text for c in codes] == [seal]
        text = subprocess.run(["pdftotext", "-", "-"], input=data, check=True, capture_output=True).stdout.decode()
        subject = credential["credentialSubject"]
        arabic = _arabic(text)
        assert _arabic("المملكة المغربية") in arabic
        assert not Counter(_arabic(subject["familyName"][1]["@value"])) - Counter(arabic)  # harakat move letters between lines
        flat = re.sub(r"\s+", " ", text)
        assert subject["familyName"][0]["@value"].split()[-1] in flat and "Royaume du Maroc" in flat
        assert _number(credential) in flat  # the right document in the right file


def test_a_pdf_without_one_page_a_title_or_its_metadata_is_refused(renderer: Renderer, sealer: LocalSealer) -> None:
    credential = DOCUMENTS[0]
    two = renderer.pdf_many([(credential, seal_of(credential, sealer))] * 2, standard="a-2u")
    with pytest.raises(TemplateError, match="2 pages for 3 documents"):
        split_pages(two, ["a", "b", "c"])
    plain = renderer.pdf_many([(credential, seal_of(credential, sealer))] * 2)  # not PDF/A: no XMP
    with pytest.raises(TemplateError, match="not PDF/A"):
        split_pages(plain, ["a", "b"])
    assert len(split_pages(plain, ["a", "b"], pdf_a=False)) == 2


def test_a_nested_page_tree_is_refused_and_each_file_holds_only_its_page() -> None:
    """The split writes each file from the page tree's root: a page under an intermediate node
    (which could give it resources or a media box) is refused, never cut without them; and a
    catalog entry pointing at other pages (an outline) does not drag them into a file."""
    nested = pikepdf.new()
    for _ in range(2):
        nested.add_blank_page()
    root = nested.Root.Pages
    node = nested.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Pages, Kids=pikepdf.Array(list(root.Kids)), Count=2, Parent=root))
    for kid in node.Kids:
        kid.Parent = node
    root.Kids = pikepdf.Array([node])
    out = io.BytesIO()
    nested.save(out)
    with pytest.raises(TemplateError, match="not flat"):
        split_pages(out.getvalue(), ["a", "b"], pdf_a=False)

    flat = pikepdf.new()
    for _ in range(3):
        flat.add_blank_page()
    flat.Root.Outlines = flat.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Pages=pikepdf.Array(list(flat.Root.Pages.Kids))))
    out = io.BytesIO()
    flat.save(out)
    files = split_pages(out.getvalue(), ["a", "b", "c"], pdf_a=False)
    ids = set()
    for data, title in zip(files, ["a", "b", "c"], strict=True):
        with pikepdf.open(io.BytesIO(data)) as one:
            assert len(one.pages) == 1 and "/Outlines" not in one.Root and str(one.docinfo.Title) == title
            assert sum(1 for o in one.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Page") == 1
            ids.add(bytes(one.trailer.ID[0]))
    assert len(ids) == 3  # a file identifier of its own each
