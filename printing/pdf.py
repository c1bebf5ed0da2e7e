"""PDF rendering of printed documents: one Typst template, typeset by Typst (PyPI ``typst``).

A :class:`Renderer` holds one Typst compiler (the template parsed, the fonts found and the
security background written once) and typesets any number of documents with it: Typst memoizes
what does not change from one page to the next (the letterhead, the labels, the background),
the cost a batch printer must not pay per page. ``render_naive`` is the opposite, a new compiler
for each document, kept for comparison.

Each document's view (:class:`~shahada.printing.document.PrintedDocument`) is handed to the
template as JSON in a file beside it (``documents.json``); the template (``templates/document.typ``) lays out one
page per document. Single documents are written as PDF/A-2u (the archive's copy: fonts embedded,
an sRGB output intent, XMP metadata); a batch is one print-ready PDF of many pages.

Files are written atomically (a temporary file in the same directory, then ``os.replace``), so an
interrupted run never leaves a half-written PDF under its final name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import pypdfium2
import typst

from shahada.common.files import write_private, write_private_once
from shahada.printing.document import PrintedDocument, printed_document
from shahada.printing.errors import OutputError, TemplateError
from shahada.printing.guilloche import guilloche_jpeg
from shahada.printing.qr import make_qr
from shahada.printing.settings import PrintSettings, verification_website
from shahada.printing.split import split_pages

MODULE_MM: Final = 0.5  # ≥ 0.33 mm, and ≥ 2.9 pixels a module in a 150 dpi scan
# The area inside each kind's frame (templates/document.typ): the security background's size, in mm.
BACKGROUND_MM: Final = {"diploma": (275.8, 188.0), "transcript": (189.0, 275.0)}
TEMPLATE: Final = "document.typ"
PDF_A: Final = "a-2u"  # PDF/A-2u (ISO 19005-2, level U: B and every glyph mapped to Unicode): the archive's form
PER_COMPILE: Final = 25  # documents typeset in one compile by pdf_each (bench/print.py: ~30 % less CPU a page than one)
FONTS: Final = ("DejaVu Serif", "Amiri")  # Debian's fonts-dejavu-core/-extra and fonts-hosny-amiri

Standard = Literal["a-2u"] | None
_LUMA: Final = bytes.maketrans(b"10", b"\x00\xff")  # a QR module: "1" dark (0), "0" light (255), 8-bit grey


def templates_dir() -> Path:
    return Path(str(resources.files("shahada.printing") / "templates"))


def halves(text: str) -> list[str]:
    """``text`` cut in two lines at the space nearest its middle (after a comma if there is one):
    a long name set deliberately on two lines rather than wrapped wherever the column ends."""
    if ", " in text:
        head, tail = text.split(", ", 1)
        return [head + ",", tail]
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return [text]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def view(credential: Mapping[str, Any], seal: str, *, module_mm: float = MODULE_MM) -> PrintedDocument:
    """The printed view of ``credential`` with the QR code of ``seal`` (its QR text).

    Raises:
        TemplateError: ``print.template``, the credential lacks a printed field.
        QRCodeError: the seal does not fit a QR code.
    """
    qr = make_qr(seal)
    try:
        return printed_document(credential, qr, module_mm=module_mm, website=verification_website(seal))
    except (KeyError, ValueError, TypeError, StopIteration) as err:
        raise TemplateError(f"credential {credential.get('id')!r} cannot be printed: {type(err).__name__}: {err}") from err


def template_data(document: PrintedDocument) -> dict[str, Any]:
    """What the template reads of one document: the view, its letterhead in lines and its QR code."""
    data = dataclasses.asdict(document)
    kingdom_fr, ministry_fr = document.issuer.fr.split(" — ", 1)
    kingdom_ar, ministry_ar = document.issuer.ar.split(" — ", 1)
    transcript = document.kind == "transcript"  # a narrower letterhead: the ministry on two chosen lines
    data["kingdom"] = {"fr": kingdom_fr, "ar": kingdom_ar}
    data["ministry"] = {"fr": halves(ministry_fr) if transcript else [ministry_fr], "ar": halves(ministry_ar) if transcript else [ministry_ar]}
    data["qr"] = {"modules": data.pop("qr_modules"), "side": data.pop("qr_side"), "mm": data.pop("qr_mm"), "version": data.pop("qr_version")}
    return data


@dataclass(frozen=True, slots=True)
class Probe:
    """Where the template laid out one element (millimetres from the page's top left corner)."""

    kind: str  # "line" (an element set on one line), "letterhead-line-fr"/"-ar" (one in the letterhead),
    # "letterhead-fr"/"-ar" (the letterhead's columns), "body-end", "footer-top"
    text: str
    x: float
    y: float
    natural: float  # its width unbroken
    height: float
    available: float | None  # the width it was given


@dataclass(frozen=True, slots=True)
class Layout:
    """What the tests check of a laid-out page: its size and the template's probes."""

    pages: int
    width_mm: float
    height_mm: float
    probes: tuple[Probe, ...]


def backgrounds() -> dict[str, bytes]:
    """The security background of each kind of document, as :class:`Renderer` draws it."""
    return {kind: guilloche_jpeg(*size) for kind, size in BACKGROUND_MM.items()}


def _mm(points: float) -> float:
    return points * 25.4 / 72


class Renderer:
    """Renders printed documents with one Typst compiler: the template, the fonts, the emblem and
    the security background loaded once per instance, then reused by every page. ``backgrounds``:
    the security backgrounds already drawn (:func:`backgrounds`), e.g. by the parent of worker
    processes, which then do not draw them again (~0.35 s of CPU each).

    Raises:
        EmblemError: ``print.emblem``, the configured emblem is not a readable SVG file.
    """

    def __init__(self, settings: PrintSettings | None = None, *, module_mm: float = MODULE_MM, backgrounds: Mapping[str, bytes] | None = None) -> None:
        self.settings = settings or PrintSettings()
        self.module_mm = module_mm
        self.emblem = self.settings.emblem_svg()
        # Typst reads images only from its root: the template and the background's JPEGs in a
        # private folder that lives as long as the renderer
        root = Path(tempfile.mkdtemp(prefix="shahada-print-"))
        self._root = root
        self._cleanup = weakref.finalize(self, shutil.rmtree, root, ignore_errors=True)
        shutil.copyfile(templates_dir() / TEMPLATE, root / TEMPLATE)
        for kind, size in BACKGROUND_MM.items():
            (root / f"{kind}.jpg").write_bytes(backgrounds[kind] if backgrounds else guilloche_jpeg(*size))
        fields = ("signatory_fr", "signatory_ar", "signatory_name_fr", "signatory_name_ar", "place_fr", "place_ar")
        settings_json = json.dumps({"emblem": self.emblem, **{f: getattr(self.settings, f) for f in fields}}, ensure_ascii=False)
        (root / "settings.json").write_text(settings_json, encoding="utf-8")
        self._documents = root / "documents.json"
        self.compiler = typst.Compiler(root / TEMPLATE, root=root, sys_inputs={"inspect": ""})
        self._inspecting = False  # the compiler's sys.inputs: set again only when they change

    @property
    def compiler_root(self) -> Path:
        """The compiler's private folder: the template, settings.json and the background's JPEGs."""
        return self._root

    def close(self) -> None:
        """Remove the compiler's folder (also done when the renderer is garbage-collected)."""
        self._cleanup()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write_documents(self, documents: list[PrintedDocument], title: str) -> list[Path]:
        """documents.json for the template, and the QR codes' pixels, one after the other, in one
        file beside it (the template reads each code's slice as bytes: building them from the
        module string in Typst's interpreter cost more than the rest of the page; one file a
        compile, not one a code). Returns the files written."""
        data = []
        pixels = bytearray()
        for document in documents:
            item = template_data(document)
            code = item["qr"].pop("modules").encode("ascii").translate(_LUMA)
            item["qr"]["offset"] = len(pixels)
            pixels += code
            data.append(item)
        qr = self._root / f"qr-{hashlib.sha256(pixels).hexdigest()[:24]}.raw"  # by content: a file is never read for other codes
        qr.write_bytes(pixels)
        for item in data:
            item["qr"]["file"] = qr.name
        self._documents.write_text(json.dumps({"title": title, "documents": data}, ensure_ascii=False), encoding="utf-8")
        return [self._documents, qr]

    def _compile(self, documents: list[PrintedDocument], *, standard: Standard, title: str, inspect: bool = False) -> bytes:
        """One PDF of ``documents``, a page each. The documents go to the template through a file,
        not ``sys.inputs``: a new input would invalidate all that Typst memoized."""
        written = self._write_documents(documents, title)
        # sys.inputs passed again rebuild Typst's standard library (~1 ms a compile): only when they change
        inputs = ... if inspect == self._inspecting else {"inspect": "1" if inspect else ""}
        self._inspecting = inspect
        try:
            pdf, warnings = self.compiler.compile_with_warnings(format="pdf", sys_inputs=inputs, pdf_standards=standard or [], pdf_tags=False)
        except typst.TypstError as err:
            raise TemplateError(f"template {TEMPLATE}: {err}") from err
        finally:
            for path in written:  # personal data: kept no longer than the compilation
                path.unlink(missing_ok=True)
        for warning in warnings:  # an unknown font is a warning to Typst, and a wrong-looking paper to us
            raise TemplateError(f"template {TEMPLATE}: {warning.message}")
        assert isinstance(pdf, bytes)
        return pdf

    def pdf(self, credential: Mapping[str, Any], seal: str, *, standard: Standard = PDF_A) -> bytes:
        """One document, one page: PDF/A-2u unless ``standard`` is None."""
        document = view(credential, seal, module_mm=self.module_mm)
        return self._compile([document], standard=standard, title=f"{document.title.fr} {document.document_number}")

    def pdf_each(self, items: Iterable[tuple[Mapping[str, Any], str]], *, standard: Standard = PDF_A) -> list[bytes]:
        """One PDF (PDF/A-2u unless ``standard`` is None) per document, in order: what :meth:`pdf`
        makes of each, typeset :data:`PER_COMPILE` documents at a time and split into files
        (:func:`~shahada.printing.split.split_pages`)."""
        documents = [view(credential, seal, module_mm=self.module_mm) for credential, seal in items]
        files: list[bytes] = []
        for start in range(0, len(documents), PER_COMPILE):
            chunk = documents[start : start + PER_COMPILE]
            titles = [f"{d.title.fr} {d.document_number}" for d in chunk]
            pdf = self._compile(chunk, standard=standard, title=f"{len(chunk)} documents")
            files.extend(split_pages(pdf, titles, pdf_a=standard is not None))
        return files

    def pdf_many(self, items: Iterable[tuple[Mapping[str, Any], str]], *, title: str = "", standard: Standard = None) -> bytes:
        """Many documents in one PDF, a page each, in order (a print-ready batch)."""
        documents = [view(credential, seal, module_mm=self.module_mm) for credential, seal in items]
        return self._compile(documents, standard=standard, title=title or f"{len(documents)} documents")

    def inspect(self, credential: Mapping[str, Any], seal: str) -> Layout:
        """The page of one document as laid out, with the template's probes (for the tests)."""
        document = view(credential, seal, module_mm=self.module_mm)
        data = self._compile([document], standard=None, title="", inspect=True)
        written = self._write_documents([document], "")
        try:
            found = json.loads(self.compiler.query("<probe>", field="value"))
        finally:
            for path in written:
                path.unlink(missing_ok=True)
        pdf = pypdfium2.PdfDocument(data)
        try:
            pages = len(pdf)
            width, height = (_mm(v) for v in pdf[0].get_size())
        finally:
            pdf.close()
        probes = tuple(
            Probe(p["kind"], p["text"], _mm(p["x"]), _mm(p["y"]), _mm(p["natural"]), _mm(p["height"]), None if p["available"] is None else _mm(p["available"]))
            for p in found
        )
        return Layout(pages=pages, width_mm=width, height_mm=height, probes=probes)


def render_naive(credential: Mapping[str, Any], seal: str, settings: PrintSettings | None = None) -> bytes:
    """One document from scratch, as a simple loop would: a new compiler (template parsed, fonts
    found, background written again), one page, nothing reused."""
    with Renderer(settings) as renderer:
        return renderer.pdf(credential, seal)


_worker_renderers: dict[Any, Renderer] = {}  # in a worker process: one renderer per settings


def render_in_worker(settings: PrintSettings | None, credential: Mapping[str, Any], seal: str) -> bytes:
    """A task for a worker process (the portal's PDFs, :class:`shahada.common.isolation.WorkerPool`):
    the PDF of ``credential`` with the QR code of ``seal``, by this process's renderer for
    ``settings`` (made at its first document: Typst loads the fonts once). It lives here, not in
    the portal, so that a worker imports printing only, not the portal's web application."""
    renderer = _worker_renderers.get(settings)
    if renderer is None:
        renderer = _worker_renderers[settings] = Renderer(settings)
    return renderer.pdf(credential, seal)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    Raises:
        OutputError: ``print.output``, the directory or file cannot be written.
    """
    try:
        write_private(path, data)  # 0600 in 0700 directories: a printed document holds personal data
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err}") from err


def write_once(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it exists (appearing whole; of racing writers exactly one
    writes it). Returns whether this call wrote it.

    Raises:
        OutputError: ``print.output``, the directory or file cannot be written.
    """
    try:
        return write_private_once(path, data)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err}") from err
