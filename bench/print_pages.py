"""What the security background costs a printed page: the same documents rendered, in the same run,
with and without it.

Three renderers, each a ``shahada.printing.pdf.Renderer`` (templates, stylesheets, fonts and
drawings loaded once), take turns page by page, so that the other work on the machine weighs on
each alike:

- without background: the page as it would be with no guilloche (the baseline);
- PNG background: the drawing as the first version of the background gave it to WeasyPrint, hard-
  edged lines at 150 dpi in a 16-colour PNG, which WeasyPrint decodes and compresses again into
  every PDF it writes;
- JPEG background: the renderer as it prints, the drawing as a JPEG that WeasyPrint copies into the
  PDF as it is.

Each page is laid out and written to PDF bytes (``Renderer.pdf``); the figures are medians of
process CPU time (wall time moves with the load of a shared machine), after a warm-up. The
documents are the test cases' hardest layouts: the diploma with the longest names and the
15-subject transcript.

    .venv/bin/python bench/print_pages.py [--pages 30]
"""

from __future__ import annotations

import argparse
import base64
import io
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test cases (tests/printing/conftest.py)

import shahada.printing.pdf as pdf  # noqa: E402
from shahada.printing.guilloche import guilloche_image  # noqa: E402
from tests.printing.conftest import documents, seal_of  # noqa: E402
from tests.support.local_sealer import LocalSealer  # noqa: E402

KINDS = {"diploma": "diploma-long-names", "transcript": "transcript-long-names-15-subjects"}


def _png_data_uri(width_mm: float, height_mm: float) -> str:
    out = io.BytesIO()
    guilloche_image(width_mm, height_mm, supersample=1).quantize(colors=16, method=Image.Quantize.MEDIANCUT).save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def renderers() -> dict[str, pdf.Renderer]:
    """The three renderers; the module's background functions are swapped while each is built."""
    made: dict[str, pdf.Renderer] = {}
    background_css, data_uri = pdf.background_css, pdf.guilloche_data_uri
    try:
        pdf.background_css = lambda: ""
        made["without background"] = pdf.Renderer()
        pdf.background_css = background_css
        pdf.guilloche_data_uri = _png_data_uri
        made["PNG background"] = pdf.Renderer()
    finally:
        pdf.background_css, pdf.guilloche_data_uri = background_css, data_uri
    made["JPEG background (printed)"] = pdf.Renderer()
    return made


def cpu_ms(renderer: pdf.Renderer, credential: Mapping[str, Any], seal: str) -> tuple[float, int]:
    """CPU milliseconds to lay out one page and write its PDF, and the PDF's size."""
    started = time.process_time()
    data = renderer.pdf(credential, seal)
    return (time.process_time() - started) * 1000, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=30, help="pages timed per renderer and kind")
    args = parser.parse_args()
    cases, sealer, made = documents(), LocalSealer(), renderers()
    print(f"{'':14}{'renderer':28}{'ms/page (CPU)':>15}{'vs baseline':>13}{'PDF KiB':>9}")
    for kind, name in KINDS.items():
        credential = cases[name]
        seal = seal_of(credential, sealer)
        for renderer in made.values():  # warm-up: fonts, drawings parsed, caches filled
            for _ in range(3):
                renderer.pdf(credential, seal)
        times: dict[str, list[float]] = {label: [] for label in made}
        sizes: dict[str, int] = {}
        for _ in range(args.pages):
            for label, renderer in made.items():
                ms, sizes[label] = cpu_ms(renderer, credential, seal)
                times[label].append(ms)
        baseline = statistics.median(times["without background"])
        for label in made:
            median = statistics.median(times[label])
            print(f"{kind:14}{label:28}{median:15.1f}{(median / baseline - 1) * 100:+12.1f}%{sizes[label] / 1024:9.0f}")


if __name__ == "__main__":
    main()
