"""Server-rendered SVG charts of the dashboard (no script, no external asset): grouped bars of
documents per academy and state, and bars of documents per day. Colours are attributes, never
``style``, so the pages' Content-Security-Policy (no inline styles) holds."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from shahada.issuer.archive.store import ISSUED, CredentialRow, PrintedRow

__all__ = ["COLOURS", "bars", "daily_counts", "latest_session", "meter"]

COLOURS: Final = {
    "issued": "#006233", "printed": "#2f6db5", "delivered": "#8a5a00", "revoked": "#c1272d", "suspended": "#7a4fa0",
    # verification outcomes and share-link accesses
    "valid": "#006233", "invalid": "#7f1d1d", "incomplete": "#b7791f", "unusable": "#5c6670", "error": "#9aa3ab",
    "served": "#2f6db5", "refused": "#c1272d",
}


def bars(
    groups: Sequence[str], series: Mapping[str, Sequence[int]], *, labels: Mapping[str, str], title: str, rtl: bool = False, stacked: bool = False
) -> str:
    """A grouped bar chart: one group per entry of ``groups``, one bar per series (its counts in
    group order), each bar titled with ``labels``; ``stacked``: one bar per group, the series
    stacked in it. Returns an ``<svg>`` element; the legend is the page's (HTML, so that it wraps
    and follows the reading direction: ``.swatch.<series>``)."""
    width, height, top, bottom, side = 720, 260, 20, 40, 44
    names = list(series)
    heights = [sum(series[n][g] for n in names) for g in range(len(groups))] if stacked else [v for values in series.values() for v in values]
    step = max(1, math.ceil(max([1, *heights]) / 4))
    peak = 4 * step  # the scale's top: four whole steps
    slot = (width - 2 * side) / max(len(groups), 1)
    per_group = 1 if stacked else max(len(names), 1)
    bar = max(min((slot - 8) / per_group, 28), 2)
    plot = height - top - bottom
    wide = " wide" if len(groups) > 8 else ""  # many groups: a minimum width, the box scrolls on a phone
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart{wide}"><title>{escape(title)}</title>']
    for i in range(5):  # grid and scale
        y = top + plot * i / 4
        value = step * (4 - i)
        parts.append(f'<line x1="{side}" x2="{width - side}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dade" stroke-width="1"/>')
        axis = f'x="{width - side + 6}" text-anchor="start"' if rtl else f'x="{side - 6}" text-anchor="end"'  # the scale on the reading side
        parts.append(f'<text {axis} y="{y + 4:.1f}" font-size="11" fill="#5c6670">{value}</text>')
    every = max(1, math.ceil(len(groups) / 16))  # at most 16 group labels, so that they never overlap
    for g, group in enumerate(groups):
        position = len(groups) - 1 - g if rtl else g
        x0 = side + position * slot + (slot - bar * per_group) / 2
        base = 0.0
        for s, name in enumerate(names):
            value = series[name][g]
            h = plot * value / peak
            x = x0 if stacked else x0 + s * bar
            y = top + plot - base - h
            base = base + h if stacked else 0.0
            if stacked and not value:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" fill="{COLOURS.get(name, "#5c6670")}">'
                f"<title>{escape(group)} · {escape(labels.get(name, name))}: {value}</title></rect>"
            )
        if g % every == 0:
            cx = side + position * slot + slot / 2
            parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" fill="#1d2125">{escape(group)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def meter(count: int, peak: int, *, label: str, rtl: bool = False, colour: str = "#c1272d") -> str:
    """A one-bar chart for a table row: ``count`` out of ``peak`` as a bar growing from the
    reading side, titled with ``label``. Returns an ``<svg>`` element (``svg.meter``)."""
    length = 100 * count / max(peak, 1)
    x = 100 - length if rtl else 0
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" class="meter">'
        f'<title>{escape(label)}: {count}</title><rect x="{x:.1f}" y="0" width="{length:.1f}" height="10" fill="{colour}"/></svg>'
    )


def daily_counts(engine: Engine, year: int, *, academy: str | None = None) -> dict[str, dict[dt.date, int]]:
    """Documents of ``year`` issued (signed) and printed, per UTC day."""
    where = [CredentialRow.session_year == year, CredentialRow.status == ISSUED]
    if academy is not None:
        where.append(CredentialRow.academy == academy)
    found: dict[str, dict[dt.date, int]] = {"issued": {}, "printed": {}}
    with Session(engine) as session:
        for (moment,) in session.execute(select(CredentialRow.issued_at).where(*where)):
            if moment is not None:
                day = moment.date()
                found["issued"][day] = found["issued"].get(day, 0) + 1
        query = select(PrintedRow.printed_at, func.count()).join(CredentialRow, CredentialRow.id == PrintedRow.credential_id).where(*where)
        for moment, count in session.execute(query.group_by(PrintedRow.printed_at)):
            day = moment.date()
            found["printed"][day] = found["printed"].get(day, 0) + int(count)
    return found


def latest_session(engine: Engine) -> int | None:
    """The latest session year with documents in the archive (None: an empty archive)."""
    with Session(engine) as session:
        found: int | None = session.execute(select(func.max(CredentialRow.session_year))).scalar()
    return found
