"""The security background of the printed documents: a guilloche drawn by the project.

Three layers of fine lines, as on banknotes and official certificates, hard to redraw by hand and
lost by a photocopier at low resolution:

- a border band: interlaced waves running round the page inside its frame;
- a rosette in the middle: closed waves round a circle, each shifted in phase, which cross into
  a lattice;
- a faint net of crossing waves over the whole page.

The lines are thin and pale (a few percent of ink), so text stays readable, pdftotext reads only
the text (the pattern is an image, not glyphs) and the QR code, printed on its own white quiet
zone, decodes as before.

The drawing is a JPEG, made once per page size and process and cached: Typst (like WeasyPrint
before it) copies a JPEG's bytes into the PDF as they are (a DCTDecode stream), where it would
decode and compress a PNG again on every PDF it writes, and it would redraw an SVG's tens of
thousands of segments on every page. The lines are drawn at twice the resolution and
reduced, so they are smooth; smooth lines are what JPEG keeps small and clean.
"""

from __future__ import annotations

import functools
import io
import math
from typing import Final

from PIL import Image, ImageDraw

GREEN: Final = "#1d4e3a"
GOLD: Final = "#b8862b"
DPI: Final = 150  # the image's resolution: lines of one pixel (0.17 mm), as fine as a 150 dpi scan resolves
SUPERSAMPLE: Final = 2  # drawn at 300 dpi with lines of two pixels, then reduced to 150 dpi (anti-aliased)
JPEG_QUALITY: Final = 60  # pale lines on white: no visible artefact at print size; ~130 KiB a page


def _rosette(cx: float, cy: float, radius: float, *, lines: int, lobes: int, depth: float, steps: int = 540) -> list[list[tuple[float, float]]]:
    """Closed waves r(θ) = radius_i + depth·sin(lobes·θ + phase_i): a ring of crossing lines."""
    paths = []
    for i in range(lines):
        phase = 2 * math.pi * i / lines
        base = radius * (0.62 + 0.38 * i / max(lines - 1, 1))
        points = []
        for k in range(steps):
            t = 2 * math.pi * k / steps
            r = base + depth * math.sin(lobes * t + phase) + 0.35 * depth * math.sin((lobes // 2) * t - 2 * phase)
            points.append((cx + r * math.cos(t), cy + r * math.sin(t)))
        paths.append([*points, points[0]])
    return paths


def _band(width: float, height: float, inset: float, band: float, *, waves: int, wavelength: float) -> list[list[tuple[float, float]]]:
    """Waves running round the rectangle ``inset`` from the edges, within ``band`` millimetres."""
    left, top, right, bottom = inset, inset, width - inset, height - inset
    perimeter = 2 * (right - left + bottom - top)
    steps = int(perimeter / 0.8)
    paths = []
    for i in range(waves):
        phase = math.pi * i / waves
        points = []
        for k in range(steps + 1):
            s = perimeter * k / steps
            offset = band / 2 * (1 + math.sin(2 * math.pi * s / wavelength + phase))
            # walk the rectangle clockwise; the offset points inwards
            if s < (w := right - left):
                points.append((left + s, top + offset))
            elif s < w + (h := bottom - top):
                points.append((right - offset, top + s - w))
            elif s < 2 * w + h:
                points.append((right - (s - w - h), bottom - offset))
            else:
                points.append((left + offset, bottom - (s - 2 * w - h)))
        paths.append(points)
    return paths


def _net(width: float, height: float, *, spacing: float, amplitude: float, wavelength: float) -> list[list[tuple[float, float]]]:
    """Two families of gentle waves across the page, crossing into a fine net."""
    paths = []
    count = int(height / spacing) + 2
    for i in range(count):
        for sign in (1, -1):
            y0 = i * spacing
            points = [
                (x, y0 + sign * amplitude * math.sin(2 * math.pi * x / wavelength + i * 0.45))
                for x in (k * 1.5 for k in range(int(width / 1.5) + 2))
            ]
            paths.append(points)
    return paths


def _layers(w: float, h: float) -> list[tuple[list[list[tuple[float, float]]], str, float, float]]:
    """(lines, colour, opacity, width in mm) of each layer, from the back."""
    size = min(w, h)
    return [
        (_net(w, h, spacing=3.2, amplitude=1.2, wavelength=24), GOLD, 0.16, 0.09),
        (_rosette(w / 2, h / 2, size * 0.30, lines=28, lobes=18, depth=size * 0.022), GREEN, 0.13, 0.11),
        (_band(w, h, 2.2, 4.5, waves=4, wavelength=7.5), GREEN, 0.45, 0.13),
    ]


def _blend(colour: str, opacity: float) -> tuple[int, int, int]:
    """``colour`` at ``opacity`` over white paper."""
    rgb = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(round(255 - (255 - c) * opacity) for c in rgb)  # type: ignore[return-value]


def guilloche_image(width_mm: float, height_mm: float, *, supersample: int = SUPERSAMPLE) -> Image.Image:
    """The background of a page area of ``width_mm`` × ``height_mm`` at 150 dpi (RGB, white paper);
    ``supersample=1``: hard-edged lines of one pixel, drawn at 150 dpi directly."""
    scale = DPI * supersample / 25.4
    image = Image.new("RGB", (round(width_mm * scale), round(height_mm * scale)), "white")
    draw = ImageDraw.Draw(image)
    for lines, colour, opacity, width in _layers(width_mm, height_mm):
        fill = _blend(colour, opacity)
        for line in lines:
            draw.line([(x * scale, y * scale) for x, y in line], fill=fill, width=max(supersample, round(width * scale * 0.8)))
    if supersample == 1:
        return image
    return image.resize((round(width_mm * DPI / 25.4), round(height_mm * DPI / 25.4)), Image.Resampling.LANCZOS)


@functools.cache
def guilloche_jpeg(width_mm: float, height_mm: float) -> bytes:
    """:func:`guilloche_image` as a JPEG, made once per size and process (no chroma subsampling,
    so that the thin coloured lines keep their colour)."""
    out = io.BytesIO()
    guilloche_image(width_mm, height_mm).save(out, format="JPEG", quality=JPEG_QUALITY, subsampling="4:4:4", optimize=True)
    return out.getvalue()
