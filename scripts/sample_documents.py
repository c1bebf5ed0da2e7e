"""Render the reference images of the printed documents (docs/printing/*.png) from the test cases.

    .venv/bin/python scripts/sample_documents.py [OUT_DIR]

The credentials are the golden ones of tests/schemas/cases (the longest names, a 15-subject
transcript with the longest names, Arabic with harakat), sealed with a throwaway key: the images
show the layout, the QR code's size and the Arabic shaping, not a ministry signature. Each page is
rasterised at 100 dpi and kept with a palette of 256 colours (median cut, no dithering: the pale
security background stays, the file is half the size).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from shahada.printing.pdf import Renderer, write_atomic  # noqa: E402
from shahada.printing.qr import make_qr  # noqa: E402
from tests.printing.conftest import documents, seal_of  # noqa: E402
from tests.support.local_sealer import LocalSealer  # noqa: E402

SAMPLES = ("diploma-long-names", "diploma-diacritics", "transcript-long-names-15-subjects")


def main(out: Path) -> None:
    renderer, sealer = Renderer(), LocalSealer()
    all_documents = documents()
    for name in SAMPLES:
        seal = seal_of(all_documents[name], sealer)
        pdf = out / f"{name}.pdf"
        write_atomic(pdf, renderer.pdf(all_documents[name], seal))
        subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(out / name)], check=True)
        pdf.unlink()
        png = out / f"{name}.png"
        with Image.open(png) as page:
            palette = page.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        palette.save(png, optimize=True)
        print(f"{out / name}.png: QR version {make_qr(seal).version} (level Q), {len(seal)} characters")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "printing")
