"""Find the QR code of a printed document in a photo, a scan or a PDF, and read its text.

QR codes (ISO/IEC 18004) are located and decoded by zxing-cpp; PDF pages are rasterised by PDFium
(pypdfium2) at 200 dpi, enough for modules of 0.33 mm and more. The file's type comes from its
first bytes (PNG, JPEG, PDF signatures), never from its name. Input is bounded: at most 50 MB,
40 megapixels an image, the first 10 pages of a PDF, one page in memory at a time. Time, CPU and
memory are bounded by the caller: the verifier service runs this in a limited worker process
(:mod:`shahada.verifier.workers`).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from typing import Final

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, UnidentifiedImageError

from shahada.verifier.errors import ScanError

__all__ = ["MAX_FILE_BYTES", "is_scannable", "read_qr_texts"]

MAX_FILE_BYTES: Final = 50 * 1024 * 1024
MAX_PIXELS: Final = 40_000_000
MAX_PDF_PAGES: Final = 10
PDF_DPI: Final = 200


def kind_of(data: bytes) -> str | None:
    """``"pdf"`` or ``"image"`` (PNG, JPEG) from the first bytes, or None. A PDF header may come
    after up to 1 KiB of other bytes (ISO 32000-1 §7.5.2, as readers accept)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return "image" if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) else None


def is_scannable(data: bytes) -> bool:
    return kind_of(data) is not None


def read_qr_texts(data: bytes) -> list[str]:
    """The texts of every QR code found, page by page (PDF) and in reading order.

    Raises:
        ScanError: ``scan.too_large`` past the size limits, ``scan.unreadable`` for bytes that are
            not a readable PNG, JPEG or PDF, ``scan.no_code`` when no QR code is found.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ScanError(f"the file is {len(data)} bytes; at most {MAX_FILE_BYTES} are read", code="scan.too_large")
    kind = kind_of(data)
    if kind is None:
        raise ScanError("not a PNG, JPEG or PDF file", code="scan.unreadable")
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    texts: list[str] = []
    count = 0
    # one page in memory at a time: each is decoded, then dropped before the next is rendered
    for image in _pdf_pages(data) if kind == "pdf" else iter([_image(data)]):
        count += 1
        texts.extend(r.text for r in zxingcpp.read_barcodes(image, formats=formats) if r.valid and r.text)
        del image
    if not texts:
        where = f"the first {count} page(s) of the PDF" if kind == "pdf" else "the image"
        raise ScanError(f"no QR code found in {where}", code="scan.no_code")
    return texts


def _image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ScanError(f"the image has {image.width}×{image.height} pixels; at most {MAX_PIXELS} are read", code="scan.too_large")
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as err:
        raise ScanError(f"the image is too large: {err}", code="scan.too_large") from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise ScanError(f"the image cannot be read: {err}", code="scan.unreadable") from err
    return image.convert("L")


def _pdf_pages(data: bytes) -> Iterator[Image.Image]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise ScanError(f"the PDF cannot be read: {err}", code="scan.unreadable") from err
    try:
        for index in range(min(len(document), MAX_PDF_PAGES)):
            page = document[index]
            try:
                width, height = page.get_size()
                scale = PDF_DPI / 72
                if width * height * scale * scale > MAX_PIXELS:
                    raise ScanError(f"page {index + 1} is too large to rasterise", code="scan.too_large")
                image = page.render(scale=scale, grayscale=True).to_pil()
            finally:
                page.close()
            yield image
    except pdfium.PdfiumError as err:
        raise ScanError(f"the PDF cannot be rendered: {err}", code="scan.unreadable") from err
    finally:
        document.close()
