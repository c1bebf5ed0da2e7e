"""One PDF/A file per page of a PDF/A typeset by Typst: how many documents are printed in one compile.

Typst pays a fixed cost per compile (laying out the whole source again, writing the fonts, the
background and the PDF structure): 25 documents in one compile cost a fraction of 25 compiles.
The archive wants one PDF/A file per document, so the compiled PDF is cut into its pages with
pikepdf (qpdf), each page keeping what PDF/A-2u asks of a whole file:

- the page and what it draws (content stream, fonts with their Unicode maps, images), copied as
  they are: the same visible page, the same extractable text;
- the output intent (GTS_PDFA1 and its ICC profile), the document language, the viewer preferences;
- the XMP metadata, made the file's own: its title, one page, a document and instance id of its
  own; the document information dictionary says the same (PDF/A wants the two to agree);
- the PDF version of the source (1.7): PDF/A-2 is based on it and the XMP names it.

Fonts are subsets of the glyphs of the whole compile, so a file may carry a few glyphs it does not
draw: a few kilobytes, nothing visible.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Sequence
from typing import Final
from xml.sax.saxutils import escape

import pikepdf

from shahada.printing.errors import TemplateError

_CATALOG_KEYS: Final = ("/Lang", "/ViewerPreferences", "/OutputIntents")
_TITLE: Final = re.compile(r"(<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">)(.*?)(</rdf:li>)", re.S)
_PAGES: Final = re.compile(r"<xmpTPg:NPages>\d+</xmpTPg:NPages>")
_IDS: Final = re.compile(r"<xmpMM:(InstanceID|DocumentID)>[^<]*</xmpMM:\1>")


def _own_xmp(xmp: str, title: str, document_id: str) -> str:
    """The compile's XMP packet made one file's: its title, one page, its own ids."""
    if not (_TITLE.search(xmp) and _PAGES.search(xmp) and _IDS.search(xmp)):
        raise TemplateError("the typeset PDF's XMP metadata lacks a title, page count or document id")
    xmp = _TITLE.sub(lambda m: m.group(1) + escape(title) + m.group(3), xmp, count=1)
    xmp = _PAGES.sub("<xmpTPg:NPages>1</xmpTPg:NPages>", xmp, count=1)
    return _IDS.sub(lambda m: f"<xmpMM:{m.group(1)}>{document_id}</xmpMM:{m.group(1)}>", xmp)


def _copy(target: pikepdf.Pdf, source: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """``value`` of ``source`` as an object of ``target`` (indirect objects it points at copied too)."""
    if isinstance(value, pikepdf.Dictionary | pikepdf.Array):
        return target.copy_foreign(value if value.is_indirect else source.make_indirect(value))
    return value


def split_pages(pdf: bytes, titles: Sequence[str], *, pdf_a: bool = True) -> list[bytes]:
    """One file per page of ``pdf`` (``len(titles)`` pages), titled ``titles``: PDF/A files when
    ``pdf`` is a PDF/A (``pdf_a``).

    Raises:
        TemplateError: ``print.template``, the PDF does not have one page per title, or lacks the
            XMP metadata a PDF/A has.
    """
    source = pikepdf.open(io.BytesIO(pdf))
    try:
        if len(source.pages) != len(titles):
            raise TemplateError(f"the typeset PDF has {len(source.pages)} pages for {len(titles)} documents")
        xmp = bytes(source.Root.Metadata.read_bytes()).decode("utf-8") if pdf_a and "/Metadata" in source.Root else None
        if pdf_a and (xmp is None or "<pdfaid:part>" not in xmp):
            raise TemplateError("the typeset PDF has no PDF/A identification in its XMP metadata: it is not PDF/A")
        info = dict(source.docinfo.items()) if "/Info" in source.trailer else {}
        version = source.pdf_version
        shared = {key: source.Root[key] for key in _CATALOG_KEYS if key in source.Root}
        files = []
        for index, (page, title) in enumerate(zip(source.pages, titles, strict=True)):
            digest = hashlib.sha256(pdf[:4096] + index.to_bytes(4, "big") + title.encode()).digest()[:16]
            document_id = base64.b64encode(digest).decode("ascii")
            with pikepdf.new() as target:
                target.pages.append(page)
                for key, value in shared.items():
                    target.Root[key] = _copy(target, source, value)
                if xmp is not None:
                    target.Root.Metadata = target.make_stream(
                        _own_xmp(xmp, title, document_id).encode("utf-8"), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
                    )
                for key, value in info.items():
                    target.docinfo[key] = value
                target.docinfo["/Title"] = pikepdf.String(title)
                out = io.BytesIO()
                target.save(  # streams written as they are (Typst compressed them), small objects in object streams: ~35 % less CPU
                    out, min_version=version, fix_metadata_version=False, compress_streams=False,
                    stream_decode_level=pikepdf.StreamDecodeLevel.none, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                )  # fmt: skip
                files.append(out.getvalue())
        return files
    finally:
        source.close()
