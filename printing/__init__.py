"""Printed diplomas and transcripts: templates rendered to PDF, the seal's QR code, batch printing."""

from shahada.printing.batch import PrintReport, print_documents
from shahada.printing.document import PrintedDocument, printed_document
from shahada.printing.errors import OutputError, PrintingError, QRCodeError, SealingError, TemplateError
from shahada.printing.pdf import Renderer, render_naive, write_atomic
from shahada.printing.qr import QRSymbol, make_qr

__all__ = [
    "OutputError",
    "PrintReport",
    "PrintedDocument",
    "PrintingError",
    "QRCodeError",
    "QRSymbol",
    "Renderer",
    "SealingError",
    "TemplateError",
    "make_qr",
    "print_documents",
    "printed_document",
    "render_naive",
    "write_atomic",
]
