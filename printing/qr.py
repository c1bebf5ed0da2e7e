"""The QR code of a printed document (ISO/IEC 18004), at error-correction level Q.

Encoded by zxing-cpp, whose encoder splits the text into the cheapest mode segments: the Base32
payload (and a base URL written in capitals) in alphanumeric mode, 5.5 bits a character; a
lower-case base URL in byte mode. Level Q restores up to 25 % of damaged codewords, which a
folded, stamped or worn paper needs.

The symbol is an image of one pixel a module, with the 4-module quiet zone the standard requires,
printed at ``module_mm`` millimetres a module (at least 0.33 mm, so that phone cameras and 150 dpi
scans resolve it) without interpolation: sharp square modules at any printer's resolution, and
almost no work for the PDF renderer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final

import zxingcpp
from PIL import Image, ImageOps

from shahada.printing.errors import QRCodeError

MIN_MODULE_MM: Final = 0.33
_MODULE_CHARS: Final = bytes(0x31 if i < 128 else 0x30 for i in range(256))
QUIET_ZONE: Final = 4


@dataclass(frozen=True, slots=True)
class QRSymbol:
    """A QR code: its version (1–40) and its modules as an 8-bit image (0 dark, 255 light)."""

    version: int
    image: Image.Image  # one pixel a module, no quiet zone

    @property
    def size(self) -> int:
        """Modules per side, quiet zone excluded (17 + 4 × version)."""
        return self.image.width

    def side_mm(self, module_mm: float) -> float:
        """The printed width (and height), quiet zone included.

        Raises:
            QRCodeError: ``print.qr_module``, modules below the 0.33 mm minimum.
        """
        if module_mm < MIN_MODULE_MM:
            raise QRCodeError(f"modules of {module_mm} mm are below the {MIN_MODULE_MM} mm minimum", code="print.qr_module")
        return (self.size + 2 * QUIET_ZONE) * module_mm

    def png(self, *, scale: int = 1) -> bytes:
        """A 1-bit PNG, ``scale`` pixels a module, quiet zone included."""
        framed = ImageOps.expand(self.image, border=QUIET_ZONE, fill=255).convert("1")
        if scale != 1:
            framed = framed.resize((framed.width * scale, framed.height * scale), Image.Resampling.NEAREST)
        out = io.BytesIO()
        framed.save(out, format="PNG", optimize=True)
        return out.getvalue()

    def modules(self) -> str:
        """The modules row by row, quiet zone included: "1" dark, "0" light (what the Typst
        template draws as an image of one pixel a module)."""
        framed = ImageOps.expand(self.image, border=QUIET_ZONE, fill=255)
        return framed.tobytes().translate(_MODULE_CHARS).decode("ascii")


def make_qr(text: str) -> QRSymbol:
    """The smallest QR code at level Q holding ``text``.

    Raises:
        QRCodeError: ``print.qr_overflow``, the text does not fit a version-40 symbol.
    """
    try:
        barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
        view = memoryview(barcode.to_image(scale=1, add_quiet_zones=False))
    except (ValueError, RuntimeError) as err:
        raise QRCodeError(f"the seal ({len(text)} characters) does not fit a QR code: {err}", code="print.qr_overflow") from err
    assert view.shape is not None  # a 2-D image
    height, width = view.shape
    image = Image.frombytes("L", (width, height), view.tobytes())
    return QRSymbol(version=(width - 17) // 4, image=image)
