"""PDF rendering of printed documents: Jinja2 templates, one stylesheet, WeasyPrint.

A :class:`Renderer` loads the templates, parses the stylesheet and sets up the fonts (fontconfig
through WeasyPrint's ``FontConfiguration``) once, then renders any number of documents: the cost
a batch printer must not pay per page. ``render_naive`` is the opposite, one self-contained
WeasyPrint call per document, kept as the benchmark's baseline.

Files are written atomically (a temporary file in the same directory, then ``os.replace``), so an
interrupted run never leaves a half-written PDF under its final name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final

import jinja2
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from shahada.common.files import write_private
from shahada.printing.document import PrintedDocument, printed_document
from shahada.printing.errors import OutputError, TemplateError
from shahada.printing.guilloche import guilloche_data_uri
from shahada.printing.qr import make_qr
from shahada.printing.settings import PrintSettings, verification_website

MODULE_MM: Final = 0.5  # ≥ 0.33 mm, and ≥ 2.9 pixels a module in a 150 dpi scan
# The padding box of each kind's <body> (print.css): the security background's size, in mm.
BACKGROUND_MM: Final = {"diploma": (275.8, 188.0), "transcript": (189.0, 275.0)}


def background_css() -> str:
    """The security background of each kind of page (a guilloche drawn by shahada.printing.guilloche)."""
    return "".join(f'body.{kind} {{ background-image: url("{guilloche_data_uri(*size)}"); }}\n' for kind, size in BACKGROUND_MM.items())


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


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["halves"] = halves
    return environment


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


class Renderer:
    """Renders printed documents; templates, stylesheets, fonts, the emblem and the security
    background loaded once per instance (the two drawings parsed once, then reused by every page).

    Raises:
        EmblemError: ``print.emblem``, the configured emblem is not a readable SVG file.
    """

    def __init__(self, settings: PrintSettings | None = None, *, module_mm: float = MODULE_MM) -> None:
        self.settings = settings or PrintSettings()
        self.module_mm = module_mm
        self.emblem = self.settings.emblem_data_uri()
        self.environment = _environment()
        self.font_config = FontConfiguration()
        self.stylesheets = [
            CSS(string=(templates_dir() / "print.css").read_text(encoding="utf-8"), font_config=self.font_config),
            CSS(string=background_css(), font_config=self.font_config),
        ]
        self._drawings = {self.emblem, *(guilloche_data_uri(*size) for size in BACKGROUND_MM.values())}
        self._images: dict[str, Any] = {}  # the drawings, parsed by WeasyPrint on first use

    def html(self, document: PrintedDocument, *, inline_css: str = "") -> str:
        try:
            return self.environment.get_template(document.template).render(d=document, settings=self.settings, emblem=self.emblem, inline_css=inline_css)
        except jinja2.TemplateError as err:
            raise TemplateError(f"template {document.template}: {err}") from err

    def render(self, credential: Mapping[str, Any], seal: str) -> Document:
        """The laid-out document (one page) of a signed credential and its seal text."""
        html = self.html(view(credential, seal, module_mm=self.module_mm))
        # WeasyPrint's image cache, seeded with the parsed drawings; a fresh dict each time, so
        # that the QR codes of a long batch are not kept
        cache = dict(self._images)
        document = HTML(string=html, base_url=str(templates_dir())).render(stylesheets=self.stylesheets, font_config=self.font_config, cache=cache)
        if len(self._images) < len(self._drawings):
            self._images = {url: image for url, image in cache.items() if url in self._drawings}
        return document

    def pdf(self, credential: Mapping[str, Any], seal: str) -> bytes:
        data: bytes = self.render(credential, seal).write_pdf()
        return data


def render_naive(credential: Mapping[str, Any], seal: str, settings: PrintSettings | None = None) -> bytes:
    """One document from scratch, as a simple loop would: a new template environment, the
    stylesheet inlined and parsed again, fonts set up again, one WeasyPrint call. The baseline."""
    settings = settings or PrintSettings()
    environment = _environment()
    document = view(credential, seal)
    css = (templates_dir() / "print.css").read_text(encoding="utf-8") + background_css()
    html = environment.get_template(document.template).render(d=document, settings=settings, emblem=settings.emblem_data_uri(), inline_css=css)
    data: bytes = HTML(string=html, base_url=str(templates_dir())).write_pdf()
    return data


def combine(documents: Sequence[Document]) -> Document:
    """One document holding every page of ``documents``, in order (a print-ready batch)."""
    return documents[0].copy([page for document in documents for page in document.pages])


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    Raises:
        OutputError: ``print.output``, the directory or file cannot be written.
    """
    try:
        write_private(path, data)  # 0600 in 0700 directories: a printed document holds personal data
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err}") from err
