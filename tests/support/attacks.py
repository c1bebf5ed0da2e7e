"""Hostile inputs of the adversarial review (issue 17, finding 3), built here so that tests and
``bench/attack.py`` use the same ones.

* :func:`poison_graph`: a genuine credential plus a ``relatedResource`` clique of blank nodes
  (every node points to every other): RDFC-1.0's Hash N-Degree Quads tries every permutation of
  alike neighbours, recursively; n=8 took minutes before the limits. The proof no longer matches.
* :func:`draw_op_bomb_pdf`: a one-page PDF whose content stream repeats a full-page fill: small
  to send, long to rasterise (20,000 fills took 49.5 s in PDFium).
* :data:`LONE_SURROGATE`: a JSON string escape that is no Unicode character (RFC 8259 §8.2).
"""

from __future__ import annotations

import copy
from typing import Any

LONE_SURROGATE = "\\ud800"  # as written in JSON text: json.loads gives "\ud800", which UTF-8 cannot encode


def poison_graph(credential: dict[str, Any], n: int = 8, *, under: str = "relatedResource") -> dict[str, Any]:
    """``credential`` with a clique of ``n`` blank nodes under ``under`` (about 4.5 KB for a diploma
    and n=8); the predicate is an absolute IRI, which safe JSON-LD expansion keeps. The issuer's
    data model refuses blank nodes under ``relatedResource`` before canonicalizing: its tests put
    the clique under an absolute IRI instead."""
    poisoned = copy.deepcopy(credential)
    poisoned[under] = [
        {"id": f"_:b{i}", "urn:example:link": [{"id": f"_:b{j}"} for j in range(n) if j != i]} for i in range(n)
    ]
    return poisoned


def draw_op_bomb_pdf(fills: int = 20_000, *, pages: int = 1, width: int = 595, height: int = 842) -> bytes:
    """A valid PDF (ISO 32000-1: catalog, pages, page, content stream, xref) of ``pages`` A4 pages
    sharing one content stream that paints the page ``fills`` times, each fill in a new grey so
    that none can be skipped (480 KB for 20,000 fills, whatever the number of pages)."""
    ops = "".join(f"{(i % 97) / 97:.2f} g 0 0 {width} {height} re f\n" for i in range(fills)).encode("ascii")
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode("ascii"),
        b"<< /Length " + str(len(ops)).encode("ascii") + b" >>\nstream\n" + ops + b"\nendstream",
    ] + [
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents 3 0 R /Resources << >> >>".encode("ascii")
        for _ in range(pages)
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)
