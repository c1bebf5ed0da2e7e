"""The public names of the printing package and of the seal format (as httpx's test_exported_members)."""

from __future__ import annotations

import shahada.schemas.seal
from shahada import printing


def test_printing_exports() -> None:
    assert sorted(printing.__all__) == [
        "OutputError", "PrintReport", "PrintedDocument", "PrintingError", "QRCodeError", "QRSymbol", "Renderer",
        "SealingError", "TemplateError", "make_qr", "print_documents", "printed_document", "render_naive", "write_atomic",
    ]  # fmt: skip
    for name in printing.__all__:
        assert getattr(printing, name).__module__.startswith("shahada.printing.")


def test_seal_format_exports() -> None:
    for name in shahada.schemas.seal.__all__:
        assert getattr(shahada.schemas.seal, name).__module__.startswith("shahada.schemas.seal.")
    assert {"SealContent", "decode_sign1", "seal_text", "seal_bytes", "key_id"} <= set(shahada.schemas.seal.__all__)
