"""The baseline of bench/print.py: a document printed as Shahada printed it before Typst, one
self-contained WeasyPrint call per document (HTML/CSS templates in bench/weasyprint_templates/,
kept here only as this baseline; the product has one template, printing/templates/document.typ).

Each call sets everything up again, as a naive loop does: a new template environment, the
stylesheet parsed again, fonts found again, the security background decoded again.
"""

from __future__ import annotations

import base64
import dataclasses
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import jinja2
from PIL import ImageOps
from weasyprint import HTML

from shahada.printing.guilloche import guilloche_jpeg
from shahada.printing.pdf import BACKGROUND_MM, halves, view
from shahada.printing.qr import QUIET_ZONE, make_qr
from shahada.printing.settings import PrintSettings

TEMPLATES: Final = Path(__file__).resolve().parent / "weasyprint_templates"


def _qr_png_data_uri(seal: str) -> str:
    """The QR code as a 1-bit PNG of one pixel a module (quiet zone included), as a data: URI."""
    framed = ImageOps.expand(make_qr(seal).image, border=QUIET_ZONE, fill=255).convert("1")
    out = io.BytesIO()
    framed.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _jpeg_data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def render_weasyprint(credential: Mapping[str, Any], seal: str, settings: PrintSettings | None = None) -> bytes:
    """One document from scratch with WeasyPrint (the naive loop's body)."""
    settings = settings or PrintSettings()
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["halves"] = halves
    document = view(credential, seal)
    d = {**{f.name: getattr(document, f.name) for f in dataclasses.fields(document)}, "qr_png": _qr_png_data_uri(seal)}
    background = "".join(f'body.{kind} {{ background-image: url("{_jpeg_data_uri(guilloche_jpeg(*size))}"); }}\n' for kind, size in BACKGROUND_MM.items())
    css = (TEMPLATES / "print.css").read_text(encoding="utf-8") + background
    emblem = "data:image/svg+xml;base64," + base64.b64encode(settings.emblem_svg().encode()).decode("ascii")
    html = environment.get_template(f"{document.kind}.html.j2").render(d=d, settings=settings, emblem=emblem, inline_css=css)
    data: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return data
