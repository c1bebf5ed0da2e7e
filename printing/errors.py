"""Errors of the printing package.

    PrintingError               print.error
    ├── QRCodeError             print.qr_overflow   the seal does not fit a QR code
    │                           print.qr_module     modules below the 0.33 mm minimum
    ├── TemplateError           print.template      a document template failed to render
    ├── SealingError            print.seal          the agent could not seal a document
    ├── OutputError             print.output        an output file or directory cannot be written
    └── EmblemError             print.emblem        the configured emblem is not a readable SVG file
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class PrintingError(ShahadaError):
    code = "print.error"


class QRCodeError(PrintingError):
    code = "print.qr_overflow"


class TemplateError(PrintingError):
    code = "print.template"


class SealingError(PrintingError):
    code = "print.seal"
    http_status = 502


class OutputError(PrintingError):
    code = "print.output"


class EmblemError(PrintingError):
    code = "print.emblem"
