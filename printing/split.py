"""One PDF/A file per page of a PDF/A typeset by Typst: how many documents are printed in one compile.

Typst pays a fixed cost per compile (laying out the whole source again, writing the fonts, the
background and the PDF structure): 25 documents in one compile cost a fraction of 25 compiles.
The archive wants one PDF/A file per document, so the compiled PDF is cut into its pages with
pikepdf (qpdf): opened once, then written once per page with its page tree holding only that page
(qpdf writes what the trailer reaches, so no object is copied from one PDF into another: about half
the CPU of copying each page into a new PDF). Each file keeps what PDF/A-2u asks of a whole file:

- the page and what it draws (content stream, fonts with their Unicode maps, images), copied as
  they are: the same visible page, the same extractable text;
- the output intent (GTS_PDFA1 and its ICC profile), the document language, the viewer preferences;
- the XMP metadata, made the file's own: its title, one page, a document and instance id of its
  own; the document information dictionary says the same (PDF/A wants the two to agree);
- the PDF version of the source (1.7): PDF/A-2 is based on it and the XMP names it.

Fonts are subsets of the glyphs of the whole compile, so a file may carry a few glyphs it does not
draw: a few kilobytes, nothing visible.

Typst writes a flat page tree (every page a child of the root node) and a catalog of the keys
above only; a nested tree (pages inheriting from nodes) is refused rather than cut wrong, and any
other catalog key (an outline, named destinations: they would point at other pages) is dropped.
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

_CATALOG_KEYS: Final = ("/Type", "/Pages", "/Metadata", "/Lang", "/ViewerPreferences", "/OutputIntents")
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


def split_pages(pdf: bytes, titles: Sequence[str], *, pdf_a: bool = True) -> list[bytes]:
    """One file per page of ``pdf`` (``len(titles)`` pages), titled ``titles``: PDF/A files when
    ``pdf`` is a PDF/A (``pdf_a``).

    Raises:
        TemplateError: ``print.template``, the PDF does not have one page per title, or lacks the
            XMP metadata a PDF/A has.
    """
    source = pikepdf.open(io.BytesIO(pdf))
    try:
        pages = [page.obj for page in source.pages]
        if len(pages) != len(titles):
            raise TemplateError(f"the typeset PDF has {len(pages)} pages for {len(titles)} documents")
        tree = source.Root.Pages
        if any(page.Parent.objgen != tree.objgen for page in pages):  # a nested tree: pages inherit from nodes we would drop
            raise TemplateError("the typeset PDF's page tree is not flat")
        xmp = bytes(source.Root.Metadata.read_bytes()).decode("utf-8") if pdf_a and "/Metadata" in source.Root else None
        if pdf_a and (xmp is None or "<pdfaid:part>" not in xmp):
            raise TemplateError("the typeset PDF has no PDF/A identification in its XMP metadata: it is not PDF/A")
        for key in list(source.Root.keys()):  # nothing else of the catalog (an outline, names) could point at other pages
            if key not in _CATALOG_KEYS:
                del source.Root[key]
        if "/ID" in source.trailer:
            del source.trailer["/ID"]  # each file gets an identifier of its own when written
        version = source.pdf_version
        files = []
        for index, (page, title) in enumerate(zip(pages, titles, strict=True)):
            digest = hashlib.sha256(pdf[:4096] + index.to_bytes(4, "big") + title.encode()).digest()[:16]
            document_id = base64.b64encode(digest).decode("ascii")
            tree.Kids = pikepdf.Array([page])  # the file is what the trailer reaches: this page and what it draws
            tree.Count = 1
            if xmp is not None:
                source.Root.Metadata = source.make_stream(
                    _own_xmp(xmp, title, document_id).encode("utf-8"), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
                )
            source.docinfo["/Title"] = pikepdf.String(title)
            out = io.BytesIO()
            source.save(  # streams written as they are (Typst compressed them), small objects in object streams: ~35 % less CPU
                out, min_version=version, fix_metadata_version=False, compress_streams=False,
                stream_decode_level=pikepdf.StreamDecodeLevel.none, object_stream_mode=pikepdf.ObjectStreamMode.generate,
            )  # fmt: skip
            files.append(out.getvalue())
        return files
    finally:
        source.close()
