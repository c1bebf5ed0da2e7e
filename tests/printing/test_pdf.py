"""Printed documents with real parts: Typst PDFs, rasterised by pdftoppm at 150 dpi, their QR
codes decoded by zxing-cpp and their seals verified offline; pdftotext reads the Arabic back. The
layout is read back from the template's probes (``Renderer.inspect``: where each element was laid
out, how wide it is unbroken and how wide its column is)."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from shahada.printing.errors import EmblemError, QRCodeError
from shahada.printing.guilloche import guilloche_jpeg
from shahada.printing.pdf import BACKGROUND_MM, Layout, Renderer, halves, render_naive, view, write_atomic
from shahada.printing.qr import make_qr
from shahada.printing.settings import DEFAULT_EMBLEM, PrintSettings, verification_website
from shahada.schemas.reference import bundled_reference
from shahada.schemas.seal.content import SealContent
from shahada.verifier.seal import verify_seal
from tests.printing.conftest import documents, seal_of
from tests.support.local_sealer import MINISTRY_DID, PRODUCTION_BASE, LocalSealer

DOCUMENTS = documents()


def _subject(credential: dict[str, Any]) -> dict[str, Any]:
    return credential["credentialSubject"]


def _arabic(text: str) -> str:
    """Arabic letters only, in logical order. pdftotext puts bidi marks and stray spaces around
    letters that do not join to the left, and places harakat (combining marks, positioned by the
    font) by their position rather than their logical order: they are left out here and checked
    on the reference images (docs/printing/)."""
    return "".join(ch for ch in text if "\u0600" <= ch <= "\u06ff" and unicodedata.category(ch) != "Mn")


@pytest.fixture(scope="module")
def rendered(renderer: Renderer, sealer: LocalSealer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Layout, str]]:
    out = tmp_path_factory.mktemp("pdf")
    result = {}
    for name, credential in DOCUMENTS.items():
        seal = seal_of(credential, sealer)
        path = out / f"{name}.pdf"
        write_atomic(path, renderer.pdf(credential, seal))
        result[name] = (path, renderer.inspect(credential, seal), seal)
    return result


@pytest.mark.parametrize("name", DOCUMENTS)
def test_one_page_the_right_size_and_nothing_outside_it(name: str, rendered: dict[str, tuple[Path, Layout, str]]) -> None:
    path, layout, _ = rendered[name]
    assert layout.pages == 1 and _pdftotext(path).count("\f") == 1
    landscape = name.startswith("diploma")
    assert (round(layout.width_mm), round(layout.height_mm)) == ((297, 210) if landscape else (210, 297))
    right, bottom = layout.width_mm, layout.height_mm
    footer = next(p for p in layout.probes if p.kind == "footer-top")
    body_end = next(p for p in layout.probes if p.kind == "body-end")  # after the last block above the seal
    assert body_end.y <= footer.y + 0.13, name  # 0.5 CSS pixel
    for probe in layout.probes:
        assert probe.x + probe.natural <= right + 0.13, (name, probe.kind, probe.text)
        assert probe.y + probe.height <= bottom + 0.13, (name, probe.kind, probe.text)



def raster(pdf: Path, *, dpi: int, gray: bool = False, page: int = 1, into: Path | None = None) -> Image.Image:
    """One page of ``pdf`` rasterised by pdftoppm, as pixels: a PPM (PGM in ``gray``), which
    pdftoppm writes without compressing (a PNG cost ten times as much for the same pixels)."""
    stem = into if into is not None else pdf.with_suffix("")
    colour = ["-gray"] if gray else []
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), *colour, "-singlefile", str(pdf), str(stem)], check=True)
    return Image.open(stem.with_name(stem.name + (".pgm" if gray else ".ppm")))

@pytest.mark.parametrize("name", DOCUMENTS)
def test_qr_code_read_from_a_150_dpi_raster_verifies_offline(name: str, rendered: dict[str, tuple[Path, Layout, str]], sealer: LocalSealer) -> None:
    path, _, seal = rendered[name]
    codes = zxingcpp.read_barcodes(raster(path, dpi=150), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [c.text for c in codes] == [seal]
    assert codes[0].ec_level == "Q"
    result = verify_seal(codes[0].text, trusted_issuers=frozenset({MINISTRY_DID}), resolver=sealer.resolver())
    assert result.verified, result.to_dict()
    assert result.content == SealContent.from_credential(DOCUMENTS[name])


def test_a_qr_code_once_missed_beside_the_border_band_is_read(renderer: Renderer, tmp_path: Path) -> None:
    """This QR text (a transcript's seal, signed by a throwaway key) was not found by zxing-cpp in a
    150 dpi raster of the whole page while the security background's border band ran up to the
    code's quiet zone (about one seal in thirty); a 2 mm white margin round the code keeps the band
    away. The whole page is read, as a scan is."""
    seal = (Path(__file__).parent / "seal-beside-the-band.txt").read_text(encoding="ascii").strip()
    (tmp_path / "page.pdf").write_bytes(renderer.pdf(DOCUMENTS["transcript-ajourne"], seal))
    codes = zxingcpp.read_barcodes(raster(tmp_path / "page.pdf", dpi=150).convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [c.text for c in codes] == [seal]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdftotext_reads_back_the_names_labels_and_number(name: str, rendered: dict[str, tuple[Path, Layout, str]]) -> None:
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


def test_the_security_background_is_copied_into_the_pdf_as_is_and_once_a_file(renderer: Renderer, sealer: LocalSealer, tmp_path: Path) -> None:
    """The guilloche is a JPEG that Typst copies into the PDF byte for byte (so it is not
    compressed again for each document), once per file however many pages share it, and it is
    seen: the border band is printed inside the frame."""
    for kind, name in (("diploma", "diploma-long-names"), ("transcript", "transcript-ajourne")):
        jpeg = guilloche_jpeg(*BACKGROUND_MM[kind])
        assert jpeg.startswith(b"\xff\xd8") and len(jpeg) < 200_000
        credential = DOCUMENTS[name]
        pdf = renderer.pdf(credential, seal_of(credential, sealer))
        assert pdf.count(jpeg) == 1 and b"/DCTDecode" in pdf, kind
    diplomas = [DOCUMENTS[n] for n in ("diploma-long-names", "diploma-diacritics", "diploma-long-names")]
    batch = renderer.pdf_many([(c, seal_of(c, sealer)) for c in diplomas])
    assert batch.count(guilloche_jpeg(*BACKGROUND_MM["diploma"])) == 1
    (tmp_path / "batch.pdf").write_bytes(batch)
    page = raster(tmp_path / "batch.pdf", dpi=50, page=3).convert("RGB")
    # the band runs 2.2 to 6.7 mm inside the body's padding box: tinted, neither white nor text
    band = page.crop((page.width // 3, 0, 2 * page.width // 3, round(20 * 50 / 25.4)))
    colours = [band.getpixel((x, y)) for x in range(band.width) for y in range(band.height)]
    tinted = [p for p in colours if isinstance(p, tuple) and p != (255, 255, 255) and min(p) > 100 and p[1] > p[0]]  # green over white
    assert len(tinted) > band.width * 6, len(tinted)  # without the background: only the text's anti-aliased edges, a fifth of that


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


def _pdftotext(path_or_pdf: Path | bytes) -> str:
    if isinstance(path_or_pdf, bytes):
        return subprocess.run(["pdftotext", "-", "-"], input=path_or_pdf, check=True, capture_output=True).stdout.decode()
    return subprocess.run(["pdftotext", str(path_or_pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("name", DOCUMENTS)
def test_nothing_set_on_one_line_wraps(name: str, rendered: dict[str, tuple[Path, Layout, str]]) -> None:
    """Names, birth places, streams, labels ("Moyenne générale"), titles, the letterhead, the
    transcript's subjects and the place of issue (the template's `one-line` elements) are each laid
    out on exactly one line: unbroken, each is no wider than the column it was given."""
    _, layout, _ = rendered[name]
    checked = []
    for probe in layout.probes:
        if probe.available is None:
            continue
        lines = 1 if probe.natural <= probe.available + 0.01 else 2  # Typst breaks a line wider than its column
        assert lines == 1, (name, probe.text, probe.natural, probe.available)
        checked.append(probe.text)
    subject = _subject(DOCUMENTS[name])
    values = [subject["familyName"][0]["@value"], subject["givenName"][1]["@value"], "Moyenne générale"]
    values += [r["subjectName"][lang]["@value"] for r in subject.get("result", []) for lang in (0, 1)]  # the transcript's subjects
    for value in values:
        assert any(value in text for text in checked), value


def test_the_longest_subject_names_of_the_reference_are_among_the_printed_cases() -> None:
    """The no-wrap test above sees every subject name of the printed cases: it covers the widest
    names of the reference only if they are among them (a longer subject added to the reference
    needs a case)."""
    subjects = bundled_reference().subjects.values()
    printed = {(r["subjectName"][0]["@value"], r["subjectName"][1]["@value"]) for d in DOCUMENTS.values() for r in _subject(d).get("result", [])}
    for longest in (max(subjects, key=lambda label: len(label.fr)), max(subjects, key=lambda label: len(label.ar))):
        assert (longest.fr, longest.ar) in printed, longest


def _gap_mm(page: Image.Image, left: int, right: int, upper: int, lower: int, dpi: int) -> float:
    """The narrowest blank between two lines of text whose baselines are at rows ``upper`` and
    ``lower``: in each pixel column that has ink between them, the tallest run of blank paper."""
    pixels = page.load()
    assert pixels is not None
    narrowest = lower - upper
    for x in range(left, right):
        ink = "".join("x" if pixels[x, y] < 130 else " " for y in range(upper, lower))  # type: ignore[operator]
        if "x" in ink:
            narrowest = min(narrowest, max(len(run) for run in ink.split("x")))
    return narrowest * 25.4 / dpi


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_letterhead_lines_stand_apart(name: str, rendered: dict[str, tuple[Path, Layout, str]], tmp_path: Path) -> None:
    """The lines of the letterhead (kingdom, ministry, academy) do not crowd one another, read at
    200 dpi: at least 1.2 mm of blank paper between two Arabic lines (Amiri's dots and hamzas
    reach far above and below its letters) and 0.4 mm between two French lines."""
    path, layout, _ = rendered[name]
    dpi = 200
    page = raster(path, dpi=dpi, gray=True, into=tmp_path / "page").convert("L")
    scale = dpi / 25.4
    columns = [p for p in layout.probes if p.kind in ("letterhead-fr", "letterhead-ar")]
    assert [c.kind for c in columns] == ["letterhead-fr", "letterhead-ar"]
    for column in columns:
        lang = column.kind.removeprefix("letterhead-")
        lines = [p for p in layout.probes if p.kind == f"letterhead-line-{lang}"]
        assert len(lines) >= 4, (name, lang)
        middles = [round((line.y + line.height / 2) * scale) for line in lines]  # inside each line's letters
        left, right = round(column.x * scale), round((column.x + (column.available or 0)) * scale)
        for index, (upper, lower) in enumerate(itertools.pairwise(middles)):
            gap = _gap_mm(page, left, right, upper, lower, dpi)
            assert gap >= (1.2 if lang == "ar" else 0.4), (name, lang, lines[index + 1].text, gap)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_verification_website_is_written_out_in_both_languages(name: str, rendered: dict[str, tuple[Path, Layout, str]]) -> None:
    path, _, seal = rendered[name]
    assert seal.startswith(PRODUCTION_BASE)
    text = _pdftotext(path)
    flat = re.sub(r"\s+", " ", text)
    assert "Vérifiez ce document sur https://diplomes.men.gov.ma/v " in flat
    assert flat.count("https://diplomes.men.gov.ma/v") == 2  # the French sentence and the Arabic one
    assert _arabic("تحقق من هذه الوثيقة على الموقع") in _arabic(text)
    assert "shahada" not in text.lower() and "verify" not in text  # no command names on paper


def test_the_website_is_the_qr_codes_base_url_as_people_write_it() -> None:
    assert verification_website("HTTPS://DIPLOMES.MEN.GOV.MA/V/ABC234") == "https://diplomes.men.gov.ma/V"
    assert verification_website("http://127.0.0.1:8443/V/ABC") == "http://127.0.0.1:8443/V"
    assert verification_website("https://x.ma/check?lang=fr&seal=ABC") == "https://x.ma/check?lang=fr"
    assert verification_website("https://x.ma/check?seal=ABC") == "https://x.ma/check"
    assert verification_website("ABCDEF234") is None


def test_the_issuing_authority_and_signatory_block(rendered: dict[str, tuple[Path, Layout, str]]) -> None:
    for name in DOCUMENTS:
        text = _pdftotext(rendered[name][0])
        flat = re.sub(r"\s+", " ", text)
        issued = DOCUMENTS[name]["validFrom"][:10].split("-")
        date = "/".join(reversed(issued))
        assert f"Fait à Rabat, le {date}" in flat, name
        assert "Le Ministre de l'Éducation nationale" in flat, name
        assert "Académie régionale d'éducation et de formation" in flat, name
        for arabic in ("حرر بالرباط في", "وزير التربية الوطنية", "الأكاديمية الجهوية للتربية والتكوين"):
            assert _arabic(arabic) in _arabic(text), (name, arabic)


def test_the_configured_emblem_and_signatory_are_printed(sealer: LocalSealer, tmp_path: Path) -> None:
    emblem = tmp_path / "emblem.svg"
    emblem.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#c00"/></svg>')
    settings = PrintSettings(emblem=emblem, signatory_fr="Le Directeur de l'Académie", signatory_ar="مدير الأكاديمية",
                             signatory_name_fr="Mme Exemple", signatory_name_ar="السيدة مثال", place_fr="Errachidia", place_ar="الرشيدية")  # fmt: skip
    renderer = Renderer(settings)
    credential = DOCUMENTS["diploma-long-names"]
    seal = seal_of(credential, sealer)
    template_settings = (Path(renderer.compiler_root) / "settings.json").read_text(encoding="utf-8")
    assert json.dumps(settings.emblem_svg(), ensure_ascii=False) in template_settings
    assert json.dumps(PrintSettings().emblem_svg(), ensure_ascii=False) not in template_settings
    pdf = renderer.pdf(credential, seal)
    flat = re.sub(r"\s+", " ", _pdftotext(pdf))
    for value in ("Le Directeur de l'Académie", "Mme Exemple", "Fait à Errachidia, le"):
        assert value in flat, value
    for value in ("مدير الأكاديمية", "السيدة مثال", "حرر بالرشيدية في"):
        assert _arabic(value) in _arabic(flat), value
    # the red emblem is drawn at the head of the page, centred
    (tmp_path / "page.pdf").write_bytes(pdf)
    image = raster(tmp_path / "page.pdf", dpi=50).convert("RGB")
    red = [(x, y) for x in range(image.width) for y in range(image.height // 4) if image.getpixel((x, y)) == (204, 0, 0)]
    assert red and abs(sum(x for x, _ in red) / len(red) - image.width / 2) < image.width * 0.05


@pytest.mark.parametrize("content", [None, b"\x89PNG\r\n", b"<html xmlns='http://www.w3.org/1999/xhtml'/>"])
def test_an_emblem_that_is_not_svg_is_refused(tmp_path: Path, content: bytes | None) -> None:
    emblem = tmp_path / "emblem.svg"
    if content is not None:
        emblem.write_bytes(content)
    with pytest.raises(EmblemError) as caught:
        Renderer(PrintSettings(emblem=emblem))
    assert caught.value.code == "print.emblem"


def test_the_default_emblem_is_the_projects_own_drawing() -> None:
    assert DEFAULT_EMBLEM.read_text().startswith("<svg") and "coat of arms" in DEFAULT_EMBLEM.read_text()
    assert PrintSettings().emblem == DEFAULT_EMBLEM


def test_long_names_are_set_on_two_chosen_lines() -> None:
    assert halves("Ministère de l'Éducation nationale, du Préscolaire et des Sports") == ["Ministère de l'Éducation nationale,", "du Préscolaire et des Sports"]
    assert halves("وزارة التربية الوطنية والتعليم الأولي والرياضة") == ["وزارة التربية الوطنية", "والتعليم الأولي والرياضة"]


def test_a_single_document_is_pdf_a_2u_and_a_batch_is_plain_pdf(renderer: Renderer, sealer: LocalSealer, tmp_path: Path) -> None:
    """No PDF/A validator is packaged for PyPI or Debian (veraPDF is not); what is checked here is
    what PDF/A-2u declares and needs of this document: the XMP identification (part 2, level U),
    an output intent (GTS_PDFA1) with its ICC profile, every font embedded with a Unicode map,
    and the PDF's structure as poppler reads it."""
    credential = DOCUMENTS["transcript-long-names-15-subjects"]
    pdf = tmp_path / "archive.pdf"
    pdf.write_bytes(renderer.pdf(credential, seal_of(credential, sealer)))
    xmp = subprocess.run(["pdfinfo", "-meta", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>U</pdfaid:conformance>" in xmp
    assert f"{_subject(credential)['documentNumber']}</rdf:li>" in xmp  # the title: the document's number
    data = pdf.read_bytes()
    assert b"/OutputIntents" in data and b"/GTS_PDFA1" in data and b"/DestOutputProfile" in data
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(fonts) >= 4  # DejaVu Serif, its bold, Amiri, Amiri bold at least
    for line in fonts:
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line  # embedded, subset, Unicode map
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert "Syntax Error" not in info.stderr and "Pages:           1" in info.stdout
    batch = renderer.pdf_many([(credential, seal_of(credential, sealer))] * 2)
    assert b"pdfaid" not in batch and batch.startswith(b"%PDF-")


def _vertical_gap_mm(page: Image.Image, box: tuple[int, int, int, int], split: int, dpi: int) -> float:
    """The narrowest blank between two lines of ink in ``box`` (left, top, right, bottom). Each
    connected stroke of ink (a letter, a dot, a vowel mark) belongs to the upper line if its middle
    is above row ``split`` (the upper line's box bottom), else to the lower one. In each pixel column
    with ink of both, the blank from the upper line's lowest ink to the lower line's highest; a
    stroke of the upper line reaching more than 0.6 mm below ``split`` has a mark of the lower line
    run into it (negative: by how much)."""
    left, top, right, bottom = box
    pixels = page.load()
    assert pixels is not None
    ink = {(x, y) for x in range(left, right) for y in range(top, bottom) if pixels[x, y] < 130}  # type: ignore[operator]
    upper: dict[int, int] = {}  # column → lowest ink of the upper line
    lower: dict[int, int] = {}  # column → highest ink of the lower line
    overrun = 0
    while ink:
        stack, component = [ink.pop()], []
        while stack:
            x, y = stack.pop()
            component.append((x, y))
            for near in ((x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
                if near in ink:
                    ink.remove(near)
                    stack.append(near)
        if sum(y for _, y in component) / len(component) < split:
            overrun = max(overrun, max(y for _, y in component) - split - round(0.6 * dpi / 25.4))
            for x, y in component:
                upper[x] = max(upper.get(x, top), y)
        else:
            for x, y in component:
                lower[x] = min(lower.get(x, bottom), y)
    if overrun > 0:
        return -overrun * 25.4 / dpi
    return min((lower[x] - upper[x] - 1 for x in upper.keys() & lower.keys()), default=bottom - top) * 25.4 / dpi


def test_arabic_vowel_marks_stand_clear_of_the_label_above(rendered: dict[str, tuple[Path, Layout, str]], tmp_path: Path) -> None:
    """Harakat over a name (shadda and fatha stacked over "العَلَوِيّ", damma over "مُحَمَّد") do not
    touch the label above it: blank paper between the label's lowest ink and the marks, read at
    300 dpi in the Arabic column (the WeasyPrint layout let them touch)."""
    path, layout, _ = rendered["diploma-diacritics"]
    subject = _subject(DOCUMENTS["diploma-diacritics"])
    dpi = 300
    page = raster(path, dpi=dpi, gray=True, into=tmp_path / "page").convert("L")
    scale = dpi / 25.4
    for label, value in (("الاسم العائلي", subject["familyName"][1]["@value"]), ("الاسم الشخصي", subject["givenName"][1]["@value"])):
        above = next(p for p in layout.probes if p.text == label)
        name = next(p for p in layout.probes if p.text == value)
        assert any(unicodedata.category(ch) == "Mn" for ch in value)  # the case has harakat
        box = (round(name.x * scale), round(above.y * scale), round((name.x + (name.available or 0)) * scale), round((name.y + name.height) * scale))
        gap = _vertical_gap_mm(page, box, round((above.y + above.height) * scale), dpi)  # split: the label's line box bottom
        assert gap >= 0.25, (label, value, gap)


def test_a_compile_after_inspect_carries_no_probes(sealer: LocalSealer) -> None:
    """The renderer sets Typst's sys.inputs again only when inspect changes: the first compile
    after an inspection must lay out without probes, the next inspection with them."""
    renderer = Renderer()
    credential = DOCUMENTS["diploma-long-names"]
    seal = seal_of(credential, sealer)

    def probes() -> list[Any]:
        written = renderer._write_documents([view(credential, seal)], "")
        try:
            return list(json.loads(renderer.compiler.query("<probe>", field="value")))
        finally:
            for path in written:
                path.unlink(missing_ok=True)

    renderer.pdf(credential, seal)
    assert probes() == []
    assert renderer.inspect(credential, seal).probes
    renderer.pdf(credential, seal)
    assert probes() == []
    assert renderer.inspect(credential, seal).probes and probes()
